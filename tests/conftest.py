import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Every test gets its own data dir, as a user's would be."""
    monkeypatch.setenv("VOICE_MOCK_HOME", str(tmp_path / "home"))


@pytest.fixture
def short_dir():
    """A fresh folder with a short path (/tmp/vmXXXXXXXX), removed after: a local Ray keeps its
    sockets in the data dir, and pytest's own folders are too long for a socket path."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="vm", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_cli(*args, env=None, input=None, timeout=600):
    """voice-mock as a user runs it: a separate process."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "voice_mock", *map(str, args)],
        capture_output=True, text=True, env=full_env, input=input, timeout=timeout, cwd=REPO,
    )


def tone(seconds: float, freq: float = 220.0, amp: float = 0.3, rate: int = 16000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.fixture(scope="session")
def espeak_speech(tmp_path_factory):
    """Real speech made on the spot by espeak-ng, 16 kHz mono float32."""
    from voice_mock.audio.formats import load_audio

    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is not installed (scripts/setup.sh installs it)")
    path = tmp_path_factory.mktemp("speech") / "s.wav"
    subprocess.run(["espeak-ng", "-w", str(path), "I would like to lead a data team in five years."], check=True)
    return load_audio(path)


@pytest.fixture(scope="session")
def whisper():
    """The bundled tiny.en, loaded once for the whole run."""
    from voice_mock.speech.transcriber import WhisperTranscriber

    transcriber = WhisperTranscriber()
    transcriber.warm_up()
    return transcriber
