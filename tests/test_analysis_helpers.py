"""Hand-made data for the analysis tests (no audio, no model)."""

from __future__ import annotations

from voice_mock.types import Interval, Word


def say(text: str, start: float = 0.0, word_s: float = 0.3, gap_s: float = 0.05) -> list[Word]:
    """Words of `text` one after another: each word_s long, gap_s apart."""
    words = []
    t = start
    for token in text.split():
        words.append(Word(token, round(t, 4), round(t + word_s, 4)))
        t += word_s + gap_s
    return words


def speech_of(words: list[Word], join_s: float = 0.25) -> list[Interval]:
    """What a VAD would find for these words: their spans, joined across gaps
    shorter than join_s (zero-length words make no speech)."""
    out: list[Interval] = []
    for w in sorted(words, key=lambda w: w.start):
        if w.end <= w.start:
            continue
        if out and w.start - out[-1].end < join_s:
            out[-1] = Interval(out[-1].start, max(out[-1].end, w.end))
        else:
            out.append(Interval(w.start, w.end))
    return out


def end_of(words: list[Word]) -> float:
    return max(w.end for w in words)
