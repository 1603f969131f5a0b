"""What the answer said: talking points, red flags, STAR structure, company
alignment, relevance, specificity, hedging, weak language, ownership and
negative framing. Rule-based: stemmed tokens and phrase lists, no model.

Company-judged cues (Cue.company):
- "mission": the cue's own phrases, or the company's mission and values;
- "culture": the cue's phrases, or the company's culture and looks_for;
- "mission_clash": the cue's phrases, or the company's mission_clashes
  (aims that work against the mission: hunting, for a tiger charity);
- "culture_clash": the cue's phrases, or the company's culture_clashes
  (ways of working the culture rejects: job security, at a trend-setting
  boutique);
- "clash": the cue's phrases, or either list (user banks from before the split).
A profile's deprecated `clashes` count in both lists. One clash word is enough
for a clash cue.

A company entry of one or two content words ("customer obsession") matches
when they occur within a few words of each other (stemmed, stop words
removed); longer entries and the mission sentence count word by word. A mission/culture point is covered by
a cue phrase, or by at least `min_company_terms` distinct company words
(one shared common word is chance). Without a company profile such cues are
reported as not judged (covered None, with the reason).

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

from voice_mock.types import Company, Cue, Question

from .words import AlignedWord, said
from .config import ContentConfig
from .feedback import (
    CompanyAlignment,
    Content,
    CueResult,
    Evidence,
    NotJudged,
    Note,
    Ownership,
    Phrases,
    RedFlag,
    StructurePart,
    TermMatch,
)
from .hesitation import filler_phrase_spans, is_noun_sort_of
from .text import NEGATORS, Token, content_stems, find_phrase, is_number, stems, tokenize

NO_COMPANY = "no company profile chosen"
CLASH_KINDS = frozenset({"mission_clash", "culture_clash", "clash"})
MAX_PHRASE_ENTRY = 2  # company entries with more content words count word by word
# Words of a profile sentence that say nothing about the company when counted
# alone: "working with local communities" should not make every answer that
# says "work" echo the mission, nor "long-term impact" every "long term".
COMPANY_GENERIC = frozenset(
    stems(
        "work working people make build new best every good great strong long term "
        "year years time day next way world others want need use keep take give "
        "career job role company"
    )
)
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


def analyze_content(
    words: Sequence[AlignedWord],
    tokens: Sequence[Token],
    question: Question | None,
    company: Company | None,
    cfg: ContentConfig,
) -> tuple[Content, list[Note]]:
    answer = Answer(words, tokens)
    content = Content(word_count=len(tokens))
    notes: list[Note] = []
    content.company = company_alignment(answer, company)
    if company is None:
        notes.append(Note("company", NO_COMPANY + ": mission, values and culture not judged"))
    if question is None:
        notes.append(Note("content", "no question given: talking points, red flags, "
                                     "structure and relevance not judged"))
    else:
        terms = _company_terms(company)
        content.talking_points = [
            _talking_point(answer, c, terms, cfg.min_company_terms) for c in question.talking_points
        ]
        for cue in question.red_flags:
            if cue.company and company is None:
                content.red_flags_not_judged.append(NotJudged(cue.id, cue.label, NO_COMPANY))
                continue
            evidence = _cue_evidence(answer, cue, terms, cfg.min_company_terms)
            if evidence:
                content.red_flags.append(RedFlag(cue.id, cue.label, evidence, cue.advice))
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


# --- company --------------------------------------------------------------


def _entries(texts: Iterable[str]) -> list[tuple[str, list[str]]]:
    """(text, content stems) to match: short entries ("job security") as a
    whole, sentences (the mission, "original ideas and a strong portfolio")
    word by word, since nobody repeats a sentence of the profile."""
    out: list[tuple[str, list[str]]] = []
    for text in texts:
        entry = content_stems([text])
        if len(entry) <= MAX_PHRASE_ENTRY:
            out += [(text, entry)] if entry else []
        else:
            out += [(s, [s]) for s in entry if s not in COMPANY_GENERIC]
    return _dedupe(out)


def _dedupe(entries: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    seen: dict[tuple[str, ...], tuple[str, list[str]]] = {}
    for text, entry in entries:
        seen.setdefault(tuple(entry), (text, entry))
    return list(seen.values())


def _company_terms(company: Company | None) -> dict[str, list[tuple[str, list[str]]]]:
    """Entries (text, content stems) per cue kind."""
    if company is None:
        return {}
    # `clashes` (deprecated) is both lists; the loader already merged it into
    # them, a Company built in code may not have.
    mission_clash = _entries([*company.mission_clashes, *company.clashes])
    culture_clash = _entries([*company.culture_clashes, *company.clashes])
    return {
        "mission": _entries([company.mission, *company.values]),
        "culture": _entries([*company.culture, *company.looks_for]),
        "mission_clash": mission_clash,
        "culture_clash": culture_clash,
        "clash": _dedupe(mission_clash + culture_clash),
    }


def _term_matches(answer: Answer, entries) -> list[tuple[str, list[str], tuple[int, int]]]:
    out = []
    for text, entry_stems in entries:
        span = answer.entry_span(entry_stems)
        if span is not None:
            out.append((text, entry_stems, span))
    return out


def company_alignment(answer: Answer, company: Company | None) -> CompanyAlignment:
    if company is None:
        return CompanyAlignment(judged=False, reason=NO_COMPANY)
    terms = _company_terms(company)

    def matched(kind: str) -> list[TermMatch]:
        return [TermMatch(text, [answer.evidence(*span)]) for text, _, span in _term_matches(answer, terms[kind])]

    return CompanyAlignment(
        judged=True, id=company.id, name=company.name,
        mission=matched("mission"), culture=matched("culture"), clashes=matched("clash"),
    )


# --- cues -----------------------------------------------------------------


def _cue_evidence(answer: Answer, cue: Cue, terms, min_terms: int) -> list[Evidence]:
    """Evidence that a cue is present; empty when it is not."""
    evidence = [answer.evidence(a, b) for a, b in answer.phrase_spans(cue.cues, affirmed=True)]
    if cue.company and terms:
        matches = _term_matches(answer, terms.get(cue.company, []))
        distinct = {s for _, entry_stems, _ in matches for s in entry_stems}
        if evidence or cue.company in CLASH_KINDS or len(distinct) >= min_terms:
            evidence += [answer.evidence(*span) for _, _, span in matches]
    return evidence


def _talking_point(answer: Answer, cue: Cue, terms, min_terms: int) -> CueResult:
    if cue.company and not terms:
        return CueResult(cue.id, cue.label, None, [], NO_COMPANY, cue.advice)
    evidence = _cue_evidence(answer, cue, terms, min_terms)
    return CueResult(cue.id, cue.label, bool(evidence), evidence, "", cue.advice)


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

