"""`voice-mock replay --reanalyze`: new feedback for saved answers with
today's rules, banks and company profiles.

An analysed answer is re-analysed from its saved transcript (the
transcription is not redone). An answer interrupted before its analysis
(Ctrl-C twice, SIGTERM, a lost microphone, a full disk: session.json says
"recording" or "recorded") has only its audio: it is transcribed now, with
the speech model, and analysed for the first time.

Every file is replaced by writing the new one first (voice_mock.files): on a
full disk the old feedback.json stays as it was and the command says so in
one line. The old feedback is kept as feedback-<time>.json.
"""

from __future__ import annotations

import time

from .common import banks_of, companies_of, load_meaning


def reanalyze(store, session: dict, answers: list[dict], ui, config=None) -> None:
    """New feedback for each answer; the old file kept beside it; changes shown.

    `config`: the AnalysisConfig of the user's config file (cli.common.user_config), as
    `analyze` and `practice` use it; None: the defaults."""
    from rich.markup import escape

    from voice_mock.banks import BankError, find_company
    from voice_mock.files import json_bytes, replace_keeping, write_json_atomic
    from voice_mock.review.compare import feedback_changes
    from voice_mock.review.session import ANALYSED, is_interrupted, read_json

    banks = banks_of(store)  # the installed and the user's banks, no --bank
    meaning = load_meaning(store, banks, background=True)  # content by meaning (voice_mock/meaning)
    company = None
    if session.get("company"):
        try:
            company = find_company(companies_of(store), session["company"])
        except BankError as exc:
            ui.warn(f"{exc}: re-analysed without the company profile")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    updates = {}
    transcriber = None
    for a in answers:
        if a.get("skipped"):
            continue
        question = _question(banks, a, ui)
        folder = a["dir"]
        if is_interrupted(a) and a.get("transcript") is None:
            if not (folder / "answer.wav").is_file():
                ui.warn(f"question {a['index']}: interrupted before anything was recorded; nothing to analyse")
                continue
            if transcriber is None:
                transcriber = _load_model(ui, session.get("model"), store.data_dir / "cache")
            analysis = _from_audio(a, question, company, transcriber, ui, config)
            if analysis is None:
                continue
            write_json_atomic(folder / "transcript.json", analysis.transcript_dict())
            a["transcript"] = analysis.transcript_dict()
        else:
            if not isinstance(a.get("transcript"), dict):
                continue
            analysis = _from_transcript(a, question, company, ui, meaning, config)
        new = analysis.feedback.to_dict()
        old = a.get("feedback")
        if isinstance(old, dict) and "ending" in old:
            new["ending"] = old["ending"]  # how the answer ended is a fact of the recording, not re-analysed
        kept = replace_keeping(folder / "feedback.json", json_bytes(new), folder / f"feedback-{stamp}.json")
        note = f"previous feedback kept as {kept.name}" if kept else "first analysis of this answer"
        ui.console.print(f"[bold]Question {a['index']} re-analysed[/] [dim]({note})[/]")
        for line in feedback_changes(old, new) or ["no change in the measures, talking points or findings"]:
            ui.console.print(f"  {escape(line)}")
        a["feedback"] = new
        updates[a["index"]] = {"scores": new.get("scores"), "reanalyzed": stamp, "state": ANALYSED,
                               "duration_s": round(analysis.duration_s, 2)}
    if updates:  # keep session.json in step with the new feedback
        meta_path = session["path"] / "session.json"
        meta = read_json(meta_path)
        for entry in meta.get("answers", []):
            if entry.get("index") in updates:
                entry.update(updates[entry["index"]])
        write_json_atomic(meta_path, meta)
        for a in answers:
            a.update(updates.get(a["index"], {}))
        from voice_mock.review.report_html import REPORT_FILE, write_session_report

        if (session["path"] / REPORT_FILE).is_file():  # a stale report would contradict the new feedback
            write_session_report(session["path"])


def _question(banks, a: dict, ui):
    from voice_mock.banks import BankError, find_question
    from voice_mock.types import Question

    try:
        return find_question(banks, a["question_id"])
    except BankError:
        ui.warn(f"question {a['question_id']} is no longer in the banks: content judged without its talking points")
        return Question(id=a["question_id"], text=a.get("question") or "", bank=a.get("bank") or "")


def _from_transcript(a: dict, question, company, ui, meaning=None, config=None):
    from voice_mock.interview.pipeline import (
        analyze_measured, prosody_from_dict, speech_from_dict, steady_from_dict, words_from_dict,
    )

    transcript, old = a["transcript"], a.get("feedback")
    words, speech = words_from_dict(transcript), speech_from_dict(transcript)
    duration = float(transcript["duration_s"])
    latency = ((old or {}).get("pacing") or {}).get("response_latency_s")
    if latency is None and speech:
        latency = speech[0].start
    with ui.working(f"Re-analysing question {a['index']}"):
        steady, prosody = steady_from_dict(transcript), prosody_from_dict(transcript)
        if (steady is None or prosody is None) and (a["dir"] / "answer.wav").is_file():
            # A session saved before held sounds or pitch were measured: measure them now.
            steady, prosody = _measure_missing(a["dir"] / "answer.wav", speech, steady, prosody)
        return analyze_measured(words, speech, duration, question, company, latency, config=config, steady=steady,
                                prosody=prosody, meaning=meaning)


def _measure_missing(path, speech, steady, prosody):
    """Held sounds and pitch measured on the saved audio when the transcript lacks them."""
    from voice_mock.audio.formats import SAMPLE_RATE, AudioError, load_audio
    from voice_mock.speech.acoustics import steady_voiced
    from voice_mock.speech.prosody import pitch_track

    try:
        audio = load_audio(path)
    except AudioError:
        return steady, prosody
    if steady is None:
        steady = steady_voiced(audio, speech)
    if prosody is None:
        prosody = pitch_track(audio, SAMPLE_RATE, speech)
    return steady, prosody


def _load_model(ui, recorded: str | None, cache_dir):
    """The model the session was recorded with, if it is on this machine (a
    re-analysis never downloads one); otherwise the default, said in one line."""
    from voice_mock.speech.models import DEFAULT_MODEL, ModelError
    from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber

    name = recorded if isinstance(recorded, str) and recorded else DEFAULT_MODEL
    for candidate in dict.fromkeys([name, DEFAULT_MODEL]):
        transcriber = WhisperTranscriber(WhisperSettings(model=candidate, cache_dir=cache_dir, download=False))
        try:
            with ui.working(f"Loading the speech model ({candidate}) for the interrupted answers"):
                transcriber.load()
            return transcriber
        except ModelError as exc:
            if candidate == DEFAULT_MODEL:
                raise
            ui.warn(f"the session was recorded with the model '{name}', which cannot be loaded here ({exc}); "
                    f"transcribing with {DEFAULT_MODEL}")


def _from_audio(a: dict, question, company, transcriber, ui, config=None):
    """An interrupted answer, transcribed and analysed from its audio; None if it holds none."""
    from voice_mock.audio.formats import SAMPLE_RATE, AudioError, load_audio
    from voice_mock.interview.pipeline import analyze_audio

    try:
        audio = load_audio(a["dir"] / "answer.wav")
    except AudioError as exc:
        ui.warn(f"question {a['index']}: {exc}; not analysed")
        return None
    if len(audio) < SAMPLE_RATE // 10:
        ui.warn(f"question {a['index']}: less than 0.1 s was recorded; nothing to analyse")
        return None
    with ui.working(f"Transcribing and analysing question {a['index']} ({len(audio) / SAMPLE_RATE:.0f} s, interrupted)"):
        return analyze_audio(audio, transcriber, question, company, config=config)
