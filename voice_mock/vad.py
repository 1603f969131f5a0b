"""Voice activity: Silero VAD (the copy faster-whisper ships), offline and streaming."""

from __future__ import annotations

import numpy as np

from .audio import BLOCK_SIZE, SAMPLE_RATE
from .types import Interval

FRAME = 512  # Silero's window at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous frame the model sees, as faster-whisper feeds it


def _model():
    from faster_whisper.vad import get_vad_model  # lazy: onnxruntime is slow to import

    return get_vad_model()


def speech_intervals(
    audio: np.ndarray,
    threshold: float = 0.5,
    min_silence_s: float = 0.1,
    min_speech_s: float = 0.05,
) -> list[Interval]:
    """Stretches of speech, with no padding and a short minimum silence.

    faster-whisper's defaults (400 ms padding, 2 s minimum silence) are made
    for cutting audio before ASR and would hide the pauses we measure.
    """
    if len(audio) < FRAME:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=threshold,
        min_silence_duration_ms=int(min_silence_s * 1000),
        min_speech_duration_ms=int(min_speech_s * 1000),
        speech_pad_ms=0,
    )
    chunks = get_speech_timestamps(np.asarray(audio, dtype=np.float32), options)
    return [Interval(round(c["start"] / SAMPLE_RATE, 3), round(c["end"] / SAMPLE_RATE, 3)) for c in chunks]


class StreamingVad:
    """Speech probability for each 32 ms frame of audio pushed in any block size.

    Carries the model's recurrent state and 64-sample context across calls,
    so live audio is judged as the offline pass judges a whole file.
    """

    def __init__(self) -> None:
        self._session = _model().session
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def push(self, block: np.ndarray) -> list[float]:
        self._pending = np.concatenate([self._pending, np.asarray(block, dtype=np.float32).reshape(-1)])
        probs = []
        while len(self._pending) >= FRAME:
            frame, self._pending = self._pending[:FRAME], self._pending[FRAME:]
            x = np.concatenate([self._context, frame])[None, :]
            out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
            self._context = frame[-CONTEXT:]
            probs.append(float(np.asarray(out).reshape(-1)[0]))
        return probs


assert BLOCK_SIZE == FRAME, "recorder blocks are sized to one VAD frame"
