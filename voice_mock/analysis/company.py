"""The answer against the company profile.

Company-judged cues (Cue.company), judged in content.py with the terms
made here:
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
"""

from __future__ import annotations

from typing import Iterable

from voice_mock.types import Company

from .answer import Answer
from .feedback import CompanyAlignment, TermMatch
from .text import content_stems, stems

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


def company_terms(company: Company | None) -> dict[str, list[tuple[str, list[str]]]]:
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


def term_matches(answer: Answer, entries) -> list[tuple[str, list[str], tuple[int, int]]]:
    out = []
    for text, entry_stems in entries:
        span = answer.entry_span(entry_stems)
        if span is not None:
            out.append((text, entry_stems, span))
    return out


def company_alignment(answer: Answer, company: Company | None) -> CompanyAlignment:
    if company is None:
        return CompanyAlignment(judged=False, reason=NO_COMPANY)
    terms = company_terms(company)

    def matched(kind: str) -> list[TermMatch]:
        return [TermMatch(text, [answer.evidence(*span)]) for text, _, span in term_matches(answer, terms[kind])]

    return CompanyAlignment(
        judged=True, id=company.id, name=company.name,
        mission=matched("mission"), culture=matched("culture"), clashes=matched("clash"),
    )
