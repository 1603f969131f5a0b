"""`voice-mock analyze`: feedback for one recording, or for a typed answer."""

from __future__ import annotations

from voice_mock.errors import UsageError, VoiceMockError

from .common import banks_of, company_of, load_meaning, store_of, user_config, warn


def cmd_analyze(args) -> int:
    import json

    from voice_mock.banks import find_question

    from .render import ConsoleUI, render_feedback

    ui = ConsoleUI()
    store = store_of(args)
    given = [x for x in (args.audio, args.text, args.text_file) if x is not None]
    if len(given) != 1:
        raise UsageError("give exactly one of: an audio file, --text, --text-file")
    banks = banks_of(store, args.bank)
    question = find_question(banks, args.question) if args.question else None
    company = company_of(args, store)
    config = user_config(args, store)
    meaning = load_meaning(store, banks, ui) if question is not None else None
    if args.audio is None:
        from voice_mock.analysis import analyze_text

        if args.text_file is not None:
            from voice_mock.files import read_text

            text = read_text(args.text_file, "text file")  # a folder or a FIFO is named as such, never read
        else:
            text = args.text
        if not text.strip():
            raise UsageError("the typed answer is empty")
        feedback = analyze_text(text, question=question, company=company, config=config.analysis,
                                 meaning=meaning).to_dict()
    else:
        from voice_mock.audio.formats import load_audio
        from voice_mock.interview.pipeline import analyze_audio
        from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber

        from voice_mock.audio.damage import check_decoded

        audio = load_audio(args.audio)
        damage = check_decoded(args.audio, len(audio))  # a damaged file is never analysed silently
        if damage:
            warn(damage)
        if len(audio) < 1600:
            raise VoiceMockError(f"{args.audio}: too short to analyse ({len(audio) / 16000:.2f} s)")
        transcriber = WhisperTranscriber(WhisperSettings(model=args.model))
        with ui.working(f"Loading the speech model ({transcriber.name})"):
            transcriber.load()
        total_s = len(audio) / 16000
        with ui.console.status(f"Transcribing {_clock(total_s)} of audio…", spinner="dots") as status:
            def progress(done_s: float) -> None:  # long files go in windows (interview/pipeline.py)
                status.update(f"Transcribing: {_clock(done_s)} of {_clock(total_s)} done ({done_s / total_s:.0%})…")

            feedback = analyze_audio(audio, transcriber, question, company, config=config.analysis,
                                     meaning=meaning, on_progress=progress).feedback.to_dict()
    if args.json:
        from .terminal import json_text

        print(json_text(json.dumps(feedback, indent=2, ensure_ascii=False)))
    else:
        render_feedback(ui.console, feedback)
    return 0


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
