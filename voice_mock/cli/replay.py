"""`voice-mock replay`: show a saved session, play it with the words following
along, and re-analyse it with today's rules and banks."""

from __future__ import annotations

import threading
import time

from .common import answer_of, banks_of, load_session_ref, store_of


def cmd_replay(args) -> int:
    from rich.markup import escape

    from .render import ConsoleUI, render_feedback

    ui = ConsoleUI()
    store = store_of(args)
    session = load_session_ref(store, args.session)
    ui.session_start(f"Session {session['path'].name}",
                     f"{session.get('started', '?')} · {session.get('mode', '?')} · model {session.get('model', '?')}")
    player = None
    if args.play:
        from voice_mock.audio.playback import SpeakerPlayer

        player = SpeakerPlayer(args.output_device)
    answers = session["answers"]
    if args.question is not None:
        answers = [answer_of(session, args.question)]
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
    from voice_mock.review.compare import feedback_changes
    from voice_mock.interview.pipeline import analyze_measured, speech_from_dict, steady_from_dict, words_from_dict
    from voice_mock.review.session import read_json, write_json_atomic
    from voice_mock.types import Question

    banks = banks_of(store)  # the installed and the user's banks, no --bank
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
