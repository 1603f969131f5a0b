"""Progress across sessions: per-session measures, trends, and messages
relative to the user's own baseline, and the measures of one take
(compare.py sets two takes side by side).

Everything here is a pure function of loaded sessions (`session.load_session`
dicts) except `load_all`, which reads the data dir and turns every bad session
into one line instead of an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from voice_mock.files import OutsideError

from .session import SESSION_FILE, SessionError, Store, is_interrupted, load_session, ordered_sessions

SCHEMA_VERSION = 1  # of session.json and feedback.json that this module reads

# name -> (label, unit, which way is better: +1 up, -1 down, 0 neither)
MEASURES = {
    "wpm": ("words per minute", "wpm", 0),
    "fillers_per_min": ("fillers per minute", "/min", -1),
    "long_pauses_per_min": ("long pauses per minute", "/min", -1),
    "points_covered": ("talking points covered", "%", +1),
    # Wider is livelier, but past ordinary speech (7-10 st) not better: the
    # monotone finding judges flatness; the trend only says which way it moved.
    "pitch_range_st": ("pitch range", "st", 0),
    "overall": ("overall score", "", +1),
    "pacing": ("pacing score", "", +1),
    "hesitation": ("hesitation score", "", +1),
    "content": ("content score", "", +1),
}
SCORE_KEYS = ("pacing", "hesitation", "content", "overall")
BASELINE_SESSIONS = 3
# Changes smaller than this share of the baseline are "about the same": one
# session's fillers vary that much by chance (our choice).
SAME_WITHIN = 0.10
SAME_WITHIN_POINTS = 3.0  # the same for scores and shares out of 100
SAME_WITHIN_ST = 1.0  # pitch range, in semitones (a log scale already; our choice)
VOICE_BASELINE_ANSWERS = 3  # measured answers before pitch and level are judged against your own


@dataclass
class SessionSummary:
    id: str
    path: Path
    started: str
    mode: str
    bank: str
    company: str | None
    questions: int
    answered: int
    measures: dict[str, float | None] = field(default_factory=dict)


# ---------------------------------------------------------------- loading


def load_all(store: Store) -> tuple[list[dict], list[str]]:
    """Every readable session, oldest first, and one line per bad one."""
    sessions, problems = [], []
    if not store.sessions_dir.is_dir():
        return [], []
    folders = (p for p in store.sessions_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    for path in ordered_sessions(folders):
        if not (path / SESSION_FILE).is_file():
            problems.append(f"{path.name}: no {SESSION_FILE}; skipped")
            continue
        try:
            store.check_inside(path)
        except OutsideError as exc:
            problems.append(f"{path.name}: {str(exc).removeprefix(f'session {path.name} ')}; skipped")
            continue
        session, problem = load_checked(path)
        if problem:
            problems.append(problem)
        if session is not None:
            sessions.append(session)
    return sessions, problems


def load_checked(path: Path) -> tuple[dict | None, str | None]:
    """A session and an optional one-line problem; (None, problem) when unusable."""
    try:
        session = load_session(path)
    except SessionError as exc:
        return None, f"{path.name}: {_short(exc, path)}; skipped"
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return None, f"{path.name}: {SESSION_FILE} is malformed ({type(exc).__name__}: {exc}); skipped"
    version = session.get("schema_version")
    if version != SCHEMA_VERSION:
        return None, f"{path.name}: written by another version of voice-mock (schema {version!r}); skipped"
    bad = []
    for a in session["answers"]:
        fb = a.get("feedback")
        if fb is not None and (not isinstance(fb, dict) or fb.get("schema_version") != SCHEMA_VERSION):
            a["feedback"] = None
            a.setdefault("problems", []).append("feedback.json has another schema version")
        tr = a.get("transcript")
        if tr is not None and not isinstance(tr, dict):
            a["transcript"] = None
            a.setdefault("problems", []).append("transcript.json is malformed")
        if a.get("problems") and not a.get("skipped"):
            bad.append(f"q{a.get('index')}: " + "; ".join(_short(p, path) for p in a["problems"]))
    lines = [f"{path.name}: " + "; ".join(bad) + " (those answers left out)"] if bad else []
    cut = [str(a.get("index")) for a in session["answers"] if is_interrupted(a) and a.get("feedback") is None]
    if cut:
        which = f"question {cut[0]} was" if len(cut) == 1 else f"questions {', '.join(cut)} were"
        lines.append(f"{path.name}: {which} interrupted before the analysis; "
                     f"`voice-mock replay {path.name} --reanalyze` analyses {'it' if len(cut) == 1 else 'them'}")
    return session, "; ".join(lines) or None


def _short(message, base: Path) -> str:
    """Messages name files relative to the session folder: one short line."""
    return str(message).replace(str(base) + "/", "")


# ---------------------------------------------------------------- measures


def answer_feedbacks(session: dict) -> list[dict]:
    return [a["feedback"] for a in session["answers"] if not a.get("skipped") and isinstance(a.get("feedback"), dict)]


def take_measures(feedbacks: list[dict]) -> dict[str, float | None]:
    """Measures over one or more answers: rates weighted by speaking time."""
    words = minutes = fillers = long_pauses = 0.0
    covered = judged = 0
    for fb in feedbacks:
        pacing, hes = fb.get("pacing") or {}, fb.get("hesitation") or {}
        if pacing.get("measured") and pacing.get("duration_s"):
            m = pacing["duration_s"] / 60.0
            minutes += m
            words += pacing.get("word_count") or 0
            fillers += (hes.get("filled_pause_count") or 0) + (hes.get("filler_phrase_count") or 0)
            long_pauses += hes.get("long_pause_count") or 0
        for p in (fb.get("content") or {}).get("talking_points", []):
            if p.get("covered") is not None:
                judged += 1
                covered += bool(p["covered"])
    out: dict[str, float | None] = {
        "wpm": words / minutes if minutes else None,
        "fillers_per_min": fillers / minutes if minutes else None,
        "long_pauses_per_min": long_pauses / minutes if minutes else None,
        "points_covered": 100.0 * covered / judged if judged else None,
    }
    for key in SCORE_KEYS:
        values = [fb["scores"][key] for fb in feedbacks if (fb.get("scores") or {}).get(key) is not None]
        out[key] = sum(values) / len(values) if values else None
    # Pitch range: answers weighted by their voiced time.
    ranges = [((d.get("pitch") or {}).get("range_st"), (d.get("pitch") or {}).get("voiced_s") or 0.0)
              for d in (fb.get("delivery") or {} for fb in feedbacks) if d.get("measured")]
    ranges = [(r, w) for r, w in ranges if r is not None and w > 0]
    out["pitch_range_st"] = sum(r * w for r, w in ranges) / sum(w for _, w in ranges) if ranges else None
    return out


def delivery_baseline(sessions: list[dict]) -> dict[str, float] | None:
    """Your usual pitch range and speech level (medians over the measured
    answers of `sessions`), as `analysis.delivery` settings; None before
    VOICE_BASELINE_ANSWERS answers were measured."""
    ranges, levels = [], []
    for session in sessions:
        for fb in answer_feedbacks(session):
            d = fb.get("delivery") or {}
            if d.get("measured") and (d.get("pitch") or {}).get("range_st") is not None:
                ranges.append(d["pitch"]["range_st"])
                level = (d.get("loudness") or {}).get("level_dbfs")
                if level is not None:
                    levels.append(level)
    if len(ranges) < VOICE_BASELINE_ANSWERS:
        return None
    middle = lambda v: sorted(v)[len(v) // 2]
    out = {"baseline_range_st": middle(ranges)}
    if len(levels) >= VOICE_BASELINE_ANSWERS:
        out["baseline_level_dbfs"] = middle(levels)
    return out


def summarize(session: dict) -> SessionSummary:
    answers = session["answers"]
    return SessionSummary(
        id=session["path"].name,
        path=session["path"],
        started=str(session.get("started") or ""),
        mode=str(session.get("mode") or ""),
        bank=str(session.get("bank") or ""),
        company=session.get("company"),
        questions=len(answers),
        answered=sum(1 for a in answers if not a.get("skipped")),
        measures=take_measures(answer_feedbacks(session)),
    )


# ---------------------------------------------------------------- trends


@dataclass
class Trend:
    measure: str
    values: list[float | None]  # one per session, oldest first
    baseline: float | None  # mean of the first sessions that have a value
    baseline_n: int
    latest: float | None
    change: float | None  # (latest - baseline) / baseline
    message: str


def trends(summaries: list[SessionSummary]) -> list[Trend]:
    return [trend(name, [s.measures.get(name) for s in summaries]) for name in MEASURES]


def trend(name: str, values: list[float | None]) -> Trend:
    """The latest session against the first up-to-three (never including itself)."""
    label, unit, better = MEASURES[name]
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return Trend(name, values, None, 0, present[-1] if present else None, None,
                     f"{label}: not enough sessions yet to see a trend")
    n = min(BASELINE_SESSIONS, len(present) - 1)
    baseline = sum(present[:n]) / n
    latest = present[-1]
    change = (latest - baseline) / baseline if baseline else None
    since = {1: "your first session", 2: "your first two sessions", 3: "your first three sessions"}[n]
    figures = f"({fmt_measure(name, baseline)} → {fmt_measure(name, latest)})"
    # Scores and shares (0-100) move in points, semitones in semitones;
    # rates move in percent of the baseline.
    in_points = unit in ("", "%", "st")
    size = abs(latest - baseline) if in_points or baseline == latest else abs(change) if change is not None else None
    same = SAME_WITHIN_ST if unit == "st" else SAME_WITHIN_POINTS if in_points else SAME_WITHIN
    if size is None:
        message = f"{label} up from {fmt_measure(name, 0.0)} in {since} to {fmt_measure(name, latest)}"
        if better:
            message += ": better" if better > 0 else ": worse"
    elif size < same:
        message = f"{label} about the same as in {since} {figures}"
    else:
        word = "up" if latest > baseline else "down"
        amount = f"{size:.1f} semitones" if unit == "st" else f"{size:.0f} points" if in_points else f"{size:.0%}"
        verdict = ""
        if better:
            verdict = ": better" if (latest > baseline) == (better > 0) else ": worse"
        elif name == "wpm":
            verdict = _pace_verdict(baseline, latest)
        message = f"{label} {word} {amount} since {since} {figures}{verdict}"
    return Trend(name, values, baseline, n, latest, change, message)


def _pace_verdict(before: float, after: float) -> str:
    """Pace has no better direction: only closer to the target band is better."""
    from voice_mock.analysis import AnalysisConfig

    p = AnalysisConfig().pacing
    off = lambda wpm: max(p.target_low_wpm - wpm, wpm - p.target_high_wpm, 0.0)
    if off(after) == off(before):
        return ""
    band = f"{p.target_low_wpm:.0f}-{p.target_high_wpm:.0f} wpm"
    return f": closer to the {band} target" if off(after) < off(before) else f": further from the {band} target"


def fmt_measure(name: str, value: float | None) -> str:
    if value is None:
        return "-"
    unit = MEASURES[name][1]
    if unit == "%":
        return f"{value:.0f}%"
    if unit == "/min":
        return f"{value:.1f}/min"
    if unit == "wpm":
        return f"{value:.0f} wpm"
    if unit == "st":
        return f"{value:.1f} st"
    return f"{value:.0f}"
