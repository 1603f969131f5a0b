"""`voice-mock replay`: show a saved session, play it with the words following
along, and re-analyse it with today's rules and banks."""

from __future__ import annotations

import threading
import time

from .common import answer_of, load_session_ref, store_of, user_config


def cmd_replay(args) -> int:
    from rich.markup import escape

    from voice_mock.review.session import is_interrupted

    from .render import ConsoleUI, render_feedback

    ui = ConsoleUI()
    store = store_of(args)
    # Re-analysis uses the thresholds a fresh analysis would: DATA_DIR/config.toml or --config,
    # plus your voice baseline; a bad file is one line before anything is changed.
    config = user_config(args, store).analysis if args.reanalyze else None
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
        from .reanalyze import reanalyze

        reanalyze(store, session, answers, ui, config)
    for a in answers:
        ui.console.print()
        ui.console.print(f"[bold cyan]Question {a.get('index')}[/] [dim]({escape(str(a.get('question_id')))})[/]")
        ui.console.print(f"  [bold]{escape(str(a.get('question', '')))}[/]")
        if a.get("skipped"):
            ui.console.print("  [dim]Skipped: nothing was heard.[/]")
        elif a.get("feedback") is not None:
            render_feedback(ui.console, a["feedback"])
        elif is_interrupted(a):
            ui.console.print(f"  [yellow]{escape(interrupted_line(a))}[/]")
            ui.console.print(f"  Analyse it with: voice-mock replay {escape(session['path'].name)} --reanalyze",
                             markup=False)
        for problem in a.get("problems", []):
            ui.console.print(f"  [yellow]{escape(problem)}[/]")
        if player is not None:
            play_answer(player, a, ui)
    return 0


def interrupted_line(a: dict) -> str:
    """What became of an answer stopped before its analysis, from session.json and answer.wav."""
    from voice_mock.review.formatting import fmt_time

    seconds = a.get("duration_s")
    if seconds is None and (a["dir"] / "answer.wav").is_file():
        try:
            import soundfile

            seconds = soundfile.info(str(a["dir"] / "answer.wav")).duration
        except Exception:
            seconds = None
    length = f"{fmt_time(seconds)} recorded" if seconds else "nothing recorded"
    if a.get("state") == "recording":
        how = "the recording was cut off"
    elif a.get("error"):
        how = f"the recording failed: {a['error']}"
    else:
        how = {"interrupted": "stopped by Ctrl-C"}.get(a.get("end_reason"), "the recording ended")
    return f"Interrupted before the analysis ({how}; {length})."


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
