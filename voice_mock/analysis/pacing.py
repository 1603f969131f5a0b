"""Speech rate, articulation rate, pace over time, answer length.

All rates count lexical words only (fillers are not words), as the words a
person says: a numeral counts as the words it is read as ("2023" is three,
"two thousand twenty three"; see `text.spoken_word_count`), so a rate does not
depend on whether the transcriber wrote digits or words. The answer runs
from its first to its last speech (`span`), so leading silence (latency) and
trailing silence (waiting for the end-of-answer pause) do not dilute it.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Sequence

from voice_mock.types import Interval, Question

from .words import AlignedWord
from .config import PacingConfig
from .feedback import Pacing, Stretch, Window
from .intervals import total
from .text import spoken_counts


def measure_pacing(
    lexical: Sequence[AlignedWord],
    span: Interval | None,
    silent_pauses: Sequence[Interval],
    cfg: PacingConfig,
    question: Question | None = None,
    response_latency_s: float | None = None,
) -> Pacing:
    """`silent_pauses`: the pauses >= the counted threshold inside `span`."""
    pacing = Pacing(response_latency_s=response_latency_s, word_count=len(lexical))
    if question is not None:
        pacing.target_seconds = [float(t) for t in question.target_seconds]
    if span is None:
        return pacing
    pacing.speech_start, pacing.speech_end = span.start, span.end
    pacing.leading_silence_s = span.start
    pacing.duration_s = span.duration
    pacing.length_verdict = length_verdict(span.duration, question)
    if len(lexical) < cfg.min_words_for_rate or span.duration < cfg.min_seconds_for_rate:
        return pacing
    pacing.measured = True
    minutes = span.duration / 60.0
    said = sum(spoken_counts([w.text for w in lexical]))
    pacing.words_per_minute = said / minutes
    phonation = span.duration - total(silent_pauses)
    if phonation > 0:
        pacing.articulation_wpm = said / (phonation / 60.0)
    pacing.band = band(pacing.words_per_minute, cfg)
    pacing.windows = windows(lexical, span, cfg.window_s)
    if len(pacing.windows) >= 2:
        rates = [w.wpm for w in pacing.windows]
        mean = sum(rates) / len(rates)
        pacing.variation_wpm = math.sqrt(sum((r - mean) ** 2 for r in rates) / len(rates))
        pacing.stretches = stretches(pacing.windows, cfg)
    return pacing


def band(wpm: float, cfg: PacingConfig) -> str:
    if wpm < cfg.slow_wpm:
        return "slow"
    if wpm < cfg.target_low_wpm:
        return "below_target"
    if wpm <= cfg.target_high_wpm:
        return "target"
    if wpm <= cfg.fast_wpm:
        return "above_target"
    return "fast"


def length_verdict(seconds: float, question: Question | None) -> str | None:
    if question is None:
        return None
    low, high = question.target_seconds
    if seconds < low:
        return "short"
    if seconds > high:
        return "long"
    return "within"


def windows(lexical: Sequence[AlignedWord], span: Interval, window_s: float) -> list[Window]:
    """Equal windows of at least `window_s` (the last partial one is spread
    over the others) with the wpm of the words (as said) whose midpoint lies in each."""
    count = max(1, int(span.duration // window_s))
    size = span.duration / count
    counts = spoken_counts([w.text for w in lexical])
    timed = sorted(((w.start + w.end) / 2, n) for w, n in zip(lexical, counts))
    mids = [mid for mid, _ in timed]
    said = [0]
    for _, n in timed:
        said.append(said[-1] + n)
    out = []
    for k in range(count):
        start = span.start + k * size
        end = span.end if k == count - 1 else start + size
        lo = bisect_left(mids, start)
        hi = len(mids) if k == count - 1 else bisect_left(mids, end)
        n = said[hi] - said[lo]
        out.append(Window(start, end, n / ((end - start) / 60.0), n))
    return out


def stretches(wins: Sequence[Window], cfg: PacingConfig) -> list[Stretch]:
    """Runs of consecutive windows faster than fast_wpm or slower than slow_wpm."""
    out: list[Stretch] = []
    run: list[Window] = []
    run_kind = None
    for w in list(wins) + [None]:
        kind = None
        if w is not None:
            kind = "fast" if w.wpm > cfg.fast_wpm else "slow" if w.wpm < cfg.slow_wpm else None
        if kind != run_kind or w is None:
            if run_kind is not None:
                words = sum(r.words for r in run)
                minutes = (run[-1].end - run[0].start) / 60.0
                out.append(Stretch(run_kind, run[0].start, run[-1].end, words / minutes))
            run, run_kind = [], kind
        if w is not None and kind is not None:
            run.append(w)
    return out
