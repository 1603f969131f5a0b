"""What the answer said: talking points, red flags, STAR structure, company
alignment, relevance, specificity, hedging, weak language, ownership and
negative framing. Rule-based: stemmed tokens and phrase lists; talking points
and red flags are also recognised by meaning when a `CueScorer` is passed in
(meaning.py: the model itself stays outside, in voice_mock/meaning/).

answer.py holds the tokens with their look-ups (phrases, negation, evidence);
company.py matches the company profile (mission, values, culture, clashes).
"""

from __future__ import annotations

from typing import Sequence

from voice_mock.types import Company, Cue, Question

from .answer import Answer
from .company import CLASH_KINDS, NO_COMPANY, company_alignment, company_terms, term_matches
from .config import ContentConfig
from .feedback import (
    Content,
    CueResult,
    Evidence,
    NotJudged,
    Note,
    Ownership,
    Phrases,
    RedFlag,
    StructurePart,
)
from .hesitation import filler_phrase_spans, is_noun_sort_of
from .meaning import METHOD_KEYWORD, METHOD_MEANING, CueScorer, Unit, best_hit, units
from .text import Token, content_stems, is_number, stems

QUESTION_GENERIC = frozenset(
    stems(
        "tell describe time example give talk walk share explain question answer "
        "situation experience yourself job role position interview think"
    )
)
HEDGES = (
    "i think maybe", "i guess", "i suppose", "maybe", "perhaps", "probably",
    "i'm not sure", "not sure", "hopefully", "somewhat", "kinda", "sorta",
    "a little bit", "might be", "more or less",
)
WEAK_LANGUAGE = (
    "just", "try to", "tried to", "trying to", "stuff", "whatever", "sorry",
    "i hope", "pretty much", "or something", "things like that", "etc",
    "kind of thing", "not really",
)
NEGATIVE = (
    "hate", "boring", "bored", "terrible", "awful", "horrible", "bad manager",
    "bad boss", "bad company", "worst", "toxic", "stupid", "incompetent", "idiot",
    "useless", "lazy", "annoying", "can't stand", "couldn't stand", "sucked",
    "sucks", "nightmare", "clueless", "micromanag",
)
SPECIFIC_MARKERS = ("for example", "for instance", "such as", "specifically", "in particular")
I_FORMS = frozenset("i me my mine myself i'm i've i'd i'll".split())
WE_FORMS = frozenset("we us our ours ourselves we're we've we'd we'll".split())
NOT_NAMES = frozenset({"i", "i'm", "i've", "i'd", "i'll", "okay", "ok"})
def analyze_content(
    words: Sequence[AlignedWord],
    tokens: Sequence[Token],
    question: Question | None,
    company: Company | None,
    cfg: ContentConfig,
    meaning: CueScorer | None = None,
) -> tuple[Content, list[Note]]:
    answer = Answer(words, tokens)
    content = Content(word_count=len(tokens))
    notes: list[Note] = []
    if meaning is not None and not meaning.available:
        notes.append(Note("meaning", f"talking points and red flags matched by keywords only ({meaning.reason})"))
        meaning = None
    if meaning is not None and getattr(meaning, "refine_reason", None) and not meaning.refines:
        notes.append(Note("meaning-second", "talking points and red flags judged by the small sentence model alone "
                                            f"({meaning.refine_reason})"))
    content.company = company_alignment(answer, company)
    if company is None:
        notes.append(Note("company", NO_COMPANY + ": mission, values and culture not judged"))
    if question is None:
        notes.append(Note("content", "no question given: talking points, red flags, "
                                     "structure and relevance not judged"))
    else:
        terms = company_terms(company)
        judge = _CueJudge(answer, question, company, terms, cfg, meaning)
        content.talking_points = [judge.talking_point(c) for c in question.talking_points]
        for cue in question.red_flags:
            if cue.company and company is None:
                content.red_flags_not_judged.append(NotJudged(cue.id, cue.label, NO_COMPANY))
                continue
            evidence, method, score = judge.evidence(cue, judge.threshold("flag"))
            if evidence:
                content.red_flags.append(RedFlag(cue.id, cue.label, evidence, cue.advice, method, score))
        content.structure = structure(answer, question.structure)
        content.relevance, content.relevance_terms = relevance(answer, question, content)
    content.specificity = _phrases(answer, specificity_evidence(answer))
    content.hedging = _phrases(answer, hedge_evidence(answer))
    content.weak_language = _phrases(answer, [answer.evidence(a, b) for a, b in answer.phrase_spans(WEAK_LANGUAGE)])
    content.negative_framing = _phrases(answer, [answer.evidence(a, b) for a, b in answer.phrase_spans(NEGATIVE, affirmed=True)])
    content.ownership = ownership(tokens)
    return content, notes


def _phrases(answer: Answer, evidence: list[Evidence]) -> Phrases:
    n = len(answer.tokens)
    return Phrases(len(evidence), 100.0 * len(evidence) / n if n else None, evidence)


# --- cues -----------------------------------------------------------------


def _cue_evidence(answer: Answer, cue: Cue, terms, min_terms: int) -> list[Evidence]:
    """Keyword evidence that a cue is present; empty when it is not."""
    evidence = [answer.evidence(a, b) for a, b in answer.phrase_spans(cue.cues, affirmed=True)]
    if cue.company and terms:
        matches = term_matches(answer, terms.get(cue.company, []))
        distinct = {s for _, entry_stems, _ in matches for s in entry_stems}
        if evidence or cue.company in CLASH_KINDS or len(distinct) >= min_terms:
            evidence += [answer.evidence(*span) for _, _, span in matches]
    return evidence


class _CueJudge:
    """Keyword rules first; by meaning (when a scorer is given) for what the
    keywords miss: the best unit at or above the threshold, as evidence."""

    def __init__(self, answer: Answer, question: Question, company: Company | None, terms,
                 cfg: ContentConfig, meaning: CueScorer | None):
        self.answer, self.question, self.company, self.terms = answer, question, company, terms
        self.cfg, self.meaning = cfg, meaning
        self.units: list[Unit] = units(answer) if meaning is not None else []
        self.two_models = bool(getattr(meaning, "refines", False))
        if self.two_models and self.units:  # which sentences the second model re-scores
            meaning.focus(question, company, [u.text for u in self.units if u.sentence])

    def threshold(self, kind: str) -> float:
        """The calibrated threshold of the scorer in use (two models or the small one alone)."""
        c = self.cfg
        if kind == "point":
            return c.meaning_point_threshold if self.two_models else c.meaning_point_threshold_one_model
        return c.meaning_flag_threshold if self.two_models else c.meaning_flag_threshold_one_model

    def evidence(self, cue: Cue, threshold: float) -> tuple[list[Evidence], str, float | None]:
        evidence = _cue_evidence(self.answer, cue, self.terms, self.cfg.min_company_terms)
        hit = None
        if self.meaning is not None and self.units:
            hit = best_hit(self.answer, self.units, self.meaning, self.question, cue, self.company)
        score = round(hit.score, 2) if hit else None
        if evidence and hit is not None and self._look_alike(cue, hit):
            evidence = []  # a clash word used in another sense ("I hunt bugs")
        if evidence:
            return evidence, METHOD_KEYWORD, score
        if hit and hit.score >= threshold:
            return [self.answer.evidence(hit.unit.start, hit.unit.end)], METHOD_MEANING, score
        return [], "", score

    def _look_alike(self, cue: Cue, hit) -> bool:
        """A company clash found only by the profile's clash words (not the
        cue's own phrases) when, by meaning, no sentence of the answer says
        the clash: "I hunt bugs for a living" at a tiger charity, "stability
        in the release process, not in the work" at a boutique."""
        if cue.company not in CLASH_KINDS or self.answer.phrase_spans(cue.cues, affirmed=True):
            return False
        return hit.score < self.cfg.meaning_look_alike_threshold

    def talking_point(self, cue: Cue) -> CueResult:
        if cue.company and not self.terms:
            return CueResult(cue.id, cue.label, None, [], NO_COMPANY, cue.advice)
        evidence, method, score = self.evidence(cue, self.threshold("point"))
        return CueResult(cue.id, cue.label, bool(evidence), evidence, "", cue.advice, method, score)


# --- structure, relevance, specificity, hedging, ownership -----------------


def structure(answer: Answer, parts: Sequence[Cue]) -> list[StructurePart]:
    """Locate each part (in order) at its first cue phrase after the previous
    part; a part runs to the next located part; words before the first
    located part count towards it. Share = its words / all words."""
    located: list[tuple[int, int, int]] = []  # (part index, start token, end of cue)
    floor = 0
    for k, part in enumerate(parts):
        spans = [s for s in answer.phrase_spans(part.cues) if s[0] >= floor]
        if spans:
            a, b = min(spans)
            located.append((k, a, b))
            floor = b
    n = len(answer.tokens)
    out = [StructurePart(p.id, p.label, False) for p in parts]
    for j, (k, a, b) in enumerate(located):
        start = 0 if j == 0 else a
        end = located[j + 1][1] if j + 1 < len(located) else n
        part = out[k]
        part.found = True
        part.share = (end - start) / n if n else 0.0
        ev = answer.evidence(start, end)
        part.start, part.end = ev.start, ev.end
        part.evidence = [answer.evidence(a, b)]
    return out


def relevance(answer: Answer, question: Question, content: Content) -> tuple[float | None, list[str]]:
    """Share of the question's keywords and cues the answer touched: its own
    content words (minus generic ones: tell, describe, time...), plus each
    judged talking point (covered) and structure part (found). Talking
    about a conflict as a "disagreement" still touches the conflict cues."""
    keywords = [s for s in content_stems([question.text, *question.variants]) if s not in QUESTION_GENERIC]
    touched = [k for k in keywords if k in answer.positions]
    cues = [(t.id, bool(t.covered)) for t in content.talking_points if t.covered is not None]
    cues += [(p.id, p.found) for p in content.structure]
    total = len(keywords) + len(cues)
    if not total:
        return None, []
    touched += [cue_id for cue_id, hit in cues if hit]
    return len(touched) / total, touched


def specificity_evidence(answer: Answer) -> list[Evidence]:
    """Numbers, named things (capitalised mid-sentence), "for example"..."""
    out = [answer.evidence(a, b) for a, b in answer.phrase_spans(SPECIFIC_MARKERS)]
    seen_words: set[int] = set()
    for i, t in enumerate(answer.tokens):
        if t.word in seen_words:
            continue
        written = answer.words[t.word].text.strip("\"'(")
        named = (
            not t.clause_start and written[:1].isupper() and t.norm not in NOT_NAMES
        )
        if is_number(t.norm) or named:
            seen_words.add(t.word)
            out.append(answer.evidence(i, i + 1))
    return sorted(out, key=lambda e: (e.start is None, e.start or 0.0))


def hedge_evidence(answer: Answer) -> list[Evidence]:
    """Hedge phrases, plus "sort of"/"kind of" used as an adverb ("sort of
    blue"), not as a noun phrase ("what kind of leader") and not already
    counted as a filler phrase."""
    spans = answer.phrase_spans(HEDGES)
    fillers = {a for a, _, _ in filler_phrase_spans(answer.tokens)}
    taken = {i for a, b in spans for i in range(a, b)}
    toks = answer.tokens
    for i in range(len(toks) - 1):
        if toks[i].norm in {"sort", "kind"} and toks[i + 1].norm == "of" and i not in taken:
            if not is_noun_sort_of(toks, i) and i not in fillers:
                spans.append((i, i + 2))
    return [answer.evidence(a, b) for a, b in sorted(spans)]


def ownership(tokens: Sequence[Token]) -> Ownership:
    i = sum(1 for t in tokens if t.norm in I_FORMS)
    we = sum(1 for t in tokens if t.norm in WE_FORMS)
    return Ownership(i, we, i / (i + we) if i + we else None)

