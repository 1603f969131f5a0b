"""Steady voiced stretches: where a filled pause may be, measured on the audio.

Whisper leaves many "um"/"uh" out or folds them into the next word's
timestamps ("um, In" becomes "On" stretched over the filler; FIELD-NOTES §2),
so the text alone cannot find them. Acoustically a filled pause is a held
vowel or nasal: voiced, and with a spectrum that barely changes for a few
hundred ms, while lexical speech moves from sound to sound every 50-100 ms.

This module finds such stretches: numpy in, `Interval`s out, no I/O. Per 10 ms
frame it computes a log-mel spectrum (the spectral *shape*, loudness removed)
and a voicing strength (normalised autocorrelation peak in the pitch range);
a frame is steady when it is voiced, loud enough, and its shape is close to
the frames around it. Runs of steady frames of at least `min_s` are returned.
The analysis decides what they mean (alignment.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from voice_mock.types import Interval

RATE = 16_000


@dataclass(frozen=True)
class SteadySettings:
    hop_s: float = 0.010
    frame_s: float = 0.032  # long enough to hold two periods of a 70 Hz voice
    n_mels: int = 24
    # Voicing: the autocorrelation peak over lags of 2.5-14 ms (400-70 Hz);
    # voiced speech is periodic (peak near 1), noise and fricatives are not.
    min_pitch_hz: float = 70.0
    max_pitch_hz: float = 400.0
    min_voicing: float = 0.5
    # Frames this far below the loudest part of the answer are not speech
    # that a listener would hear as "um" (breath, room noise, fade-outs).
    max_below_peak_db: float = 30.0
    # Spectral change: mean absolute log-mel difference (dB, shape only)
    # between frames `span_s` apart. A held vowel or nasal stays within a few
    # dB; consonant-vowel transitions move 8 dB and more.
    span_s: float = 0.04
    max_change_db: float = 4.0
    # Steady for at least this long: the short end of a filled pause
    # (about 0.2-0.8 s), longer than any vowel of fluent speech (50-150 ms).
    min_s: float = 0.2
    # Gaps of at most this many frames inside a run are bridged: the move
    # from the vowel to the [m] of "um" is one short spectral step.
    bridge_s: float = 0.03


def _frames(audio: np.ndarray, frame: int, hop: int) -> np.ndarray:
    n = 1 + (len(audio) - frame) // hop if len(audio) >= frame else 0
    if n <= 0:
        return np.zeros((0, frame), dtype=np.float32)
    return np.lib.stride_tricks.sliding_window_view(audio, frame)[::hop][:n]


def mel_filterbank(n_mels: int, n_fft: int, rate: int, low_hz: float = 80.0, high_hz: float = 7600.0) -> np.ndarray:
    """Triangular filters equally spaced on the mel scale: (n_mels, n_fft // 2 + 1)."""
    def mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def hz(m):
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(low_hz), mel(high_hz), n_mels + 2))
    bins = np.fft.rfftfreq(n_fft, 1.0 / rate)
    bank = np.zeros((n_mels, len(bins)))
    for i in range(n_mels):
        lo, mid, hi = edges[i], edges[i + 1], edges[i + 2]
        rising = (bins - lo) / (mid - lo)
        falling = (hi - bins) / (hi - mid)
        bank[i] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank


CHUNK_FRAMES = 2000  # 20 s of frames at a time: bounds memory on long answers


def _windowed_frames(audio: np.ndarray, s: SteadySettings, rate: int, rows=slice(None)) -> np.ndarray:
    """Windowed copies of the frames `rows` of a strided view (no copy of the rest)."""
    frame = int(s.frame_s * rate)
    x = _frames(np.asarray(audio, dtype=np.float32), frame, int(s.hop_s * rate))[rows]
    return (x - x.mean(axis=1, keepdims=True)) * np.hanning(frame).astype(np.float32)


def _frame_count(audio: np.ndarray, s: SteadySettings, rate: int) -> int:
    frame, hop = int(s.frame_s * rate), int(s.hop_s * rate)
    return 1 + (len(audio) - frame) // hop if len(audio) >= frame else 0


def _power(x: np.ndarray, n_fft: int) -> np.ndarray:
    spectrum = np.fft.rfft(x, n_fft)
    return spectrum.real ** 2 + spectrum.imag ** 2


def spectral_shape(power: np.ndarray, s: SteadySettings, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """(level dB, log-mel shape dB) per frame; the shape has each frame's
    mean removed, so a filler fading out does not count as a change."""
    n_fft = 2 * (power.shape[1] - 1)
    level_db = 10 * np.log10(power.sum(axis=1) + 1e-10)
    mel_db = 10 * np.log10(power @ mel_filterbank(s.n_mels, n_fft, rate).T.astype(power.dtype) + 1e-10)
    return level_db, mel_db - mel_db.mean(axis=1, keepdims=True)


def voicing(x: np.ndarray, s: SteadySettings, rate: int) -> np.ndarray:
    """Periodicity 0-1 per frame: the highest autocorrelation peak at lags
    of one pitch period (70-400 Hz), from the power spectrum (Wiener-
    Khinchin) and divided by the window's own autocorrelation (Boersma
    1993), so a steady vowel scores near 1 and noise near 0. `x`: windowed
    frames, zero-padded here to twice their length so the autocorrelation is
    not circular."""
    frame = x.shape[1]
    n_fft = 2 * frame
    power = _power(x, n_fft)
    window = np.fft.rfft(np.hanning(frame), n_fft)
    window_ac = np.fft.irfft(np.abs(window) ** 2, n_fft)[:frame]
    ac = np.fft.irfft(power, n_fft)[:, :frame]
    lo, hi = int(rate / s.max_pitch_hz), int(rate / s.min_pitch_hz)
    normalised = ac[:, lo:hi] / np.maximum(ac[:, :1], 1e-12) / (window_ac[lo:hi] / window_ac[0])
    return np.clip(normalised.max(axis=1), 0.0, 1.0) if len(ac) else np.zeros(0)


def spectral_change(shape: np.ndarray, lag: int) -> np.ndarray:
    """Mean |shape difference| (dB) between each frame and the frames `lag`
    before and after it (the larger of the two, so a run ends where the sound
    starts to move)."""
    n = len(shape)
    change = np.full(n, np.inf)
    if n <= lag:
        return change
    d = np.abs(shape[lag:] - shape[:-lag]).mean(axis=1)
    back = np.full(n, np.inf)
    fwd = np.full(n, np.inf)
    back[lag:] = d
    fwd[:-lag] = d
    # At the edges of a run only one neighbour lies inside it: take the better side there.
    both = np.maximum(back, fwd)
    return np.where(np.isfinite(both), both, np.minimum(back, fwd))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index runs where mask is true."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2]))


def steady_voiced(
    audio: np.ndarray,
    speech: Sequence[Interval] = (),
    settings: SteadySettings | None = None,
    rate: int = RATE,
) -> list[Interval]:
    """Stretches of at least `min_s` that are voiced and spectrally steady,
    inside `speech` when it is given (VAD intervals). Seconds from the start
    of `audio`."""
    s = settings or SteadySettings()
    n = _frame_count(audio, s, rate)
    if not n:
        return []
    # Chunk by chunk: a 2-minute answer as one FFT matrix cost ~90 MB.
    parts = []
    for first in range(0, n, CHUNK_FRAMES):
        x = _windowed_frames(audio, s, rate, slice(first, first + CHUNK_FRAMES))
        parts.append(spectral_shape(_power(x, x.shape[1]), s, rate))
    level = np.concatenate([p[0] for p in parts])
    shape = np.concatenate([p[1] for p in parts])
    hop = s.hop_s
    centre = np.arange(len(level)) * hop + s.frame_s / 2
    steady = level > level.max() - s.max_below_peak_db
    lag = max(1, int(round(s.span_s / hop)))
    steady &= spectral_change(shape, lag) <= s.max_change_db
    if speech:
        inside = np.zeros(len(level), dtype=bool)
        for iv in speech:
            inside[np.searchsorted(centre, iv.start):np.searchsorted(centre, iv.end)] = True
        steady &= inside
    # Voicing last and only where still needed: it is the costly part.
    candidates = np.flatnonzero(steady)
    for first in range(0, len(candidates), CHUNK_FRAMES):
        rows = candidates[first : first + CHUNK_FRAMES]
        steady[rows] = voicing(_windowed_frames(audio, s, rate, rows), s, rate) >= s.min_voicing
    bridge = int(round(s.bridge_s / hop))
    runs: list[list[int]] = []
    for a, b in _runs(steady):
        if runs and a - runs[-1][1] <= bridge:
            runs[-1][1] = b
        else:
            runs.append([a, b])
    # Frame i stands for the hop around its centre.
    first = s.frame_s / 2 - hop / 2
    return [
        Interval(round(float(first + a * hop), 3), round(float(first + b * hop), 3))
        for a, b in runs if (b - a) * hop >= s.min_s
    ]
