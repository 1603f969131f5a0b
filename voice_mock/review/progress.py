"""The progress page (`voice-mock history --html`): trends against the user's
own baseline, a small line chart per measure, and the sessions with links to
their reports."""

from __future__ import annotations

import os
from pathlib import Path

from .formatting import esc
from .history import MEASURES, SessionSummary, Trend, fmt_measure
from .report_html import CSS, REPORT_FILE


def line_chart(values: list[float | None], title: str, baseline: float | None = None,
               lo: float | None = None, hi: float | None = None, fmt=lambda v: f"{v:.0f}") -> str:
    """A small line chart of one measure across sessions (None: a gap)."""
    W, H, PAD = 320, 120, 24
    known = [v for v in values if v is not None]
    if not known:
        return ""
    lo = min(known + ([baseline] if baseline is not None else [])) if lo is None else lo
    hi = max(known + ([baseline] if baseline is not None else [])) if hi is None else hi
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    n = len(values)
    x = lambda i: PAD + (W - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)
    y = lambda v: H - PAD - (H - 2 * PAD) * (v - lo) / (hi - lo)
    g = [f"<svg class=chart width='{W}' height='{H}' viewBox='0 0 {W} {H}' role=img>",
         f"<text x='{PAD}' y='14' font-size='12' font-weight='600'>{esc(title)}</text>",
         f"<text x='2' y='{y(hi) + 4:.1f}' font-size='9' fill='#666'>{esc(fmt(hi))}</text>",
         f"<text x='2' y='{y(lo) + 4:.1f}' font-size='9' fill='#666'>{esc(fmt(lo))}</text>"]
    if baseline is not None:
        g.append(f"<line x1='{PAD}' x2='{W - PAD}' y1='{y(baseline):.1f}' y2='{y(baseline):.1f}' stroke='#aaa' "
                 f"stroke-dasharray='4 3'><title>your baseline {esc(fmt(baseline))}</title></line>")
    run: list[str] = []
    for i, v in enumerate(values + [None]):
        if v is not None:
            run.append(f"{x(i):.1f},{y(v):.1f}")
        elif run:
            g.append(f"<polyline points='{' '.join(run)}' fill='none' stroke='#3366cc' stroke-width='2'/>")
            run = []
    for i, v in enumerate(values):
        if v is not None:
            g.append(f"<circle cx='{x(i):.1f}' cy='{y(v):.1f}' r='3' fill='#3366cc'><title>session {i + 1}: "
                     f"{esc(fmt(v))}</title></circle>")
    g.append("</svg>")
    return "".join(g)


def history_html(summaries: list[SessionSummary], trend_list: list[Trend], problems: list[str],
                 page: Path | None = None) -> str:
    parts = ["<!doctype html><html lang=en><head><meta charset=utf-8>",
             f"<title>voice-mock · progress</title><style>{CSS}</style></head><body>",
             f"<h1>Your progress</h1><p class=meta>{len(summaries)} sessions</p>"]
    if trend_list:
        parts.append("<ul>" + "".join(f"<li>{esc(t.message)}</li>" for t in trend_list) + "</ul>")
    charts = []
    for t in trend_list:
        unit, known = MEASURES[t.measure][1], [v for v in t.values if v is not None]
        if unit in ("", "%"):
            scale = (0, 100)
        elif unit == "wpm":  # the pace bands sit inside 60-240
            scale = (min(known + [60]), max(known + [240]))
        else:  # rates start at zero, so "down to 0.5/min" looks like it
            scale = (0, max(known + [t.baseline or 0, 1.0]) * 1.2)
        charts.append(line_chart(t.values, MEASURES[t.measure][0], t.baseline, *scale,
                                 fmt=lambda v, name=t.measure: fmt_measure(name, v)))
    parts.append("<div class=charts>" + "".join(c for c in charts if c) + "</div>")
    rows = ["<table class=hist><tr><th>session</th><th>date</th><th>bank</th><th>questions</th>"
            + "".join(f"<th>{esc(MEASURES[k][0])}</th>" for k in ("wpm", "fillers_per_min", "long_pauses_per_min",
                                                                 "points_covered", "overall")) + "</tr>"]
    for s in summaries:
        name = esc(s.id)
        report = s.path / REPORT_FILE
        if page is not None and report.is_file():
            href = os.path.relpath(report.resolve(), Path(page).resolve().parent)
            name = f"<a href='{esc(href)}'>{name}</a>"
        rows.append(f"<tr><td>{name}</td><td>{esc(s.started[:16].replace('T', ' '))}</td><td>{esc(s.bank)}</td>"
                    f"<td>{s.answered}/{s.questions}</td>"
                    + "".join(f"<td>{esc(fmt_measure(k, s.measures.get(k)))}</td>"
                              for k in ("wpm", "fillers_per_min", "long_pauses_per_min", "points_covered", "overall"))
                    + "</tr>")
    parts.append("".join(rows) + "</table>")
    if problems:
        parts.append("<h3>Skipped</h3><ul class=notes>" + "".join(f"<li>{esc(p)}</li>" for p in problems) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
