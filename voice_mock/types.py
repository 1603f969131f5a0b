"""Plain data shared by every stage: words, time spans, questions, companies.

Nothing here does I/O. Times are seconds from the start of the answer
recording unless a field says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """One transcribed token with its time span (as faster-whisper's Word)."""

    text: str  # as transcribed, stripped of surrounding spaces ("Um,", "career")
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class Interval:
    """A span of time, e.g. a stretch of speech found by voice activity."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Cue:
    """A talking point, red flag or structure part, recognised by cue phrases.

    `cues` are phrases matched on normalised, stemmed words ("grow into",
    "team lead"). `company`, when set, says the point is judged against the
    chosen company profile: "mission" (its mission and values), "culture"
    (its culture words and what it looks for) or "clash" (its clash words);
    without a company profile such a point cannot be judged.
    """

    id: str
    label: str
    cues: tuple[str, ...] = ()
    advice: str = ""
    company: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    bank: str = ""
    category: str = "general"
    variants: tuple[str, ...] = ()
    target_seconds: tuple[float, float] = (60.0, 120.0)
    talking_points: tuple[Cue, ...] = ()
    red_flags: tuple[Cue, ...] = ()
    structure: tuple[Cue, ...] = ()  # e.g. STAR parts, in order
    follow_ups: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    description: str = ""
    questions: tuple[Question, ...] = ()
    path: str = ""


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    mission: str = ""
    values: tuple[str, ...] = ()
    culture: tuple[str, ...] = ()
    looks_for: tuple[str, ...] = ()
    clashes: tuple[str, ...] = ()  # deprecated: counts as both lists below
    path: str = ""
    # Aims and activities that work against the mission (hunting, for a tiger
    # charity): judged by `company = "mission_clash"` cues.
    mission_clashes: tuple[str, ...] = ()
    # Ways of working the culture rejects (job security, at a trend-setting
    # boutique): judged by `company = "culture_clash"` cues.
    culture_clashes: tuple[str, ...] = ()
