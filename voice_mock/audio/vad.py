"""Voice activity: Silero VAD (the copy faster-whisper ships), offline and streaming."""

from __future__ import annotations

import numpy as np

from .formats import BLOCK_SIZE, SAMPLE_RATE
from voice_mock.types import Interval

FRAME = 512  # Silero's window at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous frame the model sees, as faster-whisper feeds it


def _model():
    from faster_whisper.vad import get_vad_model  # lazy: onnxruntime is slow to import

    return get_vad_model()


# Frames per model run (32 s of audio). faster-whisper runs 10,000 (5 min) at a time: the same
# numbers (the recurrent state is carried from run to run), but the model's working memory for
# 10,000 frames is ~250 MB at its peak, of which ~90 MB stay with the process afterwards (the
# allocator keeps them); 1,000 frames cost ~100 MB and keep ~90 MB less (benchmarks/long_answer.py).
BATCH = 1_000


def speech_probabilities(audio: np.ndarray) -> np.ndarray:
    """One speech probability per 32 ms frame, for a whole clip.

    The same numbers as faster-whisper's `SileroVADModel(audio)` (frames in
    batches, each with the 64 samples before it as context, the recurrent
    state carried from batch to batch; ours are smaller), built one batch at a time:
    it builds the padded, context-prefixed copy of the whole clip at once,
    which for a 30-minute answer costs hundreds of MB."""
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    n_frames = -(-len(audio) // FRAME)
    probabilities = np.empty(n_frames, dtype=np.float32)
    if not n_frames:
        return probabilities
    session = _model().session
    h = np.zeros((1, 1, 128), dtype=np.float32)
    c = np.zeros((1, 1, 128), dtype=np.float32)
    for first in range(0, n_frames, BATCH):
        last = min(first + BATCH, n_frames)
        chunk = audio[first * FRAME : last * FRAME]
        frames = np.pad(chunk, (0, (last - first) * FRAME - len(chunk))).reshape(-1, FRAME)
        context = np.empty((len(frames), CONTEXT), dtype=np.float32)
        context[1:] = frames[:-1, -CONTEXT:]
        context[0] = audio[first * FRAME - CONTEXT : first * FRAME] if first else 0.0
        out, h, c = session.run(None, {"input": np.concatenate([context, frames], axis=1), "h": h, "c": c})
        probabilities[first:last] = np.asarray(out).reshape(-1)
    return probabilities


def intervals_from_probabilities(
    probabilities,
    threshold: float = 0.5,
    min_silence_s: float = 0.1,
    min_speech_s: float = 0.05,
    frame_s: float = FRAME / SAMPLE_RATE,
) -> list[Interval]:
    """Stretches of speech, with no padding and a short minimum silence.

    The rule of faster-whisper's get_speech_timestamps (hysteresis: speech
    starts at `threshold`, ends below `threshold - 0.15` held for
    `min_silence_s`) without its padding: faster-whisper's defaults (400 ms
    padding, 2 s minimum silence) are made for cutting audio before ASR and
    would hide the pauses we measure. Taking probabilities rather than audio
    lets the recorder's live VAD output be reused as is.
    """
    low = max(threshold - 0.15, 0.01)
    intervals: list[Interval] = []
    start: float | None = None
    silence_from: float | None = None
    for i, p in enumerate(probabilities):
        t = i * frame_s
        if p >= threshold:
            silence_from = None
            if start is None:
                start = t
        elif start is not None and p < low:
            if silence_from is None:
                silence_from = t
            if t - silence_from >= min_silence_s:
                if silence_from - start >= min_speech_s:
                    intervals.append(Interval(round(start, 3), round(silence_from, 3)))
                start = silence_from = None
    if start is not None:
        end = len(probabilities) * frame_s
        if end - start >= min_speech_s:
            intervals.append(Interval(round(start, 3), round(end, 3)))
    return intervals


def speech_intervals(audio: np.ndarray, **options) -> list[Interval]:
    """Speech in a whole clip (see intervals_from_probabilities for the rule)."""
    if len(audio) < FRAME:
        return []
    intervals = intervals_from_probabilities(speech_probabilities(audio), **options)
    end = round(len(audio) / SAMPLE_RATE, 3)
    return [Interval(iv.start, min(iv.end, end)) for iv in intervals]


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
