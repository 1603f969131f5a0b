"""The answer's tokens with the look-ups every content rule uses: where a
phrase or a company entry occurs, whether a word is negated, and the words
behind a span as evidence.

Negation: a cue phrase, company word or negative word does not count when a
negator ("not", "never", "don't", "without", "rather than", "stop"...) comes
within NEGATION_REACH words before it in the same clause, so "I don't blame
them" is no blame and "I would never start a competing business" no plan to
compete. See `Answer.negated`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from typing import Iterable, Sequence

from .feedback import Evidence
from .text import NEGATORS, Token, find_phrase, stems, tokenize
from .words import AlignedWord, said

# "I would never start a competing business": the negator is 3 words before
# the cue; 4 covers "I don't really want to start...", while "I don't know
# if I'll move on" (5 words) stays a hit.
NEGATION_REACH = 4
# Two-word negators: "instead of job hopping", "rather than moving on".
NEGATOR_PAIRS = frozenset({("instead", "of"), ("rather", "than")})
# Words that start a new clause even without punctuation (speech often has none).
CLAUSE_BREAKS = frozenset({"but", "although", "though", "however", "yet", "whereas"})
# "not only", "can't wait": a negator word in a positive idiom.
NOT_NEGATING_AFTER = frozenset({"only", "wait"})


class Answer:
    """The answer's tokens with look-ups used by every content rule."""

    def __init__(self, words: Sequence[AlignedWord], tokens: Sequence[Token]):
        self.words = words
        self.tokens = tokens
        self.stems = [t.stem for t in tokens]
        self.positions: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.stems):
            self.positions[s].append(i)

    def negated(self, a: int) -> bool:
        """Whether token `a` is negated: an odd number of negators within
        NEGATION_REACH words before it, in the same clause (no punctuation or
        "but" between). "I don't blame them", "never start my own business",
        "rather than moving on" are negated; "never stop learning" (two) is
        not, nor "not only" and "can't wait"."""
        toks = self.tokens
        count = 0
        for j in range(a - 1, max(-1, a - 1 - NEGATION_REACH), -1):
            if toks[j].ends_clause or toks[j].norm in CLAUSE_BREAKS:
                break
            following = toks[j + 1].norm
            if toks[j].norm in NEGATORS and following not in NOT_NEGATING_AFTER:
                count += 1
            elif (toks[j].norm, following) in NEGATOR_PAIRS:
                count += 1
        return count % 2 == 1

    def evidence(self, a: int, b: int) -> Evidence:
        return Evidence(*said(self.words, self.tokens, a, b))

    def phrase_spans(self, phrases: Iterable[str], affirmed: bool = False) -> list[tuple[int, int]]:
        """Spans of any of the phrases, longest first, not overlapping; with
        `affirmed`, only those not negated."""
        found = []
        for phrase in sorted(set(phrases), key=lambda p: -len(tokenize(p))):
            found += find_phrase(self.stems, stems(phrase))
        taken: set[int] = set()
        out = []
        for a, b in sorted(found, key=lambda s: (s[0], -(s[1] - s[0]))):
            if not taken.intersection(range(a, b)):
                taken.update(range(a, b))
                out.append((a, b))
        return [(a, b) for a, b in out if not (affirmed and self.negated(a))]

    def entry_span(self, entry_stems: Sequence[str]) -> tuple[int, int] | None:
        """First span where all stems occur within a few words of each other."""
        if not entry_stems:
            return None
        reach = max(4, 2 * len(entry_stems))
        for p in self.positions.get(entry_stems[0], ()):
            hits = [p]
            for s in entry_stems[1:]:
                pos = self.positions.get(s, [])
                k = bisect_left(pos, p - reach)
                if k < len(pos) and pos[k] <= p + reach:
                    hits.append(pos[k])
                else:
                    break
            else:
                if not self.negated(min(hits)):  # "I don't need stability"
                    return min(hits), max(hits) + 1
        return None
