"""What the person sees in the terminal: questions, a live listening line,
progress while working, and feedback. Renders the feedback JSON contract, so
a saved session replays exactly as it was shown."""

from __future__ import annotations

import contextlib
import sys
import time

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = max(0.0, float(seconds))
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


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


class ConsoleUI:
    def __init__(self, console: Console | None = None, live: bool | None = None) -> None:
        self.console = console or Console(highlight=False)
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
            f"  [green]● Listening[/] — answer out loud; pause {endpoint.end_silence_s:g} s or press Enter to finish.",
        )

    def status(self, s) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self._last_status < 0.1:
            return
        self._last_status = now
        state = "speaking" if s.speaking else ("pause" if s.started else "waiting for you to start")
        line = f"\r  {fmt_time(s.elapsed_s)}  {level_bar(s.level_dbfs)} {s.level_dbfs:5.0f} dB  {state:<26}"
        sys.stderr.write(line)
        sys.stderr.flush()

    def stopped_listening(self, recording) -> None:
        if self.live:
            sys.stderr.write("\r" + " " * 70 + "\r")
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
            fb = r.analysis.feedback.to_dict()
            pacing, scores = fb.get("pacing", {}), fb.get("scores", {})
            wpm = pacing.get("words_per_minute")
            table.add_row(
                str(r.index), escape(r.question.id), fmt_time(pacing.get("duration_s")),
                f"{wpm:.0f}" if wpm else "-", str(len(fb.get("hesitation", {}).get("filled_pauses", []))),
                str(scores.get("overall", "-")),
            )
        self.console.print(table)
        self.console.print(f"Session saved in [bold]{escape(str(session_dir))}[/]")
        if report is not None:
            self.console.print(f"Report (open in a browser): [bold]{escape(str(report))}[/]")
        self.console.print(f"Replay it with: voice-mock replay {escape(session_dir.name)}", style="dim")


def render_feedback(console: Console, fb: dict) -> None:
    """Three things to work on first, then the figures and the marked transcript."""
    findings = fb.get("findings", [])
    if findings:
        console.print("  [bold]Work on these first:[/]")
        for i, f in enumerate(findings[:3], start=1):
            style = SEVERITY_STYLE.get(f.get("severity"), "")
            where = f" [dim]({fmt_time(f['start'])}–{fmt_time(f['end'])})[/]" if f.get("start") is not None else ""
            console.print(f"   {i}. [{style}]{escape(f['message'])}[/]{where}")
    pacing = fb.get("pacing", {})
    hes = fb.get("hesitation", {})
    scores = fb.get("scores", {})
    wpm = pacing.get("words_per_minute")
    parts = [
        f"length {fmt_time(pacing.get('duration_s'))}",
        f"pace {wpm:.0f} wpm" if wpm else "pace -",
        f"fillers {len(hes.get('filled_pauses', [])) + len(hes.get('filler_phrases', []))}",
        f"pauses ≥1 s {sum(1 for p in hes.get('pauses', []) if p['duration_s'] >= 1.0)}",
    ]
    if pacing.get("response_latency_s") is not None:
        parts.append(f"start after {pacing['response_latency_s']:.1f} s")
    console.print("  " + " · ".join(parts), style="dim")
    content = fb.get("content", {})
    points = content.get("talking_points", [])
    if points:
        covered = [p for p in points if p.get("covered")]
        console.print(f"  Talking points covered: {len(covered)} of {len(points)}")
        for p in points:
            mark = {True: "[green]✓[/]", False: "[red]✗[/]", None: "[dim]?[/]"}[p.get("covered")]
            console.print(f"    {mark} {escape(p['label'])}")
    for flag in content.get("red_flags", []):
        console.print(f"    [bold red]⚑ {escape(flag['label'])}[/]")
    if scores:
        console.print(
            "  Scores: " + ", ".join(f"{k} {v}" for k, v in scores.items() if v is not None), style="bold"
        )
    if len(findings) > 3:
        console.print("  [dim]Also:[/]")
        for f in findings[3:]:
            console.print(f"    - {escape(f['message'])}", style="dim")
    console.print("  [dim]Transcript:[/]")
    console.print(marked_transcript(fb), style=None)
    measured = fb.get("measured") if isinstance(fb.get("measured"), dict) else {}
    for note in measured.get("not_measured", []):
        if str(note.get("item", "")).startswith("scores."):
            continue  # the reason is already given for the measure itself
        console.print(f"  [dim]Not measured ({escape(str(note.get('item')))}): {escape(str(note.get('reason')))}[/]")
