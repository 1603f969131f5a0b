"""Two takes side by side (`voice-mock compare`), and what changed between two
feedbacks of one answer (`voice-mock replay --reanalyze`). Pure functions of
feedback dicts."""

from __future__ import annotations

from .history import MEASURES, fmt_measure, take_measures


def parse_take(ref: str) -> tuple[str, int]:
    """'SESSION:N' -> (session ref, N); session ids never contain ':'."""
    session, sep, n = ref.rpartition(":")
    if not sep or not session or not n.isdigit() or int(n) < 1:
        raise ValueError(f"'{ref}' is not a take: write SESSION:N, e.g. latest:1")
    return session, int(n)


def feedback_changes(old: dict | None, new: dict) -> list[str]:
    """What a re-analysis changed, one line each; empty when nothing did."""
    if not old:
        return ["no earlier feedback: this is the first analysis"]
    lines = []
    before, after = take_measures([old]), take_measures([new])
    for name in MEASURES:
        a, b = before.get(name), after.get(name)
        if fmt_measure(name, a) != fmt_measure(name, b):
            lines.append(f"{MEASURES[name][0]}: {fmt_measure(name, a)} → {fmt_measure(name, b)}")
    old_points = {p["id"]: p.get("covered") for p in (old.get("content") or {}).get("talking_points", [])}
    for p in (new.get("content") or {}).get("talking_points", []):
        if p["id"] not in old_points:
            lines.append(f"new talking point: {p['label']}")
        elif old_points[p["id"]] != p.get("covered"):
            lines.append(f"talking point '{p['label']}': {_covered(old_points[p['id']])} → {_covered(p.get('covered'))}")
    old_msgs = [f["message"] for f in old.get("findings", [])]
    new_msgs = [f["message"] for f in new.get("findings", [])]
    lines += [f"- finding gone: {m}" for m in old_msgs if m not in new_msgs]
    lines += [f"+ new finding: {m}" for m in new_msgs if m not in old_msgs]
    return lines


def _covered(value) -> str:
    return {True: "covered", False: "not covered", None: "not judged"}[value]


def compare_rows(a: dict, b: dict) -> list[tuple[str, str, str, str]]:
    """Two takes (answers with feedback) side by side: (what, take A, take B, change)."""
    fa, fb = a["feedback"], b["feedback"]
    ma, mb = take_measures([fa]), take_measures([fb])
    rows = [("question", str(a.get("question_id")), str(b.get("question_id")), ""),
            ("length", _length(fa), _length(fb), "")]
    counts = {
        "fillers": lambda f: (f.get("hesitation") or {}).get("filled_pause_count", 0)
        + (f.get("hesitation") or {}).get("filler_phrase_count", 0),
        "long pauses": lambda f: (f.get("hesitation") or {}).get("long_pause_count", 0),
    }
    for name in MEASURES:
        x, y = ma.get(name), mb.get(name)
        label = MEASURES[name][0]
        if name == "fillers_per_min":
            label = f"fillers per minute ({counts['fillers'](fa)} vs {counts['fillers'](fb)})"
        if name == "long_pauses_per_min":
            label = f"long pauses per minute ({counts['long pauses'](fa)} vs {counts['long pauses'](fb)})"
        rows.append((label, fmt_measure(name, x), fmt_measure(name, y), _change(name, x, y)))
    points_a = {p["id"]: p for p in (fa.get("content") or {}).get("talking_points", [])}
    for p in (fb.get("content") or {}).get("talking_points", []):
        if p["id"] in points_a:
            rows.append((f"  {p['label']}", _mark(points_a[p["id"]].get("covered")), _mark(p.get("covered")), ""))
    return rows


def _length(fb: dict) -> str:
    seconds = (fb.get("pacing") or {}).get("duration_s")
    return f"{seconds:.0f} s" if seconds else "-"


def _change(name: str, x: float | None, y: float | None) -> str:
    if x is None or y is None:
        return ""
    better = MEASURES[name][2]
    diff = y - x
    text = f"{diff:+.1f}" if MEASURES[name][1] in ("/min", "st") else f"{diff:+.0f}"
    if better and abs(diff) > 1e-9:
        text += " better" if (diff > 0) == (better > 0) else " worse"
    return text


def _mark(covered) -> str:
    return {True: "✓", False: "✗"}.get(covered, "?")
