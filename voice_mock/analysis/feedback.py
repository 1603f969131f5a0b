"""The feedback object and its JSON contract (docs/feedback.md).

`Feedback.to_dict()` gives the contract of schema_version 1: floats rounded
to 2 decimals, times in seconds from the start of the answer recording (None
for typed answers). `Feedback.from_dict()` reads a saved one back; keys it
does not know are ignored so older readers survive newer files.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Union

from .delivery import Delivery

SCHEMA_VERSION = 1
SEVERITIES = ("high", "medium", "low")


@dataclass
class Evidence:
    """Words that support a verdict, with where they were said."""

    text: str
    start: float | None = None
    end: float | None = None


@dataclass
class FeedbackWord:
    text: str
    start: float | None
    end: float | None
    probability: float | None
    kind: str  # "word" or "filler"


# --- pacing ---------------------------------------------------------------


@dataclass
class Window:
    start: float
    end: float
    wpm: float
    words: int = 0


@dataclass
class Stretch:
    """Consecutive windows above the fast bound or below the slow bound."""

    kind: str  # "fast" or "slow"
    start: float
    end: float
    wpm: float


@dataclass
class Pacing:
    words_per_minute: float | None = None  # lexical words / speaking minutes
    articulation_wpm: float | None = None  # ... minus silent pauses >= 0.25 s
    duration_s: float = 0.0  # first to last speech of the answer
    response_latency_s: float | None = None  # as given by the caller
    windows: list[Window] = field(default_factory=list)
    measured: bool = False
    word_count: int = 0  # lexical words (fillers not counted)
    speech_start: float | None = None
    speech_end: float | None = None
    leading_silence_s: float | None = None  # recording start to first speech
    band: str | None = None  # slow, below_target, target, above_target, fast
    variation_wpm: float | None = None  # std of window wpm
    stretches: list[Stretch] = field(default_factory=list)
    target_seconds: list[float] | None = None
    length_verdict: str | None = None  # short, within, long


# --- hesitation -----------------------------------------------------------


@dataclass
class FilledPause:
    text: str
    start: float | None
    end: float | None
    confidence: float
    source: str = "transcript"  # "audio": voiced island with no word ("[um?]")


@dataclass
class FillerPhrase:
    text: str
    start: float | None
    end: float | None


@dataclass
class Pause:
    start: float
    end: float
    duration_s: float
    kind: str = "counted"  # counted, long, very_long
    location: str = "within_clause"  # within_clause, between_clauses, between_sentences
    before: str = ""  # the word before the pause
    after: str = ""


@dataclass
class Repetition:
    text: str
    start: float | None
    end: float | None
    count: int = 2


@dataclass
class Restart:
    text: str
    start: float | None
    end: float | None


@dataclass
class LengthenedWord:
    """A word drawn out in hesitation: `held_s` of one sound held (analysis/lengthening.py)."""

    text: str
    start: float
    end: float
    held_s: float


@dataclass
class Cluster:
    start: float
    end: float
    count: int
    kinds: list[str] = field(default_factory=list)


@dataclass
class Hesitation:
    filled_pauses: list[FilledPause] = field(default_factory=list)
    filler_phrases: list[FillerPhrase] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    repetitions: list[Repetition] = field(default_factory=list)
    restarts: list[Restart] = field(default_factory=list)
    lengthened_words: list[LengthenedWord] = field(default_factory=list)  # listed, not counted
    clusters: list[Cluster] = field(default_factory=list)
    filled_pause_count: int = 0  # confident ones only (config.fillers.min_confidence)
    filled_pauses_per_min: float | None = None
    filled_pauses_per_100_words: float | None = None
    filler_phrase_count: int = 0
    filler_phrases_per_min: float | None = None
    filler_phrases_per_100_words: float | None = None
    long_pause_count: int = 0
    very_long_pause_count: int = 0
    weighted_long_pauses_per_min: float | None = None
    repetitions_per_100_words: float | None = None  # repetitions + restarts
    disfluencies_per_100_words: float | None = None  # all of the above kinds
    pauses_measured: bool = False


# --- content --------------------------------------------------------------


@dataclass
class CueResult:
    id: str
    label: str
    covered: bool | None  # None: could not be judged (see reason)
    evidence: list[Evidence] = field(default_factory=list)
    reason: str = ""
    advice: str = ""
    method: str = ""  # "keyword" or "meaning" (what recognised it); "" when not covered
    score: float | None = None  # meaning model's 0..1 for its best sentence; None: not scored


@dataclass
class RedFlag:
    id: str
    label: str
    evidence: list[Evidence] = field(default_factory=list)
    advice: str = ""
    method: str = ""  # "keyword" or "meaning"
    score: float | None = None  # meaning model's 0..1 for its best sentence; None: not scored


@dataclass
class NotJudged:
    id: str
    label: str
    reason: str


@dataclass
class TermMatch:
    term: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class CompanyAlignment:
    judged: bool = False
    id: str = ""
    name: str = ""
    reason: str = ""
    mission: list[TermMatch] = field(default_factory=list)  # mission + values echoed
    culture: list[TermMatch] = field(default_factory=list)  # culture + looks_for echoed
    clashes: list[TermMatch] = field(default_factory=list)


@dataclass
class StructurePart:
    id: str
    label: str
    found: bool
    share: float = 0.0  # of the answer's words
    start: float | None = None
    end: float | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Phrases:
    count: int = 0
    per_100_words: float | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Ownership:
    i: int = 0
    we: int = 0
    i_share: float | None = None  # i / (i + we)


@dataclass
class Content:
    talking_points: list[CueResult] = field(default_factory=list)
    red_flags: list[RedFlag] = field(default_factory=list)  # hits only
    red_flags_not_judged: list[NotJudged] = field(default_factory=list)
    company: CompanyAlignment = field(default_factory=CompanyAlignment)
    structure: list[StructurePart] = field(default_factory=list)
    relevance: float | None = None  # share of question keywords and cues touched
    relevance_terms: list[str] = field(default_factory=list)  # keyword stems and cue ids touched
    specificity: Phrases = field(default_factory=Phrases)
    hedging: Phrases = field(default_factory=Phrases)
    weak_language: Phrases = field(default_factory=Phrases)
    negative_framing: Phrases = field(default_factory=Phrases)
    ownership: Ownership = field(default_factory=Ownership)
    word_count: int = 0


# --- the whole ------------------------------------------------------------


@dataclass
class Finding:
    rule: str
    severity: str  # high, medium, low
    message: str
    start: float | None = None
    end: float | None = None


@dataclass
class Scores:
    pacing: int | None = None
    hesitation: int | None = None
    content: int | None = None
    overall: int | None = None


@dataclass
class Note:
    """Something that could not be measured, or was set aside, and why."""

    item: str
    reason: str
    start: float | None = None
    end: float | None = None


@dataclass
class Measured:
    """What could not be measured and why; and what was set aside (notes)."""

    not_measured: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


@dataclass
class Feedback:
    schema_version: int = SCHEMA_VERSION
    transcript: str = ""
    words: list[FeedbackWord] = field(default_factory=list)
    pacing: Pacing = field(default_factory=Pacing)
    hesitation: Hesitation = field(default_factory=Hesitation)
    content: Content = field(default_factory=Content)
    delivery: Delivery = field(default_factory=Delivery)  # pitch and loudness (analysis/delivery.py)
    findings: list[Finding] = field(default_factory=list)  # most important first
    scores: Scores = field(default_factory=Scores)
    measured: Measured = field(default_factory=Measured)

    def to_dict(self) -> dict[str, Any]:
        return _rounded(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Feedback":
        version = data.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise ValueError(f"unsupported feedback schema_version {version!r}")
        return _build(cls, data)

    def top(self, n: int = 3) -> list[Finding]:
        """The n things most worth working on."""
        return self.findings[:n]


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _build(tp: Any, value: Any) -> Any:
    """Rebuild typed data from plain JSON data, following the type hints."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], value)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_build(item, v) for v in value]
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: _build(hints[k], v) for k, v in value.items() if k in known})
    if tp is float and isinstance(value, int):
        return float(value)
    return value
