"""A session's HTML report: one self-contained file (export.py writes the
JSON and Markdown, progress.py the history page).

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
import io
from pathlib import Path

from voice_mock.files import write_atomic

from .formatting import esc, fmt_time, num, voice_line
from .history import MEASURES, fmt_measure, summarize
from .session import is_interrupted, load_session
from .timeline import loudness_envelope, timeline_svg

REPORT_FILE = "report.html"
MP3_QUALITY = 0.7  # libsndfile compression level: about 25 kbit/s at 16 kHz, clear speech


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
    if is_interrupted(answer) and fb is None:
        out.append("<p class=na>Interrupted before the analysis: <code>voice-mock replay "
                   f"{esc(answer['dir'].parent.name if folder else '')} --reanalyze</code> analyses it.</p>")
    for problem in answer.get("problems", []):
        out.append(f"<p class=notes>{esc(problem)}</p>")
    if fb is None:
        out.append("</section>")
        return "\n".join(out)
    envelope, length = loudness_envelope(folder / "answer.wav") if folder and (folder / "answer.wav").is_file() else ([], 0.0)
    duration = max(length, (tr or {}).get("duration_s") or 0.0, max((w.get("end") or 0 for w in fb.get("words", [])), default=0))
    if duration > 0 and any(w.get("start") is not None for w in fb.get("words", [])):
        out.append(timeline_svg(fb, tr, envelope, duration))
        out.append("<div class=label>Loudness; <span style='color:#8e44ad'>pitch</span> (semitones around your "
                   "median; shaded: flat stretches; ↗ rising end, ↘ faded end); <span style='color:#2e9d5b'>speech</span>; "
                   "<span style='color:#a569bd'>pauses</span>; <span style='color:#e67e22'>fillers</span>; "
                   "<span style='color:#3366cc'>pace</span> (shaded: 120-160 wpm). Click to play from there.</div>")
    voice = voice_line(fb)
    if voice:
        out.append(f"<p class=voice>{esc(voice)}</p>")
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
            when = f" <span class=seek data-t='{num(f['start'])}'>{esc(fmt_time(f['start']))}</span>"
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
            out.append(f"<span class=pause data-t='{num(p['start'])}'>[pause {p['duration_s']:.1f} s]</span>")
            pi += 1
        attrs = f" class='{' '.join(['w', *sorted(classes)])}'"
        if w.get("start") is not None:
            attrs += f" data-t='{num(w['start'])}'"
        title = "; ".join(dict.fromkeys(labels))
        if title:
            attrs += f" title='{esc(title)}'"
        out.append(f"<span{attrs}>{esc(w.get('text'))}</span>")
    return " ".join(out)


def write_session_report(session_dir: Path, target: Path | None = None) -> Path:
    """report.html in the session folder (or `target`); returns its path. Called after each session."""
    session_dir = Path(session_dir)
    target = Path(target) if target else session_dir / REPORT_FILE
    _write_text(target, session_html(load_session(session_dir)))
    return target


def _write_text(path: Path, text: str) -> None:
    write_atomic(path, text)  # whole or not at all; no temp file left on a full disk


