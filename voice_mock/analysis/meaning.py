"""Talking points and red flags recognised by meaning as well as by keyword.

Pure: the sentence model lives in voice_mock/meaning/ and reaches this module
only through the small `CueScorer` protocol below, passed in by the caller.
This module cuts the answer into units (each sentence, and each clause of a
longer sentence), asks the scorer how likely each unit says the cue, drops
units the keyword rules would not count either, and keeps the best.

Guards (a unit never counts for a cue when):
- it is negated and the negation turns the cue around: the unit holds a
  negator ("not", "never", "don't", "rather than"...; not "not only", "can't
  wait" or a double negative) and the same words without it score at least
  as high -- "I'd never start a competing business" (dropped: "I'd start a
  competing business" says it better), while "I don't really have a plan"
  and "my boss has no clue" keep their negation as part of what they say;
- it is hypothetical or counterfactual: "if I were", "if I only cared",
  "would have", "imagine" -- "If I only cared about money I'd have stayed";
- it tells someone else's story: the unit's subject is a third party ("my
  brother", "a friend of mine", "he", "they"...) -- "My brother started his
  own firm". Only for cues whose own examples are all about the speaker, so
  "My manager is incompetent" still bad-mouths the employer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, Sequence

from voice_mock.types import Company, Cue, Question

from .answer import CLAUSE_BREAKS, NEGATOR_PAIRS, NOT_NEGATING_AFTER, Answer
from .text import NEGATORS

MIN_CLAUSE_TOKENS = 3
# A clause opening with these only narrows the one before ("I want stability
# in the release process, not in the work"): the two are one unit, so the
# negation guard sees what the negation turns around.
CONTRAST_NEGATORS = frozenset({"not", "never"})
HYPOTHETICAL = re.compile(
    r"\b(?:if i (?:were|was|had|only|just|wanted|cared|really wanted)|(?:would|could|might|should)(?:n't)? have"
    r"|i'd have|imagine|in theory|hypothetically)\b"
)
THIRD_PARTY = re.compile(
    r"^(?:(?:honestly|so|well|and|but|um|uh|look|actually|because)\s+)*"
    r"(?:my (?:brother|sister|friend|dad|father|mum|mom|mother|wife|husband|partner|cousin|uncle|aunt|"
    r"colleague|coworker|co-worker|old \w+|former \w+|manager|boss|parents)|a (?:friend|colleague|coworker)(?: of mine)?"
    r"|he|she|they|some people|someone|everyone|people i know)\b"
)
METHOD_KEYWORD, METHOD_MEANING = "keyword", "meaning"


class CueScorer(Protocol):
    """What the analysis needs from a meaning model (voice_mock.meaning)."""

    available: bool  # False: the model could not be loaded; see `reason`
    reason: str

    def scores(self, question: Question, cue: Cue, company: Company | None,
               texts: Sequence[str]) -> Sequence[float] | None:
        """Per text, how likely (0..1) it says the cue; None when this cue
        cannot be judged by meaning (e.g. no examples to learn it from)."""


# A scorer may also offer a second opinion on whole sentences (the cascade,
# voice_mock.meaning.cascade): `refines` (bool), `focus(question, company,
# sentences)` once per answer, and `refine(question, cue, company, texts)` ->
# per text a probability or None (not re-scored). A re-scored sentence's
# score is the mean of both; the guards are decided by `scores` alone.


@dataclass(frozen=True)
class Unit:
    text: str
    start: int  # token span [start, end) in the answer
    end: int
    sentence: bool = False  # a whole sentence (not one of its clauses)


@dataclass(frozen=True)
class MeaningHit:
    score: float
    unit: Unit


def units(answer: Answer) -> list[Unit]:
    """Each sentence, plus each clause of a sentence that has several."""
    toks = answer.tokens
    out: list[Unit] = []
    a = 0
    for i, t in enumerate(toks):
        if t.ends_sentence or i == len(toks) - 1:
            out.append(_unit(answer, a, i + 1, sentence=True))
            clauses = _clauses(answer, a, i + 1)
            if len(clauses) > 1:
                out += [_unit(answer, s, e) for s, e in clauses if e - s >= MIN_CLAUSE_TOKENS]
            a = i + 1
    return [u for u in out if u.text.strip()]


def _clauses(answer: Answer, a: int, b: int) -> list[tuple[int, int]]:
    toks = answer.tokens
    spans, s = [], a
    for i in range(a, b):
        if i == s and toks[i].norm in CLAUSE_BREAKS:
            s = i + 1  # ", but I ..." -> "I ..."
        elif i > s and toks[i].norm in CLAUSE_BREAKS:
            spans.append((s, i))
            s = i + 1
        elif toks[i].ends_clause and i + 1 < b:
            spans.append((s, i + 1))
            s = i + 1
    spans.append((s, b))
    spans = [(x, y) for x, y in spans if y > x]
    merged: list[tuple[int, int]] = []
    for x, y in spans:  # ", not in the work" narrows the clause before it: judged together
        if merged and toks[x].norm in CONTRAST_NEGATORS:
            merged[-1] = (merged[-1][0], y)
        else:
            merged.append((x, y))
    return merged


def _unit(answer: Answer, a: int, b: int, sentence: bool = False) -> Unit:
    return Unit(answer.evidence(a, b).text, a, b, sentence)


def negated(answer: Answer, unit: Unit) -> bool:
    toks = answer.tokens[unit.start : unit.end]
    count = 0
    for j, t in enumerate(toks):
        following = toks[j + 1].norm if j + 1 < len(toks) else ""
        if t.norm in NEGATORS and following not in NOT_NEGATING_AFTER:
            count += 1
        elif (t.norm, following) in NEGATOR_PAIRS:
            count += 1
    return count % 2 == 1


# Negators and what is left without them ("don't" -> "do"); others just go.
UNNEGATED = {
    "don't": "do", "dont": "do", "doesn't": "does", "doesnt": "does", "didn't": "did", "didnt": "did",
    "won't": "will", "wont": "will", "wouldn't": "would", "wouldnt": "would", "can't": "can", "cant": "can",
    "cannot": "can", "couldn't": "could", "couldnt": "could", "isn't": "is", "isnt": "is", "wasn't": "was",
    "wasnt": "was", "aren't": "are", "arent": "are", "weren't": "were", "werent": "were", "haven't": "have",
    "havent": "have", "hasn't": "has", "hasnt": "has", "hadn't": "had", "hadnt": "had",
    "shouldn't": "should", "shouldnt": "should", "mustn't": "must", "ain't": "am", "nobody": "somebody",
    "nothing": "something", "none": "some", "neither": "either", "nor": "or",
}


def unnegated(answer: Answer, unit: Unit) -> str:
    """The unit's words with its negators taken out ("I would never start my
    own firm" -> "I would start my own firm")."""
    toks = answer.tokens[unit.start : unit.end]
    out = []
    for j, t in enumerate(toks):
        following = toks[j + 1].norm if j + 1 < len(toks) else ""
        if t.norm in NEGATORS and following not in NOT_NEGATING_AFTER:
            if t.norm in UNNEGATED:
                out.append(UNNEGATED[t.norm])
        elif (t.norm, following) in NEGATOR_PAIRS or (j and (toks[j - 1].norm, t.norm) in NEGATOR_PAIRS):
            continue
        else:
            out.append(t.norm)
    return " ".join(out)


def hypothetical(unit: Unit) -> bool:
    return HYPOTHETICAL.search(_plain(unit.text)) is not None


def third_party(text: str) -> bool:
    return THIRD_PARTY.search(_plain(text)) is not None


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+(?:['-][a-z]+)*", text.lower().replace("\u2019", "'")))


def about_speaker_only(cue: Cue) -> bool:
    """Whether the cue's examples all speak of the speaker (then a unit about
    a third party cannot say it)."""
    return not any(third_party(e) for e in getattr(cue, "examples", ()))


def best_hit(answer: Answer, found: Sequence[Unit], scorer: CueScorer, question: Question,
             cue: Cue, company: Company | None) -> MeaningHit | None:
    """The unit most likely to say the cue, among those the guards let
    through; None when the scorer cannot judge the cue or no unit is left."""
    kept = [u for u in found if not hypothetical(u)]
    if about_speaker_only(cue):
        kept = [u for u in kept if not third_party(u.text)]
    if not kept:
        return None
    negative = [i for i, u in enumerate(kept) if negated(answer, u)]
    texts = [u.text for u in kept] + [unnegated(answer, kept[i]) for i in negative]
    scores = scorer.scores(question, cue, company, texts)
    if scores is None:
        return None
    scores = list(scores)
    dropped = set()
    for n, i in enumerate(negative):  # the negation turns the cue around: not said
        if scores[len(kept) + n] >= scores[i]:
            scores[i] = 0.0
            dropped.add(i)
    if getattr(scorer, "refines", False):  # a second opinion on whole sentences
        asked = [i for i, u in enumerate(kept) if u.sentence and i not in dropped]
        second = scorer.refine(question, cue, company, [kept[i].text for i in asked]) if asked else []
        for i, p in zip(asked, second):
            if p is not None:
                scores[i] = (scores[i] + p) / 2
    k = max(range(len(kept)), key=lambda i: scores[i])
    return MeaningHit(float(scores[k]), kept[k])
