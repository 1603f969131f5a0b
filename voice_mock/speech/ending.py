"""How the last words before a silence sound: pitch and loudness of the final voiced stretch.

Only what the end-of-turn decision needs (a finished statement falls and
fades; a held or rising end asks for more): numpy in, a few numbers out.

Why a second pitch tracker beside Praat's (speech/prosody.py, delivery):
not speed (on the 2 s window measured at each pause it takes ~8 ms of CPU,
Praat ~15 ms), but the decision's thresholds (turn.TurnSettings: rising at
5-60 st/s) were set on this tracker's output, and Praat's is not a drop-in:
the "rising" verdict differs at 24 of 88 pauses of the samples and 4 of 39
of the real development clips (`benchmarks/ending_pitch.py`, 2026-12-03).
Unifying means moving the decision to Praat and re-tuning those thresholds
on the turn-taking benchmark (docs/end-of-answer.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 16_000
HOP_S = 0.010
FRAME_S = 0.040  # two periods of a 50 Hz voice... enough for 70 Hz
MIN_HZ, MAX_HZ = 70.0, 400.0
MIN_VOICING = 0.45
BELOW_PEAK_DB = 30.0  # frames this far under the stretch's loudest are not voiced speech
FINAL_S = 0.30  # the "final" part of the last voiced stretch
BEFORE_S = 1.2  # compared with this much voicing before it


@dataclass(frozen=True)
class EndingProsody:
    """Pitch and loudness at the end of the speech before a silence.

    pitch_change_st: median pitch of the final FINAL_S of voicing minus the
        median of the BEFORE_S before it, in semitones (< 0 falling).
    pitch_slope_st_s: slope of a line fitted to the final voiced pitch, in
        semitones a second.
    level_change_db: loudness of the final FINAL_S against the BEFORE_S
        before it (< 0 fading).
    voiced_s: how much voiced audio the figures come from (0: nothing usable).
    """

    pitch_change_st: float
    pitch_slope_st_s: float
    level_change_db: float
    voiced_s: float


def _frames(audio: np.ndarray, frame: int, hop: int) -> np.ndarray:
    if len(audio) < frame:
        return np.zeros((0, frame), dtype=np.float32)
    return np.lib.stride_tricks.sliding_window_view(audio, frame)[::hop]


def pitch_track(audio: np.ndarray, rate: int = RATE) -> tuple[np.ndarray, np.ndarray]:
    """(f0 in Hz or nan per 10 ms frame, level dB per frame): normalised
    autocorrelation (Boersma 1993) from the power spectrum."""
    frame, hop = int(FRAME_S * rate), int(HOP_S * rate)
    x = _frames(np.asarray(audio, dtype=np.float32), frame, hop)
    if not len(x):
        return np.zeros(0), np.zeros(0)
    x = (x - x.mean(axis=1, keepdims=True)) * np.hanning(frame).astype(np.float32)
    n_fft = 2 * frame
    spec = np.fft.rfft(x, n_fft)
    power = spec.real ** 2 + spec.imag ** 2
    level_db = 10 * np.log10(power.sum(axis=1) / n_fft + 1e-12)
    win = np.fft.rfft(np.hanning(frame), n_fft)
    win_ac = np.fft.irfft(np.abs(win) ** 2, n_fft)[:frame]
    ac = np.fft.irfft(power, n_fft)[:, :frame]
    lo, hi = int(rate / MAX_HZ), int(rate / MIN_HZ)
    norm = ac[:, lo:hi] / np.maximum(ac[:, :1], 1e-12) / (win_ac[lo:hi] / win_ac[0])
    best = norm.argmax(axis=1)
    peak = norm[np.arange(len(norm)), best]
    # Prefer the shortest lag whose peak is nearly as high (avoids octave-down errors).
    f0 = np.full(len(norm), np.nan)
    for i in np.flatnonzero(peak >= MIN_VOICING):
        row = norm[i]
        cands = np.flatnonzero((row[1:-1] >= 0.9 * peak[i]) & (row[1:-1] >= row[:-2]) & (row[1:-1] >= row[2:])) + 1
        lag = cands[0] if len(cands) else best[i]
        # Parabolic interpolation around the peak.
        if 0 < lag < len(row) - 1:
            a, b, c = row[lag - 1], row[lag], row[lag + 1]
            denom = a - 2 * b + c
            shift = 0.5 * (a - c) / denom if denom else 0.0
        else:
            shift = 0.0
        f0[i] = rate / (lo + lag + shift)
    loud = level_db > level_db.max() - BELOW_PEAK_DB
    f0[~loud] = np.nan
    return f0, level_db


def ending_prosody(audio: np.ndarray, rate: int = RATE) -> EndingProsody:
    """Figures for the end of `audio`: pass the last ~2 s of speech before the silence
    (trailing silence is ignored)."""
    f0, level = pitch_track(audio, rate)
    voiced = np.flatnonzero(np.isfinite(f0))
    if len(voiced) < 5:
        return EndingProsody(0.0, 0.0, 0.0, len(voiced) * HOP_S)
    st = 12 * np.log2(f0 / 100.0)
    # Smooth out single-frame jumps (octave errors) with a median of 5 voiced frames.
    vals = st[voiced]
    smooth = np.array([np.median(vals[max(0, i - 2): i + 3]) for i in range(len(vals))])
    t = voiced * HOP_S
    end = t[-1]
    final = t > end - FINAL_S
    before = (t <= end - FINAL_S) & (t > end - FINAL_S - BEFORE_S)
    if before.sum() < 3:
        before = ~final
    change = float(np.median(smooth[final]) - np.median(smooth[before])) if before.any() else 0.0
    if final.sum() >= 3:
        slope = float(np.polyfit(t[final], smooth[final], 1)[0])
    else:
        slope = 0.0
    # Loudness over voiced and unvoiced speech frames alike, from the last loud frame back.
    loud = np.flatnonzero(level > level.max() - BELOW_PEAK_DB)
    lt = loud * HOP_S
    lend = lt[-1]
    lf = level[loud][lt > lend - FINAL_S]
    lb = level[loud][(lt <= lend - FINAL_S) & (lt > lend - FINAL_S - BEFORE_S)]
    level_change = float(np.mean(lf) - np.mean(lb)) if len(lb) and len(lf) else 0.0
    return EndingProsody(round(change, 2), round(slope, 1), round(level_change, 1), round(len(voiced) * HOP_S, 2))
