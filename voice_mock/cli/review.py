"""Commands that look back: replay (and re-analyse) a session, history,
compare two takes, and reports. cli.py registers them through `add_parsers`
and `COMMANDS`; errors are raised as VoiceMockError/UsageError for cli.py to
print in one line.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

from voice_mock.errors import UsageError, VoiceMockError


def add_parsers(sub, common) -> None:
    p = sub.add_parser("replay", help="show a saved session (`latest` for the last one)")
    p.add_argument("session", help="session id, 'latest' or session folder")
    p.add_argument("--question", type=int, metavar="N", help="only question N")
    p.add_argument("--play", action="store_true", help="play the question and the answer, the transcript following along")
    p.add_argument("--reanalyze", action="store_true",
                   help="recompute the feedback from the saved transcript with today's rules and banks "
                        "(the old feedback is kept as feedback-<time>.json)")
    p.add_argument("--output-device", help="speaker: index or name substring")
    common(p)

    p = sub.add_parser("history", help="your sessions and how your measures moved since your first ones")
    p.add_argument("--json", action="store_true", help="print sessions, trends and skipped sessions as JSON")
    p.add_argument("--html", type=Path, metavar="FILE", help="write the progress page (charts) to FILE")
    common(p)

    p = sub.add_parser("compare", help="two takes of a question side by side (a take is SESSION:N)")
    p.add_argument("takes", nargs=2, metavar="TAKE", help="SESSION:N, e.g. latest:1")
    common(p)

    p = sub.add_parser("report", help="a session as HTML (audio, clickable transcript, timeline), JSON or Markdown")
    p.add_argument("session", help="session id, 'latest' or session folder")
    p.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report here (default: report.html in the session folder)")
    p.add_argument("--json", metavar="FILE", help="write the JSON export here ('-' for stdout)")
    p.add_argument("--markdown", metavar="FILE", help="write the Markdown report here ('-' for stdout)")
    common(p)


# ---------------------------------------------------------------- shared


def _store(args):
    from .main import _store as store

    return store(args)


def _load(store, ref: str) -> dict:
    """A session by reference, or a one-line error when it cannot be used."""
    from voice_mock.review.history import load_checked

    session, problem = load_checked(store.resolve(ref))
    if session is None:
        raise VoiceMockError(problem)
    return session


def _write(path, text: str) -> str:
    if str(path) == "-":
        sys.stdout.write(text)
        return "stdout"
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise VoiceMockError(f"cannot write {path}: {exc.strerror}") from None
    return str(path)


def _answer(session: dict, n: int) -> dict:
    for a in session["answers"]:
        if a.get("index") == n:
            return a
    raise UsageError(f"session {session['path'].name} has no question {n} (it has {len(session['answers'])})")


# ---------------------------------------------------------------- replay


def cmd_replay(args) -> int:
    from rich.markup import escape

    from .render import ConsoleUI, render_feedback

    ui = ConsoleUI()
    store = _store(args)
    session = _load(store, args.session)
    ui.session_start(f"Session {session['path'].name}",
                     f"{session.get('started', '?')} · {session.get('mode', '?')} · model {session.get('model', '?')}")
    player = None
    if args.play:
        from voice_mock.audio.playback import SpeakerPlayer

        player = SpeakerPlayer(args.output_device)
    answers = session["answers"]
    if args.question is not None:
        answers = [_answer(session, args.question)]
    if args.reanalyze:
        reanalyze(store, session, answers, ui)
    for a in answers:
        ui.console.print()
        ui.console.print(f"[bold cyan]Question {a.get('index')}[/] [dim]({escape(str(a.get('question_id')))})[/]")
        ui.console.print(f"  [bold]{escape(str(a.get('question', '')))}[/]")
        if a.get("skipped"):
            ui.console.print("  [dim]Skipped: nothing was heard.[/]")
        elif a.get("feedback") is not None:
            render_feedback(ui.console, a["feedback"])
        for problem in a.get("problems", []):
            ui.console.print(f"  [yellow]{escape(problem)}[/]")
        if player is not None:
            play_answer(player, a, ui)
    return 0


def play_answer(player, answer: dict, ui) -> None:
    """The question (blocking), then the answer with its words printed as they are heard."""
    from voice_mock.audio.formats import load_audio

    question, recording = answer["dir"] / "question.wav", answer["dir"] / "answer.wav"
    if question.is_file():
        with ui.working("Playing the question"):
            player.play(load_audio(question))
    if not recording.is_file():
        ui.warn("no answer.wav to play")
        return
    audio = load_audio(recording)
    words = (answer.get("feedback") or {}).get("words") or (answer.get("transcript") or {}).get("words") or []
    ui.console.print("  [dim]Playing your answer:[/]")
    # The player blocks until done, so it runs in a thread and the clock follows it here.
    failed: list[Exception] = []

    def run() -> None:  # an error in the thread is raised again here, as one line, not a thread traceback
        try:
            player.play(audio)
        except Exception as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True, name="replay-audio")
    thread.start()
    try:
        follow_words(words, lambda text, filler: ui.console.print(
            text, style="bold yellow" if filler else None, end=" ", soft_wrap=True, markup=False, highlight=False), done=lambda: not thread.is_alive())
    except KeyboardInterrupt:
        _stop_audio()
        raise
    thread.join()
    ui.console.print()
    if failed:
        raise failed[0]


def _stop_audio() -> None:
    try:
        import sounddevice as sd

        sd.stop()
    except Exception:
        pass


def follow_words(words: list[dict], emit, clock=time.monotonic, sleep=time.sleep, done=lambda: False) -> int:
    """Call emit(text, is_filler) for each word once the clock passes its start; returns words emitted.

    Stops early (emitting the rest at once) when done() says playback ended.
    """
    start = clock()
    emitted = 0
    for w in words:
        t = w.get("start")
        while t is not None and clock() - start < t and not done():
            sleep(min(0.05, max(0.0, t - (clock() - start))))
        emit(w.get("text", ""), w.get("kind") == "filler")
        emitted += 1
    return emitted


def reanalyze(store, session: dict, answers: list[dict], ui) -> None:
    """New feedback from each saved transcript; the old file kept beside it; changes shown."""
    from rich.markup import escape

    from voice_mock.banks import BankError, find_company, find_question, load_companies
    from .main import _banks
    from voice_mock.review.history import feedback_changes
    from voice_mock.interview.pipeline import analyze_measured, speech_from_dict, steady_from_dict, words_from_dict
    from voice_mock.review.session import read_json, write_json_atomic
    from voice_mock.types import Question

    banks = _banks(_NoBank(), store)
    company = None
    if session.get("company"):
        try:
            company = find_company(load_companies(extra_dirs=[store.data_dir / "companies"]), session["company"])
        except BankError as exc:
            ui.warn(f"{exc}: re-analysed without the company profile")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    scores = {}
    for a in answers:
        transcript = a.get("transcript")
        if a.get("skipped") or not isinstance(transcript, dict):
            continue
        try:
            question = find_question(banks, a["question_id"])
        except BankError:
            ui.warn(f"question {a['question_id']} is no longer in the banks: content judged without its talking points")
            question = Question(id=a["question_id"], text=a.get("question", ""), bank=a.get("bank", ""))
        old = a.get("feedback")
        try:
            words, speech = words_from_dict(transcript), speech_from_dict(transcript)
            duration = float(transcript["duration_s"])
        except (KeyError, TypeError, ValueError) as exc:
            ui.warn(f"question {a.get('index')}: transcript.json is malformed ({exc}); not re-analysed")
            continue
        latency = ((old or {}).get("pacing") or {}).get("response_latency_s")
        if latency is None and speech:
            latency = speech[0].start
        with ui.working(f"Re-analysing question {a.get('index')}"):
            steady = steady_from_dict(transcript)
            if steady is None and (a["dir"] / "answer.wav").is_file():
                # A session saved before held sounds were measured: measure them now.
                from voice_mock.speech.acoustics import steady_voiced
                from voice_mock.audio.formats import AudioError, load_audio

                try:
                    steady = steady_voiced(load_audio(a["dir"] / "answer.wav"), speech)
                except AudioError:
                    steady = None
            new = analyze_measured(words, speech, duration, question, company, latency,
                                   steady=steady).feedback.to_dict()
        folder = a["dir"]
        if (folder / "feedback.json").is_file():
            (folder / "feedback.json").replace(folder / f"feedback-{stamp}.json")
        write_json_atomic(folder / "feedback.json", new)
        changes = feedback_changes(old, new)
        ui.console.print(f"[bold]Question {a.get('index')} re-analysed[/] "
                         f"[dim](previous feedback kept as feedback-{stamp}.json)[/]")
        for line in changes or ["no change in the measures, talking points or findings"]:
            ui.console.print(f"  {escape(line)}")
        a["feedback"] = new
        scores[a.get("index")] = new.get("scores")
    if scores:  # keep session.json's per-answer scores in step with the new feedback
        meta_path = session["path"] / "session.json"
        meta = read_json(meta_path)
        for entry in meta.get("answers", []):
            if entry.get("index") in scores:
                entry["scores"] = scores[entry["index"]]
                entry["reanalyzed"] = stamp
        write_json_atomic(meta_path, meta)
        from voice_mock.review.report_html import REPORT_FILE, write_session_report

        if (session["path"] / REPORT_FILE).is_file():  # a stale report would contradict the new feedback
            write_session_report(session["path"])


class _NoBank:
    """cli._banks reads --bank from args; a re-analysis uses the installed banks only."""

    bank = None


# ---------------------------------------------------------------- history


def cmd_history(args) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from voice_mock.review.history import load_all, summarize, trends

    store = _store(args)
    sessions, problems = load_all(store)
    summaries = [summarize(s) for s in sessions]
    trend_list = trends(summaries)
    if args.json:
        data = {
            "sessions": [{"id": s.id, "started": s.started, "mode": s.mode, "bank": s.bank, "company": s.company,
                          "questions": s.questions, "answered": s.answered, "measures": s.measures} for s in summaries],
            "trends": [{"measure": t.measure, "baseline": t.baseline, "baseline_sessions": t.baseline_n,
                        "latest": t.latest, "change": t.change, "message": t.message} for t in trend_list],
            "skipped": problems,
        }
        print(json.dumps(data, indent=2, ensure_ascii=False))
    console = Console(highlight=False, stderr=args.json)
    for p in problems:
        console.print(f"[yellow]{escape(p)}[/]")
    if args.html:
        from voice_mock.review.report_html import history_html

        where = _write(args.html, history_html(summaries, trend_list, problems, page=args.html))
        console.print(f"Progress page written to [bold]{escape(where)}[/]")
    if args.json:
        return 0
    if not summaries:
        console.print(f"No sessions yet in {escape(str(store.sessions_dir))}. Try `voice-mock demo`.")
        return 0
    from rich import box

    table = Table(show_header=True, header_style="bold", box=box.SIMPLE, padding=(0, 1, 0, 1), pad_edge=False, collapse_padding=True)
    # The session id starts with its date and time, so no date column; units in the headers.
    table.add_column("session", no_wrap=True)
    for col in ("bank", "done", "wpm", "fill/min", "pause/min", "points", "score"):
        table.add_column(col, justify="left" if col == "bank" else "right")
    for s in summaries:
        m = s.measures
        num = lambda v, f="{:.0f}": "-" if v is None else f.format(v)
        table.add_row(escape(s.id), escape(s.bank), f"{s.answered}/{s.questions}", num(m.get("wpm")),
                      num(m.get("fillers_per_min"), "{:.1f}"), num(m.get("long_pauses_per_min"), "{:.1f}"),
                      num(m.get("points_covered"), "{:.0f}%"), num(m.get("overall")))
    console.print(table)
    shown = [t for t in trend_list if t.baseline is not None]
    for t in shown:
        console.print(f"  {escape(t.message)}")
    if not shown:
        console.print("  [dim]Trends against your own baseline appear from your second session.[/]")
    return 0


# ---------------------------------------------------------------- compare


def cmd_compare(args) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from voice_mock.review.history import compare_rows, parse_take

    store = _store(args)
    takes = []
    for ref in args.takes:
        try:
            session_ref, n = parse_take(ref)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        session = _load(store, session_ref)
        answer = _answer(session, n)
        if not isinstance(answer.get("feedback"), dict):
            raise VoiceMockError(f"{ref}: no feedback for this take ({'skipped' if answer.get('skipped') else 'missing'})")
        takes.append((f"{session['path'].name}:{n}", answer))
    console = Console(highlight=False)
    (name_a, a), (name_b, b) = takes
    if a.get("question_id") != b.get("question_id"):
        console.print("[yellow]These takes answer different questions: compare delivery, not talking points.[/]")
    table = Table(show_header=True, header_style="bold")
    for col in ("", name_a, name_b, "change"):
        table.add_column(escape(col))
    for row in compare_rows(a, b):
        table.add_row(*(escape(str(c)) for c in row))
    console.print(table)
    return 0


# ---------------------------------------------------------------- report


def cmd_report(args) -> int:
    from voice_mock.review.report_html import export_json, session_markdown, write_session_report

    store = _store(args)
    session = _load(store, args.session)
    written = []
    if args.json:
        written.append(("JSON", _write(args.json, export_json(session))))
    if args.markdown:
        written.append(("Markdown", _write(args.markdown, session_markdown(session))))
    if args.html or not (args.json or args.markdown):
        try:
            path = write_session_report(session["path"], args.html)
        except OSError as exc:
            raise VoiceMockError(f"cannot write the report: {exc.strerror or exc}") from None
        written.append(("HTML report", str(path)))
    out = sys.stderr if any(where == "stdout" for _, where in written) else sys.stdout
    for kind, where in written:
        if where != "stdout":
            print(f"{kind} written to {where}", file=out)
    return 0


# ---------------------------------------------------------------- retry (wired in cli.py)


def retry_questions(store, ref: str, banks) -> list:
    """The questions of SESSION (or only question N of SESSION:N) to answer again.

    A question no longer in the banks is asked again from its saved text
    (its talking points are then unknown).
    """
    from voice_mock.banks import BankError, find_question
    from voice_mock.review.history import parse_take
    from voice_mock.types import Question

    n = None
    if ":" in ref and ref.rpartition(":")[2].isdigit():
        try:
            ref, n = parse_take(ref)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    session = _load(store, ref)
    answers = [_answer(session, n)] if n is not None else session["answers"]
    questions = []
    for a in answers:
        try:
            questions.append(find_question(banks, a["question_id"]))
        except BankError:
            questions.append(Question(id=a["question_id"], text=a.get("question") or a["question_id"], bank=a.get("bank") or ""))
    if not questions:
        raise VoiceMockError(f"session {session['path'].name} has no questions to retry")
    return questions


COMMANDS = {"replay": cmd_replay, "history": cmd_history, "compare": cmd_compare, "report": cmd_report}
