"""The words as the analysis sees them: written words and fillers, timed
(from a transcript) or untimed (a typed answer), and how to read their text
back as evidence. alignment.py makes them from a transcript and the audio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from voice_mock.types import Interval

from .intervals import IntervalIndex
from .text import Token, filled_pause_form, normalize, tokens_for_words

WORD = "word"
FILLER = "filler"
GUESSED_FILLER_TEXT = "[um?]"


@dataclass
class AlignedWord:
    """A word as the analysis sees it; times are None for typed answers."""

    text: str
    start: float | None
    end: float | None
    probability: float | None = None
    kind: str = WORD  # "word" or "filler"
    confidence: float = 1.0  # how sure we are it is a filled pause (fillers)
    source: str = "transcript"  # "audio" for a filled pause found on the audio only
    retimed: bool = False
    filler: str = ""  # normalised filled-pause form ("um"), fillers only


def classify(texts: Sequence[str]) -> list[tuple[str, str]]:
    """(kind, filled-pause form) for each written word, in order."""
    out = []
    previous = ""
    for text in texts:
        form = filled_pause_form(text, previous)
        out.append((FILLER, form) if form else (WORD, ""))
        previous = normalize(text)
    return out


def words_from_text(texts: Sequence[str]) -> list[AlignedWord]:
    """Untimed words of a typed answer."""
    return [
        AlignedWord(t, None, None, None, kind, filler=form)
        for t, (kind, form) in zip(texts, classify(texts))
    ]


def lexical_tokens(words: Sequence[AlignedWord]) -> list[Token]:
    """Tokens of the lexical words; `Token.word` indexes `words` (fillers
    included), so a gap in word indexes means a filler came between."""
    tokens = tokens_for_words([w.text for w in words])
    return [t for t in tokens if words[t.word].kind == WORD]


def speaking_span(words: Sequence[AlignedWord], speech: IntervalIndex) -> Interval | None:
    """First to last speech of the answer: the speech intervals touching the
    first and last kept words (so a VAD blip long before is not counted)."""
    timed = [w for w in words if w.start is not None]
    if not timed:
        return None
    start = min(w.start for w in timed)
    end = max(w.end for w in timed)
    first = speech.overlapping(start, start)
    last = speech.overlapping(end, end)
    if first:
        start = min(start, first[0].start)
    if last:
        end = max(end, last[-1].end)
    return Interval(start, end)


def said(words: Sequence[AlignedWord], tokens: Sequence[Token], a: int, b: int) -> tuple[str, float | None, float | None]:
    """The words behind tokens [a, b) as written (trailing punctuation off),
    with their start and end: the evidence shown to the user."""
    indexes = sorted({t.word for t in tokens[a:b]})
    text = " ".join(words[k].text for k in indexes).rstrip(".,;:!?\u2026-\u2013\u2014")
    return text, words[indexes[0]].start, words[indexes[-1]].end
