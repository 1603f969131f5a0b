"""A session as a JSON export (and read back) and as Markdown, every text
escaped so it shows as typed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .formatting import fmt_time, voice_line
from .history import MEASURES, fmt_measure, summarize
from .session import is_interrupted

EXPORT_VERSION = 1


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
        if is_interrupted(a) and fb is None:
            lines.append(f"Interrupted before the analysis: run voice-mock replay {md_escape(sid)} --reanalyze to analyse it.")
        lines += [f"> {md_escape(p)}" for p in a.get("problems", [])]
        if fb is None:
            continue
        scores = fb.get("scores") or {}
        lines.append("Scores: " + ", ".join(f"{md_escape(k)} {'-' if v is None else md_escape(v)}" for k, v in scores.items()))
        voice = voice_line(fb)
        if voice:
            lines += ["", md_escape(voice)]
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
