"""Reports of a session: one self-contained HTML file, a Markdown file, a
JSON export; and the history page with its progress charts.

The HTML needs nothing but itself: inline CSS and JS, inline SVG pictures,
and the audio embedded as MP3 data URIs (about 25 kbit/s for 16 kHz speech,
so a 3-minute answer adds about 0.8 MB), so the file can be moved, mailed or
opened offline. Every text that comes from a transcript, a bank, a company
profile or a session file goes through `esc` (html.escape); numbers placed in
attributes are formatted by us. Clicking a word (or a finding, or the
timeline) seeks that question's player; `#selftest` in the URL makes the page
test that itself (tests/test_report_browser.py).
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
from pathlib import Path

import numpy as np

from .history import MEASURES, SessionSummary, Trend, fmt_measure, summarize
from voice_mock.cli.render import fmt_time
from .session import load_session

REPORT_FILE = "report.html"
EXPORT_VERSION = 1
MP3_QUALITY = 0.7  # libsndfile compression level: about 25 kbit/s at 16 kHz, clear speech


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(value: float) -> str:
    """A number for an attribute: ours, never text from a file."""
    return f"{float(value):.2f}"


# ---------------------------------------------------------------- audio


def audio_data_uri(path: Path) -> str | None:
    """The recording as an MP3 data URI (WAV if MP3 cannot be written); None if unreadable."""
    import soundfile as sf

    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=False)
    except Exception:
        return None
    if data.ndim > 1:
        data = data.mean(axis=1)
    buf = io.BytesIO()
    try:
        sf.write(buf, data, rate, format="MP3", compression_level=MP3_QUALITY)
        mime = "audio/mpeg"
    except Exception:  # libsndfile before 1.1 has no MP3
        buf = io.BytesIO()
        sf.write(buf, data, rate, format="WAV", subtype="PCM_16")
        mime = "audio/wav"
    return f"data:{mime};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


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


# ---------------------------------------------------------------- the session page

CSS = """
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#222;background:#fafafa}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:0} .meta{color:#666;margin-top:0}
section.q{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1rem 1.2rem;margin:1.2rem 0}
audio{width:100%;margin:.3rem 0} .label{font-size:.85rem;color:#666}
.tr{line-height:2;margin:.5rem 0} .tr .w{cursor:pointer;padding:1px 2px;border-radius:3px}
.tr .w:hover{background:#e3ecff} .tr .w.now{outline:2px solid #3366cc}
.filler{background:#ffe08a;font-weight:600} .rep{text-decoration:underline wavy #c0392b}
.pt{border-bottom:3px solid #2e9d5b} .flag{border-bottom:3px solid #c0392b}
.pause{color:#8e44ad;font-size:.85rem;cursor:pointer}
.key span{margin-right:1rem;font-size:.85rem}
svg.tl{width:100%;height:auto;background:#fff;border:1px solid #eee;cursor:crosshair}
.scores td,.scores th{padding:.2rem .8rem;text-align:left} .scores{border-collapse:collapse}
.sev-high{color:#c0392b;font-weight:600} .sev-medium{color:#b7791f} .sev-low{color:#2c7a9a}
.seek{cursor:pointer;color:#3366cc;text-decoration:underline} .ok{color:#2e9d5b} .no{color:#c0392b} .na{color:#999}
.notes{color:#777;font-size:.9rem} table.hist{border-collapse:collapse;width:100%} table.hist td,table.hist th{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:1rem} .chart{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.5rem}
#selftest{display:none}
"""

# Plain JS, no libraries. Clicks on [data-t] seek the player of the same question.
JS = r"""
(function(){
  var out = document.getElementById('selftest'), errors = [];
  function show(result){ result.errors = errors; out.textContent = JSON.stringify(result); document.title = 'selftest ' + (result.ok && !errors.length ? 'ok' : 'failed'); }
  window.addEventListener('error', function(e){ errors.push(String(e.message || e)); });
  var origError = console.error; console.error = function(){ errors.push(Array.prototype.join.call(arguments, ' ')); origError.apply(console, arguments); };
  function playerOf(el){ var q = el.closest('section.q'); return q && q.querySelector('audio.answer'); }
  function seek(audio, t){ audio.currentTime = t; var p = audio.play(); if (p && p.catch) p.catch(function(){}); }
  document.addEventListener('click', function(ev){
    var el = ev.target.closest('[data-t]'); if (!el) return;
    var audio = playerOf(el); if (audio) seek(audio, parseFloat(el.getAttribute('data-t')));
  });
  document.querySelectorAll('svg.tl').forEach(function(svg){
    svg.addEventListener('click', function(ev){
      var r = svg.getBoundingClientRect(), dur = parseFloat(svg.getAttribute('data-duration'));
      var audio = playerOf(svg); if (audio && r.width) seek(audio, dur * (ev.clientX - r.left) / r.width);
    });
  });
  document.querySelectorAll('audio.answer').forEach(function(audio){
    var q = audio.closest('section.q'), words = q.querySelectorAll('.w[data-t]'), head = q.querySelector('.playhead');
    var dur = head ? parseFloat(head.closest('svg').getAttribute('data-duration')) : 0;
    audio.addEventListener('timeupdate', function(){
      var t = audio.currentTime, last = null;
      words.forEach(function(w){ w.classList.remove('now'); if (parseFloat(w.getAttribute('data-t')) <= t) last = w; });
      if (last && !audio.paused) last.classList.add('now');
      if (head && dur) { var x = (1000 * t / dur).toFixed(1); head.setAttribute('x1', x); head.setAttribute('x2', x); }
    });
  });
  if (location.hash !== '#selftest') return;
  var audios = document.querySelectorAll('audio'), audio = document.querySelector('audio.answer');
  if (!audio) { show({ok: false, reason: 'no answer player', audios: audios.length}); return; }
  var q = audio.closest('section.q'), words = q.querySelectorAll('.w[data-t]'), word = null;
  for (var i = 0; i < words.length; i++) { if (parseFloat(words[i].getAttribute('data-t')) >= 1.0) { word = words[i]; break; } }
  if (!word) { show({ok: false, reason: 'no word to click', audios: audios.length}); return; }
  var t = parseFloat(word.getAttribute('data-t')), done = false;
  function run(){
    if (done) return; done = true;
    var before = audio.currentTime;
    word.click();
    setTimeout(function(){
      var now = audio.currentTime;
      show({ok: now >= t - 0.3 && now <= t + 2.0, word: word.textContent, target: t, before: before, currentTime: now,
            audios: audios.length, words: document.querySelectorAll('.w[data-t]').length, readyState: audio.readyState});
    }, 300);
  }
  if (audio.readyState >= 1) run(); else audio.addEventListener('loadedmetadata', run);
  setTimeout(function(){ if (!done) { done = true; show({ok: false, reason: 'audio metadata never loaded', audios: audios.length}); } }, 4000);
})();
"""


def session_html(session: dict, embed_audio: bool = True) -> str:
    sid = session["path"].name
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width,initial-scale=1'>",
        f"<title>voice-mock · {esc(sid)}</title><style>{CSS}</style></head><body>",
        f"<h1>Mock interview {esc(sid)}</h1>",
        f"<p class=meta>{esc(session.get('started'))} · {esc(session.get('mode'))} · bank {esc(session.get('bank'))}"
        + (f" · company {esc(session.get('company'))}" if session.get("company") else "")
        + f" · model {esc(session.get('model'))}</p>",
        _summary_table(session),
        "<p class='key'>Transcript key: <span class=filler>filler</span> <span class=rep>repetition or restart</span> "
        "<span class=pt>talking point</span> <span class=flag>red flag</span> <span class=pause>[pause]</span> "
        "· click a word to hear it</p>",
    ]
    for answer in session["answers"]:
        parts.append(_question_html(answer, embed_audio))
    parts.append("<pre id=selftest></pre>")
    parts.append(f"<script>{JS}</script></body></html>")
    return "\n".join(parts)


def _summary_table(session: dict) -> str:
    m = summarize(session).measures
    cells = "".join(f"<tr><th>{esc(MEASURES[k][0])}</th><td>{esc(fmt_measure(k, m.get(k)))}</td></tr>" for k in MEASURES)
    return f"<table class=scores>{cells}</table>"


def _question_html(answer: dict, embed_audio: bool) -> str:
    fb = answer.get("feedback") if isinstance(answer.get("feedback"), dict) else None
    tr = answer.get("transcript") if isinstance(answer.get("transcript"), dict) else None
    folder: Path | None = answer.get("dir")
    out = [f"<section class=q id=q{int(answer.get('index') or 0)}>",
           f"<h2>Question {esc(answer.get('index'))}: {esc(answer.get('question'))}</h2>",
           f"<p class=meta>{esc(answer.get('bank'))}/{esc(answer.get('question_id'))}"
           + (f" · {esc(fmt_time(answer.get('duration_s')))} recorded" if answer.get("duration_s") else "") + "</p>"]
    if embed_audio and folder is not None:
        for name, cls, label in (("question.wav", "question", "The question"), ("answer.wav", "answer", "Your answer")):
            uri = audio_data_uri(folder / name) if (folder / name).is_file() else None
            if uri:
                out.append(f"<div class=label>{label}</div><audio class={cls} controls preload=auto src='{uri}'></audio>")
    if answer.get("skipped"):
        out.append("<p class=na>Skipped: nothing was heard.</p>")
    for problem in answer.get("problems", []):
        out.append(f"<p class=notes>{esc(problem)}</p>")
    if fb is None:
        out.append("</section>")
        return "\n".join(out)
    envelope, length = loudness_envelope(folder / "answer.wav") if folder and (folder / "answer.wav").is_file() else ([], 0.0)
    duration = max(length, (tr or {}).get("duration_s") or 0.0, max((w.get("end") or 0 for w in fb.get("words", [])), default=0))
    if duration > 0 and any(w.get("start") is not None for w in fb.get("words", [])):
        out.append(timeline_svg(fb, tr, envelope, duration))
        out.append("<div class=label>Loudness; <span style='color:#2e9d5b'>speech</span>; "
                   "<span style='color:#a569bd'>pauses</span>; <span style='color:#e67e22'>fillers</span>; "
                   "<span style='color:#3366cc'>pace</span> (shaded: 120-160 wpm). Click to play from there.</div>")
    out.append(_findings_html(fb))
    out.append("<div class=tr>" + transcript_html(fb) + "</div>")
    out.append(_points_html(fb))
    scores = fb.get("scores") or {}
    out.append("<table class=scores><tr>" + "".join(f"<th>{esc(k)}</th>" for k in scores) + "</tr><tr>"
               + "".join(f"<td>{esc('-' if v is None else v)}</td>" for v in scores.values()) + "</tr></table>")
    notes = (fb.get("measured") or {}).get("not_measured", [])
    if notes:
        out.append("<p class=notes>Not measured: " + "; ".join(esc(_note(n)) for n in notes) + "</p>")
    out.append("</section>")
    return "\n".join(out)


def _note(note) -> str:
    return f"{note.get('item')}: {note.get('reason')}" if isinstance(note, dict) else str(note)


def _findings_html(fb: dict) -> str:
    items = []
    for f in fb.get("findings", []):
        when = ""
        if f.get("start") is not None:
            when = f" <span class=seek data-t='{_num(f['start'])}'>{esc(fmt_time(f['start']))}</span>"
        items.append(f"<li><span class='sev-{esc(f.get('severity'))}'>{esc(f.get('message'))}</span>{when}</li>")
    return "<h3>Work on these first</h3><ol>" + "".join(items) + "</ol>" if items else "<p>No findings.</p>"


def _points_html(fb: dict) -> str:
    content = fb.get("content") or {}
    rows = []
    for p in content.get("talking_points", []):
        mark = {True: "<span class=ok>✓</span>", False: "<span class=no>✗</span>"}.get(p.get("covered"), "<span class=na>?</span>")
        said = ", ".join(f"“{esc(e.get('text'))}”" for e in p.get("evidence", []))
        why = f" <span class=na>({esc(p.get('reason'))})</span>" if p.get("reason") else ""
        rows.append(f"<li>{mark} {esc(p.get('label'))}{': ' + said if said else ''}{why}</li>")
    for flag in content.get("red_flags", []):
        rows.append(f"<li><span class=no>⚑ {esc(flag.get('label'))}</span></li>")
    return "<h3>Talking points</h3><ul>" + "".join(rows) + "</ul>" if rows else ""


def _spans(items) -> list[tuple[float, float, str]]:
    return [(float(i["start"]), float(i["end"]), str(i.get("label", i.get("text", ""))))
            for i in items if i.get("start") is not None and i.get("end") is not None]


def word_marks(fb: dict) -> list[tuple[set[str], list[str]]]:
    """Per word: its CSS classes and the labels it supports (for the tooltip)."""
    hes, content = fb.get("hesitation") or {}, fb.get("content") or {}
    reps = _spans(hes.get("repetitions", []) + hes.get("restarts", []))
    points = [(s, e, p.get("label", "")) for p in content.get("talking_points", [])
              for s, e, _ in _spans(p.get("evidence", []))]
    flags = [(s, e, p.get("label", "")) for p in content.get("red_flags", []) for s, e, _ in _spans(p.get("evidence", []))]
    marks = []
    for w in fb.get("words", []):
        classes, labels = set(), []
        if w.get("kind") == "filler":
            classes.add("filler")
        s, e = w.get("start"), w.get("end")
        if s is not None and e is not None:
            mid = (s + e) / 2
            for cls, spans in (("rep", reps), ("pt", points), ("flag", flags)):
                for a, b, label in spans:
                    if a - 0.01 <= mid <= b + 0.01:
                        classes.add(cls)
                        if label and cls != "rep":
                            labels.append(label)
        marks.append((classes, labels))
    return marks


def transcript_html(fb: dict, min_pause_s: float = 0.25) -> str:
    """Words as spans (clickable when timed), with pauses inline like the terminal shows them."""
    pauses = sorted((p for p in (fb.get("hesitation") or {}).get("pauses", []) if p.get("duration_s", 0) >= min_pause_s),
                    key=lambda p: p["start"])
    out, pi = [], 0
    for w, (classes, labels) in zip(fb.get("words", []), word_marks(fb)):
        while pi < len(pauses) and w.get("start") is not None and pauses[pi]["start"] <= w["start"]:
            p = pauses[pi]
            out.append(f"<span class=pause data-t='{_num(p['start'])}'>[pause {p['duration_s']:.1f} s]</span>")
            pi += 1
        attrs = f" class='{' '.join(['w', *sorted(classes)])}'"
        if w.get("start") is not None:
            attrs += f" data-t='{_num(w['start'])}'"
        title = "; ".join(dict.fromkeys(labels))
        if title:
            attrs += f" title='{esc(title)}'"
        out.append(f"<span{attrs}>{esc(w.get('text'))}</span>")
    return " ".join(out)


def timeline_svg(fb: dict, tr: dict | None, envelope: list[float], duration: float, hop_s: float = 0.05) -> str:
    """Loudness on top, then speech, pauses and fillers, then pace with the target band."""
    W, LOUD, SPEECH, PAUSE, PACE_TOP, PACE_H = 1000, 70, 76, 90, 108, 50
    x = lambda t: f"{1000 * min(max(t, 0.0), duration) / duration:.1f}"
    g = [f"<svg class=tl viewBox='0 0 {W} 175' data-duration='{_num(duration)}' "
         "role=img aria-label='timeline of the answer'>"]
    if envelope:
        step = max(1, len(envelope) // 800)  # at most ~800 points
        pts = [f"{x(i * hop_s)},{LOUD - (v + 60) / 60 * LOUD:.1f}" for i, v in enumerate(envelope) if i % step == 0]
        g.append(f"<polygon fill='#9db7e0' points='0,{LOUD} {' '.join(pts)} {W},{LOUD}'><title>loudness</title></polygon>")
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
        g.append(f"<text x='{x(t)}' y='172' font-size='10' fill='#666'>{esc(fmt_time(t))}</text>")
    g.append("<line class=playhead x1='0' x2='0' y1='0' y2='160' stroke='#c0392b' stroke-width='1.5'/>")
    g.append("</svg>")
    return "\n".join(g)


def write_session_report(session_dir: Path, target: Path | None = None) -> Path:
    """report.html in the session folder (or `target`); returns its path. Called after each session."""
    session_dir = Path(session_dir)
    target = Path(target) if target else session_dir / REPORT_FILE
    _write_text(target, session_html(load_session(session_dir)))
    return target


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------- JSON and Markdown


def session_export(session: dict) -> dict:
    """A session as one JSON-able dict: what the report shows, no file paths."""
    keys = ("started", "finished", "mode", "bank", "company", "model", "voice", "settings", "versions")
    answers = []
    for a in session["answers"]:
        answers.append({k: a.get(k) for k in ("index", "question_id", "question", "bank", "skipped", "end_reason",
                                               "duration_s", "transcript", "feedback")}
                       | {"problems": list(a.get("problems", []))})
    return {"export_version": EXPORT_VERSION, "id": session["path"].name, **{k: session.get(k) for k in keys},
            "measures": summarize(session).measures, "answers": answers}


def export_json(session: dict) -> str:
    return json.dumps(session_export(session), indent=2, ensure_ascii=False) + "\n"


def export_as_session(data: dict) -> dict:
    """A JSON export read back in the shape `load_session` gives (no audio)."""
    session = dict(data)
    session["path"] = Path(data["id"])
    session["answers"] = [dict(a, dir=None) for a in data["answers"]]
    return session


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|{}!~])")


def md_escape(text) -> str:
    """Backslash-escape Markdown (and raw-HTML) characters: shown as typed."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def md_unescape(text: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>#|{}!~])", r"\1", text)


def session_markdown(session: dict) -> str:
    sid = session["path"].name
    m = summarize(session).measures
    lines = [f"# Mock interview {md_escape(sid)}", "",
             f"{md_escape(session.get('started'))} · {md_escape(session.get('mode'))} · bank {md_escape(session.get('bank'))}"
             + (f" · company {md_escape(session.get('company'))}" if session.get("company") else ""), "",
             "| measure | value |", "|---|---|"]
    lines += [f"| {MEASURES[k][0]} | {fmt_measure(k, m.get(k))} |" for k in MEASURES]
    for a in session["answers"]:
        lines += ["", f"## Question {a.get('index')}: {md_escape(a.get('question'))}", ""]
        fb = a.get("feedback") if isinstance(a.get("feedback"), dict) else None
        if a.get("skipped"):
            lines.append("Skipped: nothing was heard.")
        lines += [f"> {md_escape(p)}" for p in a.get("problems", [])]
        if fb is None:
            continue
        scores = fb.get("scores") or {}
        lines.append("Scores: " + ", ".join(f"{k} {'-' if v is None else v}" for k, v in scores.items()))
        findings = fb.get("findings", [])
        if findings:
            lines += ["", "### Work on these first", ""]
            for i, f in enumerate(findings, 1):
                when = f" ({fmt_time(f['start'])})" if f.get("start") is not None else ""
                lines.append(f"{i}. **{md_escape(f.get('severity'))}**: {md_escape(f.get('message'))}{when}")
        points = (fb.get("content") or {}).get("talking_points", [])
        if points:
            lines += ["", "### Talking points", ""]
            for p in points:
                mark = {True: "✓", False: "✗"}.get(p.get("covered"), "?")
                lines.append(f"- {mark} {md_escape(p.get('label'))}")
        lines += ["", "### Transcript", "", markdown_transcript(fb)]
    return "\n".join(lines) + "\n"


def markdown_transcript(fb: dict) -> str:
    """Fillers in bold, pauses in italics; every word escaped."""
    pauses = sorted(((fb.get("hesitation") or {}).get("pauses", [])), key=lambda p: p["start"])
    out, pi = [], 0
    for w in fb.get("words", []):
        while pi < len(pauses) and w.get("start") is not None and pauses[pi]["start"] <= w["start"]:
            out.append(f"*\\[pause {pauses[pi]['duration_s']:.1f} s\\]*")
            pi += 1
        text = md_escape(w.get("text"))
        out.append(f"**{text}**" if w.get("kind") == "filler" else text)
    return " ".join(out)


# ---------------------------------------------------------------- history page


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
