"""What the person sees in the terminal: questions, a live listening line,
progress while working, and feedback. Renders the feedback JSON contract, so
a saved session replays exactly as it was shown."""

from __future__ import annotations

import contextlib
import sys
import time

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from voice_mock.review.formatting import fmt_time, voice_line

from .terminal import clean

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def level_bar(dbfs: float, width: int = 12) -> str:
    # -60 dBFS (silence) .. -10 dBFS (loud speech) mapped onto the bar.
    filled = int(round(min(1.0, max(0.0, (dbfs + 60) / 50)) * width))
    return "█" * filled + "·" * (width - filled)


def marked_transcript(feedback: dict, min_pause_s: float = 0.25) -> Text:
    """The answer's words with fillers highlighted and pauses shown inline."""
    text = Text()
    pauses = sorted(feedback.get("hesitation", {}).get("pauses", []), key=lambda p: p["start"])
    words = feedback.get("words", [])
    pi = 0
    for w in words:
        while pi < len(pauses) and pauses[pi]["start"] <= w["start"]:
            p = pauses[pi]
            if p["duration_s"] >= min_pause_s:
                text.append(f"[pause {p['duration_s']:.1f} s] ", style="magenta")
            pi += 1
        style = "bold yellow" if w.get("kind") == "filler" else None
        text.append(w["text"], style=style)
        text.append(" ")
    return text


class SafeConsole(Console):
    """A rich Console that never passes a control character from the text it
    prints (terminal.py); rich's own styling and cursor moves are separate
    control segments (or styles) and are left alone."""

    def _render_buffer(self, buffer) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(clean(segment.text), segment.style, segment.control)
            for segment in buffer
        )


class ConsoleUI:
    def __init__(self, console: Console | None = None, live: bool | None = None) -> None:
        self.console = console or SafeConsole(highlight=False)
        self.live = sys.stderr.isatty() if live is None else live
        self._last_status = 0.0

    # -- the loop's hooks ---------------------------------------------------
    def session_start(self, title: str, detail: str = "") -> None:
        self.console.rule(f"[bold]{escape(title)}")
        if detail:
            self.console.print(detail, style="dim")

    def question(self, index: int, total: int, question) -> None:
        self.console.print()
        self.console.print(f"[bold cyan]Question {index} of {total}[/]  [dim]({escape(question.bank)}/{escape(question.id)})[/]")
        self.console.print(f"  [bold]{escape(question.text)}[/]")

    def listening(self, endpoint) -> None:
        self.console.print(
            "  [green]● Listening[/] — answer out loud; stop when you are done (a finished sentence ends the"
            f" answer within a second, a pause mid-sentence is waited out up to {endpoint.end_silence_s:g} s),"
            " or press Enter.",
        )

    def status(self, s) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self._last_status < 0.1:
            return
        self._last_status = now
        state = "speaking" if s.speaking else ("pause" if s.started else "waiting for you to start")
        if getattr(s, "hint", None) and not s.speaking:
            state = s.hint  # "take your time — press Enter when you're done"
        line = f"\r  {fmt_time(s.elapsed_s)}  {level_bar(s.level_dbfs)} {s.level_dbfs:5.0f} dB  {state:<48}"
        sys.stderr.write(line)
        sys.stderr.flush()

    def stopped_listening(self, recording) -> None:
        if self.live:
            sys.stderr.write("\r" + " " * 92 + "\r")
        reasons = {
            "finished": "you paused", "enter": "you pressed Enter", "max_length": "the maximum length was reached",
            "no_speech": "nothing was heard", "source_ended": "the recording ended", "interrupted": "Ctrl-C",
        }
        self.console.print(
            f"  [dim]Recorded {fmt_time(recording.duration_s)} ({reasons.get(recording.end_reason, recording.end_reason)}).[/]"
        )

    def offer_repeat(self, lines) -> bool:
        self.console.print(
            "  [yellow]Nothing heard for a while.[/] Is the microphone on? "
            "Type [bold]r[/] and Enter to hear the question again, or just Enter to skip it."
        )
        if lines is None:
            return False
        answer = lines.read_line(timeout=60)
        return bool(answer) and answer.lower().startswith("r")

    def warn(self, message: str) -> None:
        self.console.print(f"  [yellow]{escape(message)}[/]")

    @contextlib.contextmanager
    def working(self, message: str):
        with self.console.status(f"{message}…", spinner="dots"):
            yield

    def feedback(self, question, fb: dict) -> None:
        render_feedback(self.console, fb)

    def summary(self, records, session_dir, report=None) -> None:
        self.console.print()
        self.console.rule("[bold]Session summary")
        table = Table(show_header=True, header_style="bold")
        for col in ("#", "question", "length", "wpm", "fillers", "overall"):
            table.add_column(col)
        for r in records:
            if r.analysis is None:
                table.add_row(str(r.index), escape(r.question.id), "-", "-", "-", "skipped")
                continue
            fb = r.feedback
            pacing, scores = fb.get("pacing", {}), fb.get("scores", {})
            wpm = pacing.get("words_per_minute")
            table.add_row(
                str(r.index), escape(r.question.id), fmt_time(pacing.get("duration_s")),
                f"{wpm:.0f}" if wpm else "-", filled_pauses(fb.get("hesitation", {}), short=True),
                str(scores.get("overall", "-")),
            )
        self.console.print(table)
        self.console.print(f"Session saved in [bold]{escape(str(session_dir))}[/]")
        if report is not None:
            self.console.print(f"Report (open in a browser): [bold]{escape(str(report))}[/]")
        self.console.print(f"Replay it with: voice-mock replay {escape(session_dir.name)}", style="dim")


def _items(console: Console, rows, indent: int = 4) -> None:
    """Marker + text rows whose wrapped lines stay under their text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for marker, text in rows:
        grid.add_row(marker, text)
    console.print(Padding(grid, (0, 0, 0, indent)))


def _evidence(item: dict) -> str:
    words = [e.get("text", "") for e in item.get("evidence", []) if e.get("text")]
    said = ", ".join(f'"{w}"' for w in words[:3])
    if item.get("method") == "meaning" and item.get("score") is not None:
        said += f" (by meaning, {item['score']:.2f})"  # no keyword: the sentence and how close it came
    return said


def filled_pauses(hes: dict, short: bool = False) -> str:
    """The filled pauses counted (as in the scores and `history`), and apart those only listed as
    possible (`[um?]` in the transcript): "0 (+2 possible)", short "0 +2?"."""
    listed = len(hes.get("filled_pauses", []))
    counted = hes.get("filled_pause_count")
    counted = listed if not isinstance(counted, int) else counted  # older feedback: no count saved
    possible = listed - counted
    if possible <= 0:
        return str(counted)
    return f"{counted} +{possible}?" if short else f"{counted} (+{possible} possible)"


def _delivery_line(fb: dict) -> str:
    pacing = fb.get("pacing", {})
    hes = fb.get("hesitation", {})
    if not pacing.get("duration_s"):
        words = fb.get("words", [])
        if words and all(w.get("start") is None for w in words):  # a typed answer: nothing was timed
            return f"typed answer · {pacing.get('word_count', len(words))} words"
        return "no speech found in the recording · nothing to time"
    wpm = pacing.get("words_per_minute")
    parts = [
        f"length {fmt_time(pacing.get('duration_s'))}",
        f"pace {wpm:.0f} wpm" if wpm else "pace -",
        f"filled pauses {filled_pauses(hes)}",
        f"filler phrases {len(hes.get('filler_phrases', []))}",
        f"pauses ≥1 s {sum(1 for p in hes.get('pauses', []) if p['duration_s'] >= 1.0)}",
    ]
    if pacing.get("response_latency_s") is not None:
        parts.append(f"started after {pacing['response_latency_s']:.1f} s")
    return " · ".join(parts)


def render_feedback(console: Console, fb: dict) -> None:
    """Three things to work on first, then the figures, the checklist and the marked transcript."""
    findings = fb.get("findings", [])
    if findings:
        console.print("  [bold]Work on these first:[/]")
        rows = []
        for i, f in enumerate(findings[:3], start=1):
            text = Text(f["message"], style=SEVERITY_STYLE.get(f.get("severity"), ""))
            if f.get("start") is not None:
                text.append(f" ({fmt_time(f['start'])}–{fmt_time(f['end'])})", style="dim")
            rows.append((f"{i}.", text))
        _items(console, rows, indent=3)
    console.print(Padding(Text(_delivery_line(fb), style="dim"), (0, 0, 0, 2)))
    voice = voice_line(fb)  # review/formatting.py
    if voice:
        console.print(Padding(Text(voice, style="dim"), (0, 0, 0, 2)))
        # At most one voice finding here: the first, unless it is already above.
        top = next((f for f in findings if f.get("rule", "").startswith("delivery.")), None)
        if top is not None and top not in findings[:3]:
            text = Text(top["message"], style=SEVERITY_STYLE.get(top.get("severity"), ""))
            if top.get("start") is not None:
                text.append(f" ({fmt_time(top['start'])}–{fmt_time(top['end'])})", style="dim")
            _items(console, [("♪", text)])
    ending = fb.get("ending")
    if isinstance(ending, dict) and ending.get("message"):
        # How the answer ended: "ended after 0.9 s: the sentence sounded finished".
        console.print(Padding(Text(f"Answer {ending['message']}.", style="dim"), (0, 0, 0, 2)))
    content = fb.get("content", {})
    points = content.get("talking_points", [])
    if points:
        judged = [p for p in points if p.get("covered") is not None]
        covered = [p for p in judged if p.get("covered")]
        console.print(f"  Talking points covered: {len(covered)} of {len(judged)}")
        rows = []
        for p in points:
            if p.get("covered"):
                rows.append(("[green]✓[/]", Text.assemble(p["label"], (f"  {_evidence(p)}", "dim"))))
            elif p.get("covered") is None:
                rows.append(("[dim]–[/]", Text.assemble((p["label"], "dim"), (f"  not judged: {p.get('reason', '')}", "dim"))))
            else:
                rows.append(("[red]✗[/]", Text.assemble(p["label"], (f"  {p.get('advice', '')}", "dim"))))
        for flag in content.get("red_flags", []):
            rows.append(("[bold red]⚑[/]", Text.assemble((flag["label"], "bold red"), (f"  you said {_evidence(flag)}", "dim"))))
        _items(console, rows)
    scores = fb.get("scores", {})
    if any(v is not None for v in scores.values()):
        console.print("  Scores: " + ", ".join(f"{k} {v}" for k, v in scores.items() if v is not None), style="bold")
    # Talking points and red flags are in the checklist above; say the rest once.
    # Voice findings beyond the first are in the report and the JSON.
    rest = [f for f in findings[3:] if f.get("rule") not in ("content.talking_point", "content.red_flag")
            and not f.get("rule", "").startswith("delivery.")]
    if rest:
        console.print("  [dim]Also:[/]")
        _items(console, [("-", Text(f["message"], style="dim")) for f in rest])
    if fb.get("words"):
        console.print("  [dim]Transcript:[/]")
        console.print(Padding(marked_transcript(fb), (0, 0, 0, 4)))
    measured = fb.get("measured") if isinstance(fb.get("measured"), dict) else {}
    notes = [n for n in measured.get("not_measured", []) if not str(n.get("item", "")).startswith("scores.")]
    if not fb.get("pacing", {}).get("duration_s"):
        # A typed answer: timing and voice are obviously not measured; what it says is, unless no
        # question (or company) was given, or content fell back to the keywords: said.
        notes = [n for n in notes if n.get("item") in ("content", "company")
                 or str(n.get("item", "")).startswith("meaning")]  # "meaning", "meaning-second"
        for n in notes:
            console.print(f"  [dim]· {escape(str(n.get('reason')))}[/]")
    elif notes:
        _items(console, [("[dim]·[/]", Text(f"Not measured ({n.get('item')}): {n.get('reason')}", style="dim")) for n in notes], indent=2)
