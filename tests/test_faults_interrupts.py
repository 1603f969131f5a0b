"""Fault cases: an answer interrupted by a signal, a lost microphone or a
full disk is never lost from the session. Run on the real private PulseAudio
server (tests/pulse.py): `practice` records from a virtual microphone into
which a sample answer is played."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from conftest import REPO, SAMPLES
from faults import small_tmpfs
from pulse import PulseServer, wait_for

pytestmark = [pytest.mark.audio, pytest.mark.model]

SAMPLE = SAMPLES / "why-leaving.flac"


@pytest.fixture
def pulse(tmp_path):
    server = PulseServer(tmp_path / "pulse").start()
    yield server
    server.stop()


class Practice:
    """`voice-mock practice` on the virtual microphone, one question, no voice."""

    def __init__(self, pulse, home: Path, *extra):
        self.pulse, self.home = pulse, home
        env = {**os.environ, **pulse.env, "VOICE_MOCK_HOME": str(home), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voice_mock", "practice", "--question", "why-leaving", "--voice", "none", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True, env=env, cwd=REPO,
            start_new_session=True,  # signals reach voice-mock only, as from another terminal
        )
        self.out: list[str] = []
        self.speaker = None

    def wait_for(self, needle: str, timeout: float = 120) -> None:
        wait_for(self.proc, needle, self.out, timeout)

    def speak(self) -> None:
        self.wait_for("Listening")
        self.speaker = subprocess.Popen(["paplay", "-d", "vmic", str(SAMPLE)], env={**os.environ, **self.pulse.env})

    def finish(self, timeout: float = 120) -> tuple[int, str]:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        finally:
            for p in (self.proc, self.speaker):
                if p is not None and p.poll() is None:
                    p.kill()
        self.out.append(out)
        return self.proc.returncode, err

    def session(self) -> tuple[Path, dict]:
        sessions = [p for p in (self.home / "sessions").iterdir() if p.is_dir()]
        assert len(sessions) == 1, sessions
        return sessions[0], json.loads((sessions[0] / "session.json").read_text())


def assert_listed_with_audio(session_dir: Path, meta: dict, min_s: float) -> dict:
    """session.json lists the answer whose audio is on disk."""
    assert len(meta["answers"]) == 1, meta
    entry = meta["answers"][0]
    wav = session_dir / entry["folder"] / "answer.wav"
    assert sf.info(str(wav)).duration > min_s
    return entry


def no_temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["sigterm", "sighup"])
def test_fault_signal_mid_answer_keeps_the_answer(pulse, tmp_path, sig):
    run = Practice(pulse, tmp_path / "home")
    run.speak()
    time.sleep(6.0)
    run.proc.send_signal(sig)
    code, err = run.finish()
    assert code != 0 and code != -signal.SIGABRT, err
    assert "Traceback" not in err and "terminate called" not in err, err
    assert "interrupted" in err
    session_dir, meta = run.session()
    entry = assert_listed_with_audio(session_dir, meta, 4.0)
    assert entry["end_reason"] == "interrupted"
    assert meta["finished"]
    assert no_temp_files(run.home) == []


def test_fault_ctrl_c_twice_ends_at_once_and_cleanly(pulse, tmp_path):
    """The first Ctrl-C stops the recording (its analysis starts); the second ends at once."""
    run = Practice(pulse, tmp_path / "home")
    run.speak()
    time.sleep(6.0)
    run.proc.send_signal(signal.SIGINT)
    run.wait_for("Recorded")  # the recording stopped; transcription and analysis under way
    run.proc.send_signal(signal.SIGINT)
    code, err = run.finish(timeout=60)
    assert code == 130, (code, err)
    assert "stopped at once" in err, err
    assert "terminate called" not in err and "Traceback" not in err, err
    session_dir, meta = run.session()
    entry = assert_listed_with_audio(session_dir, meta, 4.0)
    assert entry["end_reason"] == "interrupted"
    assert no_temp_files(run.home) == []
    # replay shows it as interrupted and offers to analyse it
    replay = subprocess.run([sys.executable, "-m", "voice_mock", "replay", "latest"], capture_output=True, text=True,
                            env={**os.environ, "VOICE_MOCK_HOME": str(run.home)}, cwd=REPO)
    assert replay.returncode == 0, replay.stderr
    assert "--reanalyze" in replay.stdout + replay.stderr


def test_fault_microphone_disappears_mid_answer(pulse, tmp_path):
    run = Practice(pulse, tmp_path / "home")
    run.speak()
    time.sleep(6.0)
    pulse.stop()  # PulseAudio killed: the microphone is gone
    code, err = run.finish()
    assert code == 1, err
    assert "Traceback" not in err and "terminate called" not in err, err
    assert "microphone" in err
    session_dir, meta = run.session()
    entry = assert_listed_with_audio(session_dir, meta, 4.0)
    assert entry["state"] != "analysed"


@pytest.fixture
def small_disk(tmp_path):
    with small_tmpfs(tmp_path / "disk", "256k") as mount:
        yield mount


def test_fault_disk_fills_up_mid_answer(pulse, small_disk):
    run = Practice(pulse, small_disk / "home")
    run.speak()
    code, err = run.finish()
    assert code == 1, err
    assert "Traceback" not in err and "terminate called" not in err, err
    assert "disk is full" in err or "No space left" in err
    session_dir, meta = run.session()
    assert_listed_with_audio(session_dir, meta, 2.0)
    assert no_temp_files(run.home) == []


def test_fault_killed_mid_answer_still_lists_the_answer(pulse, tmp_path):
    """SIGKILL (or a power cut) leaves no chance to save anything: the entry written
    when the recording started is what keeps the answer listed."""
    run = Practice(pulse, tmp_path / "home")
    run.speak()
    time.sleep(6.0)
    run.proc.kill()
    run.finish()
    session_dir, meta = run.session()
    entry = assert_listed_with_audio(session_dir, meta, 4.0)
    assert entry["state"] == "recording" and not meta["finished"]
    replay = subprocess.run([sys.executable, "-m", "voice_mock", "replay", "latest"], capture_output=True, text=True,
                            env={**os.environ, "VOICE_MOCK_HOME": str(run.home)}, cwd=REPO)
    assert replay.returncode == 0, replay.stderr
    assert "Interrupted" in replay.stdout and "--reanalyze" in replay.stdout
