"""Small formatters shared by the reports and the terminal: times as m:ss.s,
text and numbers made safe for HTML, and the voice (delivery) figures in one line."""

from __future__ import annotations

import html


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = max(0.0, float(seconds))
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def num(value: float) -> str:
    """A number for an attribute: ours, never text from a file."""
    return f"{float(value):.2f}"


def voice_line(fb: dict) -> str | None:
    """Pitch and loudness in one line (analysis/delivery.py); None for typed answers."""
    d = fb.get("delivery") or {}
    if not d or not (fb.get("pacing") or {}).get("duration_s"):
        return None
    if not d.get("measured"):
        return f"voice: not measured ({d.get('reason')})"
    p, loud = d.get("pitch") or {}, d.get("loudness") or {}
    flat = " (monotone)" if d.get("monotone") else ""
    parts = [f"voice: pitch {p['median_hz']:.0f} Hz", f"range {p['range_st']:.1f} st{flat}"]
    if loud.get("level_dbfs") is not None:
        parts.append(f"level {loud['level_dbfs']:.0f} dBFS")
    if d.get("statements"):
        parts.append(f"rising endings {d.get('uptalk_count', 0)}/{d['statements']}")
    if d.get("sentences"):
        parts.append(f"trailing off {d.get('trailing_off_count', 0)}/{d['sentences']}")
    return " · ".join(parts)
