"""`practice` (microphone and speakers) and `demo` (bundled sample answers):
the same interview loop (interview/loop.py), set up here from the command line."""

from __future__ import annotations

import logging
import math
from pathlib import Path

from voice_mock.errors import UsageError, VoiceMockError

from .common import (
    SAMPLES_DIR, answer_of, bank_id, banks_of, company_of, load_meaning, load_session_ref, load_transcriber, store_of,
    user_config,
    warn,
)


def loop_settings(args, config):
    from voice_mock.interview.loop import LoopSettings

    for option, value in (("--end-silence", args.end_silence), ("--max-answer", args.max_answer)):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise UsageError(f"{option} must be a positive number of seconds, got {value}")
    return LoopSettings(endpoint=config.endpoint_settings(end_silence_s=args.end_silence, max_answer_s=args.max_answer))


def choose_questions(args, banks):
    from voice_mock.banks import find_question, pick_questions

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if getattr(args, "retry", None):
        return retry_questions(store_of(args), args.retry, banks)
    if args.question:
        return [find_question(banks, qid) for qid in args.question]
    return pick_questions(banks, bank_id(args), args.count, seed=args.seed)


def retry_questions(store, ref: str, banks) -> list:
    """The questions of SESSION (or only question N of SESSION:N) to answer again.

    A question no longer in the banks is asked again from its saved text
    (its talking points are then unknown).
    """
    from voice_mock.banks import BankError, find_question
    from voice_mock.review.compare import parse_take
    from voice_mock.types import Question

    n = None
    if ":" in ref and ref.rpartition(":")[2].isdigit():
        try:
            ref, n = parse_take(ref)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    session = load_session_ref(store, ref)
    answers = [answer_of(session, n)] if n is not None else session["answers"]
    questions = []
    for a in answers:
        try:
            questions.append(find_question(banks, a["question_id"]))
        except BankError:
            questions.append(Question(id=a["question_id"], text=a.get("question") or a["question_id"], bank=a.get("bank") or ""))
    if not questions:
        raise VoiceMockError(f"session {session['path'].name} has no questions to retry")
    return questions


def write_report(session_dir: Path) -> Path | None:
    """The HTML report of a finished session; a failure here must not spoil the session."""
    from voice_mock.review.report_html import write_session_report

    try:
        return write_session_report(session_dir)
    except Exception as exc:
        logging.getLogger("voice_mock").debug("report failed", exc_info=True)
        warn(f"could not write the HTML report: {exc}")
        return None


def cmd_demo(args) -> int:
    import json

    from voice_mock.audio.formats import load_audio
    from voice_mock.audio.playback import NullPlayer
    from voice_mock.audio.sources import array_source
    from voice_mock.audio.vad import StreamingVad
    from voice_mock.banks import find_question
    from voice_mock.interview.loop import InterviewContext, run_interview
    from voice_mock.speech.tts import SpeakerChain

    from .render import ConsoleUI

    ui = ConsoleUI()
    store = store_of(args)
    store.ensure_writable()
    banks = banks_of(store, args.bank)
    company = company_of(args, store)
    truths = sorted(SAMPLES_DIR.glob("*.json"), key=lambda p: (p.stem.startswith("hard-"), p.stem))
    if not truths:
        raise VoiceMockError(f"no sample answers in {SAMPLES_DIR}")
    if args.count < 1:
        raise UsageError("--count must be at least 1")
    chosen = [json.loads(p.read_text()) for p in truths[: args.count]]
    questions = [find_question(banks, s["question_id"]) for s in chosen]
    clips = [load_audio(SAMPLES_DIR / f"{s['id']}.flac") for s in chosen]
    config = user_config(args, store)
    settings = loop_settings(args, config)
    ui.session_start("voice-mock demo", "Bundled sample answers stand in for your microphone; nothing is played or recorded.")
    transcriber = load_transcriber(args, ui)
    session_dir = store.new_session("demo")
    # A sample answer ends as a person does: by falling silent.
    answers = lambda i, q: array_source(clips[i - 1], trailing_silence_s=settings.endpoint.end_silence_s + 0.5)
    records = run_interview(questions, InterviewContext(
        answers=answers, voice=SpeakerChain(args.voice, warn=warn), player=NullPlayer(), transcriber=transcriber,
        vad=StreamingVad(), ui=ui, session_dir=session_dir, mode="demo", bank="samples", company=company,
        settings=settings, analysis_config=config.analysis,
        meaning=load_meaning(store, banks_of(store), background=True), paced=False))
    with ui.working("Writing the HTML report"):
        report = write_report(session_dir)
    ui.summary(records, session_dir, report)
    return 0


def cmd_practice(args) -> int:
    from voice_mock.audio.playback import NullPlayer, SpeakerPlayer
    from voice_mock.audio.sources import Microphone
    from voice_mock.audio.vad import StreamingVad
    from voice_mock.interview.loop import InterviewContext, LineListener, run_interview
    from voice_mock.speech.tts import SpeakerChain

    from .render import ConsoleUI

    ui = ConsoleUI()
    store = store_of(args)
    store.ensure_writable()
    banks = banks_of(store, args.bank)
    company = company_of(args, store)
    questions = choose_questions(args, banks)
    config = user_config(args, store)
    settings = loop_settings(args, config)
    player = SpeakerPlayer(args.output_device) if args.voice != "none" else None
    mic = Microphone(args.input_device)
    ui.session_start("voice-mock practice", f"Microphone: {mic.name}. Everything stays on this machine.")
    transcriber = load_transcriber(args, ui, background=True)
    session_dir = store.new_session(bank_id(args) or "practice")

    def answers(i, q):
        mic.drain()  # the question's own echo is not the answer
        return mic.blocks()

    ctx = InterviewContext(
        answers=answers, voice=SpeakerChain(args.voice, warn=warn), player=player or NullPlayer(),
        transcriber=transcriber, vad=StreamingVad(), ui=ui, session_dir=session_dir, mode="practice",
        bank=bank_id(args) or "mixed", company=company, settings=settings, lines=LineListener(),
        analysis_config=config.analysis, meaning=load_meaning(store, banks_of(store), background=True))
    with mic:
        records = run_interview(questions, ctx)
    with ui.working("Writing the HTML report"):
        report = write_report(session_dir)
    ui.summary(records, session_dir, report)
    return 0
