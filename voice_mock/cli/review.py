"""`voice-mock history`, `compare` and `report`: looking back over saved
sessions (review/), shown in the terminal or written as files."""

from __future__ import annotations

import json
import sys

from voice_mock.errors import UsageError, VoiceMockError

from .common import answer_of, load_session_ref, store_of, write_out


def cmd_history(args) -> int:
    from .render import SafeConsole as Console
    from rich.markup import escape
    from rich.table import Table

    from voice_mock.review.history import load_all, summarize, trends

    store = store_of(args)
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
        from .terminal import json_text

        print(json_text(json.dumps(data, indent=2, ensure_ascii=False)))
    console = Console(highlight=False, stderr=args.json)
    for p in problems:
        console.print(f"[yellow]{escape(p)}[/]")
    if args.html:
        from voice_mock.review.progress import history_html

        where = write_out(args.html, history_html(summaries, trend_list, problems, page=args.html))
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


def cmd_compare(args) -> int:
    from .render import SafeConsole as Console
    from rich.markup import escape
    from rich.table import Table

    from voice_mock.review.compare import compare_rows, parse_take

    store = store_of(args)
    takes = []
    for ref in args.takes:
        try:
            session_ref, n = parse_take(ref)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        session = load_session_ref(store, session_ref)
        answer = answer_of(session, n)
        if not isinstance(answer.get("feedback"), dict):
            from voice_mock.review.session import is_interrupted

            why = "skipped" if answer.get("skipped") else "missing"
            if is_interrupted(answer):
                why = f"interrupted before the analysis; `voice-mock replay {session['path'].name} --reanalyze` analyses it"
            raise VoiceMockError(f"{ref}: no feedback for this take ({why})")
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


def cmd_report(args) -> int:
    from voice_mock.review.export import export_json, session_markdown
    from voice_mock.review.report_html import write_session_report

    store = store_of(args)
    session = load_session_ref(store, args.session)
    written = []
    if args.json:
        written.append(("JSON", write_out(args.json, export_json(session), is_json=True)))
    if args.markdown:
        written.append(("Markdown", write_out(args.markdown, session_markdown(session))))
    if args.html or not (args.json or args.markdown):
        from .render import ConsoleUI, SafeConsole

        # The answers' audio is encoded into the page: about a second a session. The spinner goes
        # to stderr, so a report sent to stdout (`--markdown -`) stays clean.
        try:
            with ConsoleUI(SafeConsole(stderr=True, highlight=False)).working("Writing the HTML report"):
                path = write_session_report(session["path"], args.html)
        except OSError as exc:
            raise VoiceMockError(f"cannot write the report: {exc.strerror or exc}") from None
        written.append(("HTML report", str(path)))
    out = sys.stderr if any(where == "stdout" for _, where in written) else sys.stdout
    for kind, where in written:
        if where != "stdout":
            print(f"{kind} written to {where}", file=out)
    return 0
