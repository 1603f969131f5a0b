"""The answer's timeline as inline SVG: loudness, speech, pauses, fillers and
pace, drawn from the feedback and the recording (report_html.py places it)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .formatting import esc, fmt_time, num


def loudness_envelope(path: Path, hop_s: float = 0.05) -> tuple[list[float], float]:
    """RMS level in dBFS every hop_s seconds (clamped to -60..0) and the length in seconds."""
    import soundfile as sf

    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=False)
    except Exception:
        return [], 0.0
    if data.ndim > 1:
        data = data.mean(axis=1)
    hop = max(1, int(rate * hop_s))
    n = len(data) // hop
    if n == 0:
        return [], len(data) / rate
    frames = data[: n * hop].reshape(n, hop)
    rms = np.sqrt(np.mean(frames * frames, axis=1) + 1e-12)
    db = np.clip(20 * np.log10(rms), -60.0, 0.0)
    return [float(v) for v in db], len(data) / rate


def timeline_svg(fb: dict, tr: dict | None, envelope: list[float], duration: float, hop_s: float = 0.05) -> str:
    """Loudness on top, the pitch contour under it, then speech, pauses and
    fillers, then pace with the target band."""
    W, LOUD, PITCH_TOP, PITCH_H = 1000, 70, 76, 56
    SPEECH, PAUSE, PACE_TOP, PACE_H = 138, 152, 170, 50
    x = lambda t: f"{1000 * min(max(t, 0.0), duration) / duration:.1f}"
    g = [f"<svg class=tl viewBox='0 0 {W} 237' data-duration='{num(duration)}' "
         "role=img aria-label='timeline of the answer'>"]
    if envelope:
        step = max(1, len(envelope) // 800)  # at most ~800 points
        pts = [f"{x(i * hop_s)},{LOUD - (v + 60) / 60 * LOUD:.1f}" for i, v in enumerate(envelope) if i % step == 0]
        g.append(f"<polygon fill='#9db7e0' points='0,{LOUD} {' '.join(pts)} {W},{LOUD}'><title>loudness</title></polygon>")
    g += pitch_svg(fb, tr, x, PITCH_TOP, PITCH_H)
    for s in (tr or {}).get("speech", []):
        g.append(f"<rect x='{x(s['start'])}' y='{SPEECH}' width='{float(x(s['end'])) - float(x(s['start'])):.1f}' "
                 "height='10' fill='#2e9d5b'><title>speech</title></rect>")
    colors = {"counted": "#d7bde2", "long": "#a569bd", "very_long": "#6c3483"}
    for p in (fb.get("hesitation") or {}).get("pauses", []):
        g.append(f"<rect x='{x(p['start'])}' y='{PAUSE}' width='{float(x(p['end'])) - float(x(p['start'])):.1f}' height='10' "
                 f"fill='{colors.get(p.get('kind'), '#d7bde2')}'><title>pause {p['duration_s']:.1f} s</title></rect>")
    hes = fb.get("hesitation") or {}
    for f in hes.get("filled_pauses", []) + hes.get("filler_phrases", []):
        if f.get("start") is not None:
            g.append(f"<line x1='{x(f['start'])}' x2='{x(f['start'])}' y1='0' y2='{PAUSE + 10}' stroke='#e67e22' "
                     f"stroke-width='2'><title>{esc(f.get('text'))} at {esc(fmt_time(f['start']))}</title></line>")
    # Pace: 60..240 wpm over the pace row, target band shaded.
    wy = lambda wpm: f"{PACE_TOP + PACE_H - (min(max(wpm, 60), 240) - 60) / 180 * PACE_H:.1f}"
    g.append(f"<rect x='0' y='{wy(160)}' width='{W}' height='{float(wy(120)) - float(wy(160)):.1f}' fill='#eaf5ec'>"
             "<title>target pace 120-160 wpm</title></rect>")
    windows = (fb.get("pacing") or {}).get("windows", [])
    if windows:
        pts = " ".join(f"{x((w['start'] + w['end']) / 2)},{wy(w['wpm'])}" for w in windows)
        g.append(f"<polyline points='{pts}' fill='none' stroke='#3366cc' stroke-width='2'/>")
        for w in windows:
            g.append(f"<circle cx='{x((w['start'] + w['end']) / 2)}' cy='{wy(w['wpm'])}' r='3' fill='#3366cc'>"
                     f"<title>{w['wpm']:.0f} wpm</title></circle>")
    g.append(f"<text x='4' y='{PACE_TOP + 10}' font-size='10' fill='#666'>pace (wpm)</text>")
    tick = 5 if duration <= 60 else 15 if duration <= 180 else 60
    for t in range(0, int(duration) + 1, tick):
        g.append(f"<text x='{x(t)}' y='234' font-size='10' fill='#666'>{esc(fmt_time(t))}</text>")
    g.append("<line class=playhead x1='0' x2='0' y1='0' y2='222' stroke='#c0392b' stroke-width='1.5'/>")
    g.append("</svg>")
    return "\n".join(g)


def pitch_svg(fb: dict, tr: dict | None, x, top: float, height: float) -> list[str]:
    """The pitch contour (semitones around the answer's median, +-12 st) as
    line segments over voiced frames, monotone stretches shaded, rising and
    fading sentence endings marked; a line of text when not measured."""
    d = fb.get("delivery") or {}
    prosody = (tr or {}).get("prosody") or {}
    f0 = prosody.get("f0_hz") or []
    median = (d.get("pitch") or {}).get("median_hz")
    mid = top + height / 2
    g = [f"<line x1='0' x2='1000' y1='{mid:.1f}' y2='{mid:.1f}' stroke='#ddd' stroke-dasharray='4 3'/>"]
    if not f0 or not median:
        why = d.get("reason") or "pitch not measured for this answer"
        g.append(f"<text x='4' y='{mid + 4:.1f}' font-size='10' fill='#888'>pitch: {esc(why)}</text>")
        return g
    for f in d.get("findings", []):
        if f.get("kind") == "monotone":
            g.append(f"<rect x='{x(f['start'])}' y='{top}' width='{float(x(f['end'])) - float(x(f['start'])):.1f}' "
                     f"height='{height}' fill='#fdebd0'><title>flat pitch: within {f['value']:.1f} semitones</title></rect>")
    hop, start = float(prosody.get("hop_s", 0.02)), float(prosody.get("start_s", 0.0))
    y = lambda hz: f"{mid - max(-12.0, min(12.0, 12 * math.log2(hz / median))) / 12 * height / 2:.1f}"
    runs: list[list[str]] = [[]]
    for i, hz in enumerate(f0):
        if hz:
            runs[-1].append(f"{x(start + i * hop)},{y(hz)}")
        elif runs[-1]:
            runs.append([])
    for pts in runs:
        if len(pts) > 1:
            g.append(f"<polyline points='{' '.join(pts)}' fill='none' stroke='#8e44ad' stroke-width='1.5'/>")
    for f in d.get("findings", []):
        if f.get("kind") in ("uptalk", "trailing_off"):
            label = {"uptalk": f"rising end +{f['value']:.0f} st", "trailing_off": f"faded {f['value']:.0f} dB"}[f["kind"]]
            mark = "↗" if f["kind"] == "uptalk" else "↘"
            g.append(f"<text x='{x(f['end'])}' y='{top + 10}' font-size='11' fill='#8e44ad'>{mark}"
                     f"<title>{esc(label)}: {esc(f.get('words'))}</title></text>")
    p = d.get("pitch") or {}
    g.append(f"<text x='4' y='{top + height - 2}' font-size='10' fill='#666'>pitch (median {median:.0f} Hz, "
             f"range {p.get('range_st') or 0:.1f} st)</text>")
    return g
