"""Pitch and loudness of an answer, frame by frame: the contour the delivery
analysis reads (voice_mock.analysis.delivery).

Pitch is Praat's autocorrelation method (Boersma 1993, "Accurate short-term
analysis of the fundamental frequency and the harmonics-to-noise ratio of a
sampled sound"), run through `parselmouth`: per frame the normalised
autocorrelation gives pitch candidates, and a path through them (costs for
octave jumps and voiced/unvoiced switches) picks one or "unvoiced". It is the
phonetics field's reference tracker; numpy alone tracked about as well on
clean speech but made 3-5x more voicing and octave errors on real voices
(docs/feedback.md, "Delivery"). Loudness is the RMS level of the same frames,
in numpy.

Cost: about 0.2 s of CPU for a 2-minute answer at the 20 ms step
(`benchmarks/prosody.py`), paid after the answer ends beside the other
acoustic measure (speech/acoustics.py); Praat holds the GIL, so it cannot
hide in a thread. numpy in, `types.PitchTrack` out;
no I/O.

For a stretch of the answer (e.g. the pitch of the last words before a
pause): `pitch_track(audio, speech=...).span(start, end).voiced()` gives
(time, Hz) pairs; `level_db` the loudness of the same frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from voice_mock.audio.formats import SAMPLE_RATE
from voice_mock.types import Interval, PitchTrack


@dataclass(frozen=True)
class ProsodySettings:
    # 20 ms frames: half the cost of Praat's 10 ms default, and still five
    # frames in the shortest final rise the analysis looks at (100 ms).
    time_step_s: float = 0.02
    # Praat's advice for speech of unknown speakers: 75-500 Hz (75-300 for
    # men, 100-500 for women); one range for both keeps one pass.
    pitch_floor_hz: float = 75.0
    pitch_ceiling_hz: float = 500.0
    # Candidates per frame for the path: 6 instead of Praat's 15 costs a
    # sixth less and changed 0.1% of the frames' voicing and 0.05% of their
    # pitch on the samples and tests/data/real (benchmarks/prosody.py).
    max_candidates: int = 6
    # Praat's defaults for the path through the candidates.
    voicing_threshold: float = 0.45
    silence_threshold: float = 0.03
    octave_cost: float = 0.01
    octave_jump_cost: float = 0.35
    voiced_unvoiced_cost: float = 0.14
    # Loudness window: three periods of the pitch floor, as Praat's pitch frame.
    level_window_s: float = 0.04
    # Voiced runs shorter than this many frames (60 ms; a vowel lasts 50 ms
    # and more) are stray frames in noise or fricatives, often at 400+ Hz:
    # set unvoiced.
    min_voiced_frames: int = 3


MIN_SAMPLES_S = 0.1  # shorter audio has no frame to measure
# Speech intervals are widened by this much and joined across gaps shorter
# than JOIN_S before pitch is tracked: the silence between them is skipped
# (a quarter to a half of an answer), the frames at their edges are not.
PAD_S = 0.06
JOIN_S = 0.3


def pitch_track(
    audio: np.ndarray,
    rate: int = SAMPLE_RATE,
    speech: Sequence[Interval] | None = None,
    settings: ProsodySettings | None = None,
) -> PitchTrack:
    """F0 (None where unvoiced) and RMS level (dBFS) per frame of `audio`
    (mono float samples in -1..1). With `speech` (VAD intervals, seconds),
    pitch is tracked only there; frames elsewhere are unvoiced. The level
    covers every frame."""
    s = settings or ProsodySettings()
    audio = np.asarray(audio).reshape(-1)  # no float64 copy of the whole answer (230 MB for 30 minutes)
    hop = s.time_step_s
    n = int((len(audio) / rate - hop / 2) // hop) if len(audio) >= MIN_SAMPLES_S * rate else 0
    if n <= 0:
        return PitchTrack(hop, hop / 2, (), ())
    times = hop / 2 + hop * np.arange(n)
    f0 = np.zeros(n)
    if np.any(audio):
        duration = len(audio) / rate
        for start, end in _segments(speech, duration):
            a, b = int(start * rate), int(end * rate)
            if b - a < MIN_SAMPLES_S * rate:
                continue
            xs, values = _praat_pitch(audio[a:b].astype(np.float64), rate, s)
            if not len(xs):
                continue
            # Praat centres its frames in the segment: take for each frame of
            # the answer's grid the nearest of them (they are hop_s apart).
            xs = xs + a / rate
            k = np.arange(max(0, int((xs[0] - hop) / hop)), min(n, int((xs[-1] + hop) / hop) + 1))
            j = np.clip(np.searchsorted(xs, times[k]), 1, len(xs) - 1)
            j = np.where(np.abs(xs[j - 1] - times[k]) <= np.abs(xs[j] - times[k]), j - 1, j)
            near = np.abs(xs[j] - times[k]) <= hop / 2 + 1e-9
            f0[k[near]] = values[j[near]]
    _drop_short_runs(f0, s.min_voiced_frames)
    level = frame_levels(audio, times, rate, s.level_window_s)
    # Rounded as saved (0.1 Hz, 0.1 dB: far below what is heard), so a
    # replay re-analyses exactly what the first analysis saw.
    return PitchTrack(
        hop_s=hop,
        start_s=hop / 2,
        f0_hz=tuple(None if f <= 0 else f for f in np.round(f0, 1).tolist()),
        level_db=tuple(np.round(level, 1).tolist()),
    )


def _drop_short_runs(f0: np.ndarray, min_frames: int) -> None:
    voiced = np.concatenate([[False], f0 > 0, [False]])
    edges = np.flatnonzero(np.diff(voiced.astype(np.int8)))
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a < min_frames:
            f0[a:b] = 0.0


def _segments(speech: Sequence[Interval] | None, duration: float) -> list[tuple[float, float]]:
    if speech is None:
        return [(0.0, duration)]
    out: list[list[float]] = []
    for iv in sorted(speech, key=lambda iv: iv.start):
        a, b = max(0.0, iv.start - PAD_S), min(duration, iv.end + PAD_S)
        if out and a - out[-1][1] < JOIN_S:
            out[-1][1] = max(out[-1][1], b)
        elif b > a:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _praat_pitch(audio: np.ndarray, rate: int, s: ProsodySettings) -> tuple[np.ndarray, np.ndarray]:
    """Frame times (s from the start of `audio`) and F0 (0 where unvoiced)."""
    import parselmouth  # Praat; imported here so `voice-mock --help` stays light

    pitch = parselmouth.Sound(audio, sampling_frequency=rate).to_pitch_ac(
        time_step=s.time_step_s,
        pitch_floor=s.pitch_floor_hz,
        max_number_of_candidates=s.max_candidates,
        very_accurate=False,
        silence_threshold=s.silence_threshold,
        voicing_threshold=s.voicing_threshold,
        octave_cost=s.octave_cost,
        octave_jump_cost=s.octave_jump_cost,
        voiced_unvoiced_cost=s.voiced_unvoiced_cost,
        pitch_ceiling=s.pitch_ceiling_hz,
    )
    return np.asarray(pitch.xs()), np.asarray(pitch.selected_array["frequency"])


LEVEL_CHUNK = 1024  # frames per pass (~20 s at 20 ms): ~8 MB of working memory however long the recording (4096: ~40 MB)


def frame_levels(audio: np.ndarray, times: np.ndarray, rate: int, window_s: float) -> np.ndarray:
    """RMS level (dBFS, floored at -100) of `window_s` around each time.
    Running sums of squares over one chunk of frames at a time."""
    half = int(round(window_s * rate / 2))
    centre = np.round(np.asarray(times) * rate).astype(np.int64)
    lo = np.clip(centre - half, 0, len(audio))
    hi = np.clip(centre + half, 0, len(audio))
    mean = np.empty(len(centre))
    for first in range(0, len(centre), LEVEL_CHUNK):
        l, h = lo[first : first + LEVEL_CHUNK], hi[first : first + LEVEL_CHUNK]
        a, b = int(l.min()), int(h.max())
        energy = np.concatenate([[0.0], np.cumsum(np.square(audio[a:b], dtype=np.float64))])
        mean[first : first + len(l)] = (energy[h - a] - energy[l - a]) / np.maximum(h - l, 1)
    return 10 * np.log10(np.maximum(mean, 1e-10))
