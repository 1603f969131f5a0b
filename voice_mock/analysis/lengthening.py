"""Words drawn out in hesitation ("mmmontreal", "theee"): a hesitation of
their own kind, not a filled pause.

A filled pause is a held vowel or nasal that is not part of a word; a word
drawn out while the speaker searches for the next one holds one of its own
sounds for just as long. Both are steady voiced stretches on the audio
(speech/acoustics.py), so they are told apart by the words: a held stretch
that a lexical word covers (most of the stretch inside the word's span), with
no filler written on it, is that word lengthened. Held voice beside a word
("is, [held]") may be either and stays a possible filled pause. Sounds of fluent speech last 50-150 ms
and phrase-final lengthening about 250 ms, so a stretch counts from
`min_s` (0.35 s). A word that ends a sentence is left out: lengthening
before a sentence break is how phrases end, not hesitation. These are
listed, never counted as fillers or in scores.
"""

from __future__ import annotations

from typing import Sequence

from voice_mock.types import Interval

from .feedback import LengthenedWord
from .words import FILLER, WORD, AlignedWord

MIN_S = 0.35  # held longer than any sound of fluent speech (see above)


def lengthened_words(words: Sequence[AlignedWord], steady: Sequence[Interval] | None, min_s: float = MIN_S
                     ) -> list[LengthenedWord]:
    if not steady:
        return []
    timed = [(i, w) for i, w in enumerate(words) if w.start is not None]
    lexical = [(i, w) for i, w in timed if w.kind == WORD and w.text.rstrip("\"')")[-1:] not in ".!?"]
    written_fillers = [w for _, w in timed if w.kind == FILLER and w.source != "audio"]
    out: list[LengthenedWord] = []
    for s in steady:
        if s.duration < min_s or any(_overlap(f.start, f.end, s) > 0 for f in written_fillers):
            continue
        owner = next((w for _, w in lexical if _overlap(w.start, w.end, s) >= 0.5 * s.duration), None)
        if owner is not None:
            out.append(LengthenedWord(owner.text.strip(".,;:!?"), round(s.start, 3), round(s.end, 3),
                                      round(s.duration, 3)))
    return out


def _overlap(start: float, end: float, s: Interval) -> float:
    return max(0.0, min(end, s.end) - max(start, s.start))
