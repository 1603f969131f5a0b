"""Commands that look back: replay a session (more to come: history, compare, report)."""

from __future__ import annotations

import argparse

from .errors import UsageError


def add_parsers(sub, common) -> None:
    p = sub.add_parser("replay", help="show a saved session (`latest` for the last one)")
    p.add_argument("session", help="session id, 'latest' or session folder")
    p.add_argument("--question", type=int, metavar="N", help="only question N")
    p.add_argument("--play", action="store_true", help="play the question and the answer")
    p.add_argument("--output-device", help="speaker: index or name substring")
    common(p)


def cmd_replay(args) -> int:
    from rich.markup import escape

    from .cli import _store
    from .render import ConsoleUI, render_feedback
    from .session import load_session

    ui = ConsoleUI()
    store = _store(args)
    session = load_session(store.resolve(args.session))
    ui.session_start(f"Session {session['path'].name}",
                     f"{session.get('started', '?')} · {session.get('mode', '?')} · model {session.get('model', '?')}")
    player = None
    if args.play:
        from .playback import SpeakerPlayer

        player = SpeakerPlayer(args.output_device)
    answers = session["answers"]
    if args.question is not None:
        answers = [a for a in answers if a.get("index") == args.question]
        if not answers:
            raise UsageError(f"this session has no question {args.question}")
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
            from .audio import load_audio

            for name in ("question.wav", "answer.wav"):
                path = a["dir"] / name
                if path.is_file():
                    with ui.working(f"Playing {name}"):
                        player.play(load_audio(path))
    return 0


COMMANDS = {"replay": cmd_replay}
