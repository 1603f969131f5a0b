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
    # Sentences that say (examples) or only seem to say (near_misses) each
    # company-judged cue kind ("mission", "culture", "mission_clash",
    # "culture_clash"): what the meaning matcher learns the company's cues
    # from. ((kind, (sentence, ...)), ...); see `sentences`.
    examples: tuple[tuple[str, tuple[str, ...]], ...] = ()
    near_misses: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def sentences(self, kind: str, near_misses: bool = False) -> tuple[str, ...]:
        """The examples (or near misses) of one cue kind; "clash" is both clash kinds."""
        kinds = ("mission_clash", "culture_clash") if kind == "clash" else (kind,)
        table = dict(self.near_misses if near_misses else self.examples)
        return tuple(t for k in kinds for t in table.get(k, ()))


@dataclass(frozen=True)
class PitchTrack:
    """Pitch and loudness of an answer, frame by frame (voice_mock.speech.prosody).

    Frame i is centred at `start_s + i * hop_s` seconds from the start of the
    answer recording. `f0_hz[i]` is the fundamental frequency, None where the
    frame is not voiced (silence, consonants, whisper); `level_db[i]` the RMS
    level of the frame in dBFS.
    """

    hop_s: float
    start_s: float
    f0_hz: tuple[float | None, ...]
    level_db: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.f0_hz)

    def time(self, i: int) -> float:
        return self.start_s + i * self.hop_s

    def index(self, t: float) -> int:
        """The first frame centred at or after `t` (clamped to 0..len)."""
        return min(max(0, -int((self.start_s - t + 1e-9) // self.hop_s)), len(self))

    def span(self, start: float, end: float) -> "PitchTrack":
        """The frames centred in [start, end)."""
        a, b = self.index(start), self.index(end)
        return PitchTrack(self.hop_s, self.time(a), self.f0_hz[a:b], self.level_db[a:b])

    def voiced(self) -> list[tuple[float, float]]:
        """(time, F0 Hz) of the voiced frames."""
        return [(self.time(i), f) for i, f in enumerate(self.f0_hz) if f is not None]

    def to_dict(self) -> dict:
        return {
            "hop_s": self.hop_s,
            "start_s": round(self.start_s, 4),
            "f0_hz": [None if f is None else round(f, 1) for f in self.f0_hz],
            "level_db": [round(v, 1) for v in self.level_db],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "PitchTrack":
        f0 = tuple(None if f is None else float(f) for f in data["f0_hz"])
        level = tuple(float(v) for v in data["level_db"])
        if len(f0) != len(level):
            raise ValueError("prosody: f0_hz and level_db differ in length")
        return cls(float(data["hop_s"]), float(data["start_s"]), f0, level)
