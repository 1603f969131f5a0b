"""Scores 0-100 for pacing, hesitation, content and overall.

Each score starts at 100 and loses points for what the findings criticise,
so a score never disagrees with the advice. A score that cannot be measured
is None, never a made-up figure. Clamped to 0-100 and rounded.

pacing = 100
    - 1.5 * (wpm distance outside the target band, target_low..target_high)
    - 30 * (share of speaking time in fast or slow stretches)
    - 0.5 * max(0, window-wpm std - uneven_std_wpm)
    - 10 * min(2, relative miss of the question's target length)
  (None when pacing was not measured: no speech, < 5 words or < 3 s.)

hesitation = 100
    - 5 * max(0, F - fine_per_min)      F = (confident filled pauses + filler phrases) / min
    - 10 * W                            W = weighted long pauses / min: within a clause 1.5,
                                            between clauses 1.0, between sentences 0.5,
                                            very long (>= 3 s) counts double
    - 3 * max(0, R - 2)                 R = (repetitions + restarts) per 100 words
  So 5 fillers a minute costs 10 points and 12 a minute 45 (Laske & DiGennaro
  Reed's "did not hurt" and "did hurt" figures). None without timed speech.

content = 100 * weighted mean of the parts available
          (coverage 0.5: covered / judged talking points;
           relevance 0.2: min(1, share of question keywords used / 0.5);
           structure 0.15: share of structure parts found;
           specificity 0.15: min(1, specific items / 3))
    - 15 per red flag hit (at most 45)
    - 5 per negative-framing phrase (at most 15)
    - 3 * max(0, hedges per 100 words - 2) (at most 15)
  (None without a question or without words.)

overall = weighted mean of the available scores: pacing 0.3, hesitation 0.3,
content 0.4 (None when none is available).
"""

from __future__ import annotations

from voice_mock.types import Question

from .config import AnalysisConfig
from .feedback import Content, Hesitation, Pacing, Scores


def _clamp(x: float) -> int:
    return int(round(min(100.0, max(0.0, x))))


def pacing_score(p: Pacing, cfg: AnalysisConfig) -> int | None:
    if not p.measured or p.words_per_minute is None:
        return None
    c = cfg.pacing
    wpm = p.words_per_minute
    outside = max(0.0, c.target_low_wpm - wpm, wpm - c.target_high_wpm)
    stretch_share = sum(s.end - s.start for s in p.stretches) / p.duration_s if p.duration_s else 0.0
    uneven = max(0.0, (p.variation_wpm or 0.0) - c.uneven_std_wpm)
    score = 100 - 1.5 * outside - 30 * stretch_share - 0.5 * uneven - 10 * length_miss(p)
    return _clamp(score)


def length_miss(p: Pacing) -> float:
    """How far outside the target length, relative to the bound (0..2)."""
    if not p.target_seconds or p.length_verdict in (None, "within"):
        return 0.0
    low, high = p.target_seconds
    if p.length_verdict == "short":
        miss = (low - p.duration_s) / low if low else 0.0
    else:
        miss = (p.duration_s - high) / high if high else 0.0
    return min(2.0, max(0.0, miss))


def hesitation_score(h: Hesitation, cfg: AnalysisConfig) -> int | None:
    if h.filled_pauses_per_min is None or h.filler_phrases_per_min is None:
        return None
    fillers = h.filled_pauses_per_min + h.filler_phrases_per_min
    weighted_pauses = h.weighted_long_pauses_per_min or 0.0
    repeats = h.repetitions_per_100_words or 0.0
    score = (
        100
        - 5 * max(0.0, fillers - cfg.fillers.fine_per_min)
        - 10 * weighted_pauses
        - 3 * max(0.0, repeats - cfg.fillers.repetitions_per_100_words)
    )
    return _clamp(score)


def content_score(c: Content, question: Question | None) -> int | None:
    if question is None or c.word_count == 0:
        return None
    parts: list[tuple[float, float]] = []  # (weight, value 0..1)
    judged = [t for t in c.talking_points if t.covered is not None]
    if judged:
        parts.append((0.5, sum(1 for t in judged if t.covered) / len(judged)))
    if c.relevance is not None:
        parts.append((0.2, min(1.0, c.relevance / 0.5)))
    if c.structure:
        parts.append((0.15, sum(1 for s in c.structure if s.found) / len(c.structure)))
    parts.append((0.15, min(1.0, c.specificity.count / 3)))
    base = 100 * sum(w * v for w, v in parts) / sum(w for w, _ in parts)
    hedges = c.hedging.per_100_words or 0.0
    score = (
        base
        - min(45, 15 * len(c.red_flags))
        - min(15, 5 * c.negative_framing.count)
        - min(15, 3 * max(0.0, hedges - 2))
    )
    return _clamp(score)


def overall_score(pacing: int | None, hesitation: int | None, content: int | None) -> int | None:
    parts = [(0.3, pacing), (0.3, hesitation), (0.4, content)]
    available = [(w, s) for w, s in parts if s is not None]
    if not available:
        return None
    return _clamp(sum(w * s for w, s in available) / sum(w for w, _ in available))


def score(pacing: Pacing, hesitation: Hesitation, content: Content,
          question: Question | None, cfg: AnalysisConfig) -> Scores:
    p = pacing_score(pacing, cfg)
    h = hesitation_score(hesitation, cfg)
    c = content_score(content, question)
    return Scores(p, h, c, overall_score(p, h, c))
