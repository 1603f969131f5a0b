"""Command line. Library errors become a one-line message and an exit code
here, and only here. Heavy modules are imported inside the commands so that
`voice-mock --help` stays instant."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from voice_mock import __version__
from voice_mock.errors import UsageError, VoiceMockError

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES_DIR = REPO_ROOT / "samples"


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
    p.add_argument("--model", help="faster-whisper model folder or name (default: bundled tiny.en)")
    p.add_argument("--end-silence", type=float, metavar="S", help="seconds of silence that end an answer (default 2.5)")
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
    p.add_argument("--model", help="faster-whisper model folder or name")
    p.add_argument("--json", action="store_true", help="print the feedback as JSON")
    _common(p)

    p = sub.add_parser("evaluate", help="measure the analysis against the ground truth of the bundled samples")
    p.add_argument("--samples", type=Path, default=SAMPLES_DIR, help="folder of <id>.flac + <id>.json")
    p.add_argument("--model", help="faster-whisper model folder or name")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    _common(p)

    # replay, history, compare, report: the review commands live in review.py
    from . import review as review_cli

    review_cli.add_parsers(sub, _common)

    p = sub.add_parser("devices", help="list audio input and output devices")
    _common(p)

    p = sub.add_parser("banks", help="list question banks, questions and company profiles")
    p.add_argument("--bank", help="show the questions of this bank only")
    _common(p)
    return parser


# -- shared helpers ---------------------------------------------------------

def _store(args):
    from voice_mock.review.session import Store, default_data_dir

    return Store(args.data_dir or default_data_dir())


def _banks(args, store):
    from voice_mock.banks import load_banks

    extra_files = []
    bank = getattr(args, "bank", None)
    if bank and bank.endswith(".toml"):
        extra_files.append(Path(bank))
    problems: list = []
    banks = load_banks(extra_dirs=[store.data_dir / "banks"], extra_files=extra_files, errors=problems)
    for problem in problems:  # one broken user file should not hide the rest
        _warn(f"skipped: {problem}")
    return banks


def _company(args, store):
    if not getattr(args, "company", None):
        return None
    from voice_mock.banks import find_company, load_companies

    return find_company(load_companies(extra_dirs=[store.data_dir / "companies"]), args.company)


def _bank_id(args, banks) -> str | None:
    bank = getattr(args, "bank", None)
    if bank and bank.endswith(".toml"):
        from voice_mock.banks import load_bank

        return load_bank(Path(bank)).id
    return bank


def _transcriber(args, ui, background: bool = False):
    """The speech model, loaded and warmed up.

    With `background`, the default model loads while the first question is
    being spoken (a load error then surfaces at the first answer, as one
    line). A model named with --model loads in front, with a spinner: it may
    need a download, and its errors should come before any question.
    """
    import threading

    from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber

    t = WhisperTranscriber(WhisperSettings(model=args.model))
    if background and args.model is None:
        threading.Thread(target=_warm_quietly, args=(t,), daemon=True, name="model-warm-up").start()
        return t
    with ui.working(f"Loading the speech model ({t.name})"):
        t.warm_up()
    return t


def _warm_quietly(transcriber) -> None:
    try:
        transcriber.warm_up()
    except Exception:  # raised again, as one line, where the model is first used
        logging.getLogger("voice_mock").debug("background model load failed", exc_info=True)


def _user_config(args, store):
    from voice_mock.settings import load_user_config

    return load_user_config(args.config, store.data_dir)


def _loop_settings(args, config):
    from voice_mock.interview.loop import LoopSettings

    for value in (args.end_silence, args.max_answer):
        if value is not None and value <= 0:
            raise UsageError("--end-silence and --max-answer must be positive")
    return LoopSettings(endpoint=config.endpoint_settings(end_silence_s=args.end_silence, max_answer_s=args.max_answer))


def _choose_questions(args, banks):
    from voice_mock.banks import find_question, pick_questions

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if getattr(args, "retry", None):
        from .review import retry_questions

        return retry_questions(_store(args), args.retry, banks)
    if args.question:
        return [find_question(banks, qid) for qid in args.question]
    return pick_questions(banks, _bank_id(args, banks), args.count, seed=args.seed)


def _write_report(session_dir: Path) -> Path | None:
    """The HTML report of a finished session; a failure here must not spoil the session."""
    from voice_mock.review.report_html import write_session_report

    try:
        return write_session_report(session_dir)
    except Exception as exc:
        logging.getLogger("voice_mock").debug("report failed", exc_info=True)
        _warn(f"could not write the HTML report: {exc}")
        return None


# -- commands ---------------------------------------------------------------

def cmd_demo(args) -> int:
    import json

    from voice_mock.audio.formats import load_audio
    from voice_mock.banks import find_question
    from voice_mock.interview.loop import run_interview
    from voice_mock.audio.playback import NullPlayer
    from .render import ConsoleUI
    from voice_mock.audio.sources import array_source
    from voice_mock.speech.tts import SpeakerChain
    from voice_mock.audio.vad import StreamingVad

    ui = ConsoleUI()
    store = _store(args)
    store.ensure_writable()
    banks = _banks(args, store)
    company = _company(args, store)
    truths = sorted(SAMPLES_DIR.glob("*.json"), key=lambda p: (p.stem.startswith("hard-"), p.stem))
    if not truths:
        raise VoiceMockError(f"no sample answers in {SAMPLES_DIR}")
    if args.count < 1:
        raise UsageError("--count must be at least 1")
    chosen = [json.loads(p.read_text()) for p in truths[: args.count]]
    questions = [find_question(banks, s["question_id"]) for s in chosen]
    clips = [load_audio(SAMPLES_DIR / f"{s['id']}.flac") for s in chosen]
    config = _user_config(args, store)
    settings = _loop_settings(args, config)
    ui.session_start("voice-mock demo", "Bundled sample answers stand in for your microphone; nothing is played or recorded.")
    transcriber = _transcriber(args, ui)
    session_dir = store.new_session("demo")
    # A sample answer ends as a person does: by falling silent.
    answers = lambda i, q: array_source(clips[i - 1], trailing_silence_s=settings.endpoint.end_silence_s + 0.5)
    records = run_interview(questions, answers, SpeakerChain(args.voice, warn=_warn), NullPlayer(), transcriber,
                            StreamingVad(), session_dir, ui, mode="demo", bank="samples", company=company,
                            settings=settings, analysis_config=config.analysis)
    with ui.working("Writing the HTML report"):
        report = _write_report(session_dir)
    ui.summary(records, session_dir, report)
    return 0


def cmd_practice(args) -> int:
    from voice_mock.interview.loop import LineListener, run_interview
    from voice_mock.audio.playback import NullPlayer, SpeakerPlayer
    from .render import ConsoleUI
    from voice_mock.audio.sources import Microphone
    from voice_mock.speech.tts import SpeakerChain
    from voice_mock.audio.vad import StreamingVad

    ui = ConsoleUI()
    store = _store(args)
    store.ensure_writable()
    banks = _banks(args, store)
    company = _company(args, store)
    questions = _choose_questions(args, banks)
    config = _user_config(args, store)
    settings = _loop_settings(args, config)
    player = SpeakerPlayer(args.output_device) if args.voice != "none" else None
    mic = Microphone(args.input_device)
    ui.session_start("voice-mock practice", f"Microphone: {mic.name}. Everything stays on this machine.")
    transcriber = _transcriber(args, ui, background=True)
    session_dir = store.new_session(_bank_id(args, banks) or "practice")
    lines = LineListener()

    def answers(i, q):
        mic.drain()  # the question's own echo is not the answer
        return mic.blocks()

    with mic:
        records = run_interview(questions, answers, SpeakerChain(args.voice, warn=_warn), player or NullPlayer(),
                                transcriber, StreamingVad(), session_dir, ui, mode="practice",
                                bank=_bank_id(args, banks) or "mixed", company=company, settings=settings,
                                lines=lines, analysis_config=config.analysis)
    with ui.working("Writing the HTML report"):
        report = _write_report(session_dir)
    ui.summary(records, session_dir, report)
    return 0


def cmd_analyze(args) -> int:
    import json

    from voice_mock.banks import find_question
    from .render import ConsoleUI, render_feedback

    ui = ConsoleUI()
    store = _store(args)
    given = [x for x in (args.audio, args.text, args.text_file) if x is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of: an audio file, --text, --text-file")
    banks = _banks(args, store)
    question = find_question(banks, args.question) if args.question else None
    company = _company(args, store)
    config = _user_config(args, store)
    if args.audio is None:
        from voice_mock.analysis import analyze_text

        if args.text_file is not None:
            try:
                text = args.text_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise VoiceMockError(f"{args.text_file}: cannot read ({exc})") from None
        else:
            text = args.text
        if not text.strip():
            raise UsageError("the typed answer is empty")
        feedback = analyze_text(text, question=question, company=company, config=config.analysis).to_dict()
    else:
        from voice_mock.audio.formats import load_audio
        from voice_mock.interview.pipeline import analyze_audio
        from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber

        audio = load_audio(args.audio)
        if len(audio) < 1600:
            raise VoiceMockError(f"{args.audio}: too short to analyse ({len(audio) / 16000:.2f} s)")
        transcriber = WhisperTranscriber(WhisperSettings(model=args.model))
        with ui.working(f"Loading the speech model ({transcriber.name})"):
            transcriber.load()
        with ui.working(f"Transcribing {len(audio) / 16000:.0f} s of audio"):
            feedback = analyze_audio(audio, transcriber, question, company, config=config.analysis).feedback.to_dict()
    if args.json:
        print(json.dumps(feedback, indent=2, ensure_ascii=False))
    else:
        render_feedback(ui.console, feedback)
    return 0


def cmd_evaluate(args) -> int:
    import json
    from dataclasses import asdict

    from voice_mock.evaluation.runner import evaluate, render_table
    from .render import ConsoleUI

    ui = ConsoleUI()
    if not args.samples.is_dir():
        raise UsageError(f"{args.samples}: not a folder")
    transcriber = _transcriber(args, ui)
    banks = _banks(args, _store(args))
    with ui.console.status("Evaluating…") as status:
        scores, totals = evaluate(args.samples, transcriber, banks,
                                  progress=lambda i, n, name: status.update(f"Evaluating sample {i} of {n}: {name}"))
    if not scores:
        raise VoiceMockError(f"no samples (<id>.flac with <id>.json) in {args.samples}")
    if args.json:
        print(json.dumps({"samples": [asdict(s) for s in scores], "totals": asdict(totals)}, indent=2))
    else:
        render_table(ui.console, scores, totals)
    return 0


def cmd_devices(args) -> int:
    try:
        import sounddevice as sd
    except OSError as exc:  # PortAudio library missing
        raise VoiceMockError(f"audio is unavailable: {exc}") from None
    devices = sd.query_devices()
    if len(devices) == 0:
        print("No audio devices found.")
        return 1
    default_in, default_out = sd.default.device
    for i, d in enumerate(devices):
        marks = ("<" if i == default_in else " ") + (">" if i == default_out else " ")
        print(f"{marks} {i:2d} {d['name']} ({d['max_input_channels']} in, {d['max_output_channels']} out)")
    print("< default input, > default output")
    return 0


def cmd_banks(args) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.padding import Padding
    from rich.table import Table

    from voice_mock.banks import load_companies

    console = Console(highlight=False)
    store = _store(args)
    banks = _banks(args, store)
    only = _bank_id(args, banks)
    if only and only not in banks:
        raise UsageError(f"unknown bank '{only}' (have: {', '.join(sorted(banks))})")

    def rows(pairs):
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for left, right in pairs:
            grid.add_row(left, right)
        console.print(Padding(grid, (0, 0, 0, 4)))

    for bank in sorted(banks.values(), key=lambda b: b.id):
        if only and bank.id != only:
            continue
        points = sum(len(q.talking_points) for q in bank.questions)
        flags = sum(len(q.red_flags) for q in bank.questions)
        console.print(f"[bold]{escape(bank.id)}[/] — {escape(bank.title)}: {len(bank.questions)} questions, "
                      f"{points} talking points, {flags} red flags", emoji=False)
        if bank.description:
            console.print(Padding(bank.description, (0, 0, 0, 4)), style="dim", markup=False)
        rows((q.id, q.text) for q in bank.questions)
    problems: list = []
    companies = load_companies(extra_dirs=[store.data_dir / "companies"], errors=problems)
    for problem in problems:
        _warn(f"skipped: {problem}")
    console.print("[bold]Company profiles[/] (use with --company):")
    rows((c.id, f"{c.name} — {c.mission}" if c.mission else c.name) for c in sorted(companies.values(), key=lambda c: c.id))
    return 0


COMMANDS = {
    "practice": cmd_practice, "demo": cmd_demo, "analyze": cmd_analyze, "evaluate": cmd_evaluate,
    "devices": cmd_devices, "banks": cmd_banks,
}


def _command(name: str):
    if name in COMMANDS:
        return COMMANDS[name]
    from . import review as review_cli

    return review_cli.COMMANDS[name]


def _warn(message: str) -> None:
    print(f"voice-mock: warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, format="%(name)s: %(message)s")
    try:
        return _command(args.command)(args)
    except VoiceMockError as exc:
        if args.debug:
            raise
        print(f"voice-mock: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\nvoice-mock: interrupted (what was recorded is saved)", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line unless --debug
        if args.debug:
            raise
        print(f"voice-mock: error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
