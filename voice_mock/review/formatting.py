"""Small formatters shared by the reports and the terminal: times as m:ss.s,
and text and numbers made safe for HTML."""

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
