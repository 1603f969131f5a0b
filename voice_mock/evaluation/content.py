"""`voice-mock evaluate --content`: content judgements against hand-labelled
typed answers (tests/data/content/answers.toml; docs/meaning.md).

Each answer names its question (and company), its style ("keyword": the
rubric's own words; "paraphrase": own words, negations, hypotheticals, other
people's stories, look-alike words, subtle red flags), whether it is held
out of tuning (`held_out`; `fresh`, `check` and `final` mark three later
held-out batches, each reported apart as its own split; `blind` marks a
batch written by someone else and scored once, split "blind" whatever its
`held_out`), and the cues it is labelled on: talking points `covered` /
`not_covered`, red flags `flags` / `not_flags`. Agreement is the share of
those labelled decisions the analysis gets right, per style and split;
only the labelled cues count.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from voice_mock.errors import VoiceMockError

STYLES = ("keyword", "paraphrase")
SPLITS = ("blind", "held-out", "fresh", "check", "final", "tuning")


@dataclass
class Decision:
    answer: str
    split: str
    cue: str
    kind: str  # "point" or "flag"
    want: bool
    got: bool
    method: str = ""
    score: float | None = None


@dataclass
class Group:
    style: str
    split: str  # one of SPLITS
    decisions: int = 0
    agreed: int = 0
    answers: int = 0

    @property
    def agreement(self) -> float:
        return self.agreed / self.decisions if self.decisions else float("nan")


@dataclass
class ContentReport:
    groups: list[Group] = field(default_factory=list)
    misses: list[Decision] = field(default_factory=list)
    meaning: bool = False

    def agreement(self, style: str, split: str) -> float:
        for g in self.groups:
            if g.style == style and g.split == split:
                return g.agreement
        return float("nan")


def load_answers(path: Path) -> list[dict]:
    try:
        with open(path, "rb") as f:
            answers = tomllib.load(f).get("answers", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VoiceMockError(f"{path}: cannot read the labelled answers ({exc})") from None
    for a in answers:
        missing = [k for k in ("id", "question", "style", "text") if k not in a]
        if missing or a["style"] not in STYLES:
            raise VoiceMockError(f"{path}: answer {a.get('id', '?')}: needs id, question, text and style "
                                 f"({' or '.join(STYLES)})")
    return answers


def evaluate_content(answers: list[dict], questions: dict, companies: dict, meaning=None) -> ContentReport:
    """`questions` / `companies`: by id. `meaning`: a CueScorer, or None for
    the keyword rules alone."""
    from voice_mock.analysis import analyze_text

    groups: dict[tuple[str, str], Group] = {}
    report = ContentReport(meaning=meaning is not None)
    for a in answers:
        question = questions.get(a["question"])
        if question is None:
            raise VoiceMockError(f"answer {a['id']}: no question {a['question']!r} in the banks")
        company = companies.get(a["company"]) if a.get("company") else None
        if a.get("company") and company is None:
            raise VoiceMockError(f"answer {a['id']}: no company profile {a['company']!r}")
        content = analyze_text(a["text"], question=question, company=company, meaning=meaning).content
        points = {t.id: t for t in content.talking_points}
        flags = {f.id: f for f in content.red_flags}
        split = split_of(a)
        group = groups.setdefault((a["style"], split), Group(a["style"], split))
        group.answers += 1
        for decision in _decisions(a, points, flags, question, split):
            group.decisions += 1
            group.agreed += decision.want == decision.got
            if decision.want != decision.got:
                report.misses.append(decision)
    report.groups = [groups[k] for k in sorted(groups, key=lambda k: (STYLES.index(k[0]), SPLITS.index(k[1])))]
    return report


def split_of(a: dict) -> str:
    if a.get("blind"):
        return "blind"
    if not a.get("held_out"):
        return "tuning"
    if a.get("check"):
        return "check"
    if a.get("final"):
        return "final"
    return "fresh" if a.get("fresh") else "held-out"


def _decisions(a: dict, points: dict, flags: dict, question, split: str) -> list[Decision]:
    known_points = {c.id for c in question.talking_points}
    known_flags = {c.id for c in question.red_flags}
    out = []
    for key, kind, want in (("covered", "point", True), ("not_covered", "point", False),
                            ("flags", "flag", True), ("not_flags", "flag", False)):
        for cue in a.get(key, []):
            if cue not in (known_points if kind == "point" else known_flags):
                raise VoiceMockError(f"answer {a['id']}: {question.id} has no {kind} {cue!r}")
            if kind == "point":
                hit = points[cue]
                got, method, score = bool(hit.covered), hit.method, hit.score
            else:
                hit = flags.get(cue)
                got, method, score = hit is not None, hit.method if hit else "", hit.score if hit else None
            out.append(Decision(a["id"], split, cue, kind, want, got, method, score))
    return out


def overall(report: ContentReport) -> dict[str, float]:
    """Agreement per style over both splits."""
    tot: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g in report.groups:
        tot[g.style][0] += g.agreed
        tot[g.style][1] += g.decisions
    return {s: a / n for s, (a, n) in tot.items() if n}
