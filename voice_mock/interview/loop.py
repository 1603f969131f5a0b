"""The interview loop: speak a question, record the answer, give feedback, save.

`practice` (microphone and speakers) and `demo` (bundled samples, no device)
run this same code; only the answer source and the player differ.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voice_mock.errors import VoiceMockError
from voice_mock.audio.formats import BLOCK_SIZE, SAMPLE_RATE, write_wav
from voice_mock.audio.endpoint import NO_SPEECH, EndpointSettings
from .pipeline import analyze_audio, audio_measures, speech_heard
from .session_file import SessionFile
from voice_mock.audio.recorder import INTERRUPTED, Recording, record_answer
from voice_mock.review.session import answer_dir, write_json_atomic
from voice_mock.speech.streaming import SegmentingTranscriber
from .turn_judge import LIVE_SEGMENTS, TurnJudge, ending_note, hint, keep_pace
from voice_mock.turn import TurnSettings
from voice_mock.types import Company, Question

timing = logging.getLogger("voice_mock.timing")  # --debug: monotonic stamps, read by benchmarks/turn_pulse.py

# An answer source gives, for each question, an iterator of audio blocks.
AnswerSource = Callable[[int, Question], Iterator[np.ndarray]]


class LineListener:
    """Reads lines from stdin in the background: a line ends the answer like
    Enter does, whether stdin is a terminal or a pipe. End of input does not."""

    def __init__(self, stream=None) -> None:
        self.stream = stream if stream is not None else sys.stdin
        self.lines: queue.Queue[str] = queue.Queue()
        self._event: threading.Event | None = None
        # A line is queued and ends the current answer in one step: without it, the
        # "r" that asks for the question again could be queued, read, and then end
        # the next answer, armed in between, at once.
        self._lock = threading.Lock()
        self.closed = False  # end of input: nobody will type an answer
        threading.Thread(target=self._run, daemon=True, name="stdin-lines").start()

    def _run(self) -> None:
        try:
            for line in self.stream:
                with self._lock:
                    self.lines.put(line.strip())
                    if self._event is not None:
                        self._event.set()
        except (OSError, ValueError):
            pass
        self.closed = True

    def arm(self) -> threading.Event:
        """A fresh event for one answer; lines typed before it are forgotten."""
        with self._lock:
            while not self.lines.empty():
                self.lines.get_nowait()
            self._event = threading.Event()
            return self._event

    def read_line(self, timeout: float | None = None) -> str | None:
        """The next line, or None on timeout or once input has ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                return self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.closed or (deadline is not None and time.monotonic() >= deadline):
                    return None


@dataclass
class LoopSettings:
    endpoint: EndpointSettings = field(default_factory=EndpointSettings)
    max_repeats: int = 2  # times a question is offered again after silence
    turn: TurnSettings = field(default_factory=TurnSettings)  # the end-of-answer decision's thresholds


@dataclass
class AnswerRecord:
    index: int
    question: Question
    folder: Path
    recording: Recording | None
    analysis: object | None  # AnswerAnalysis
    skipped: bool = False
    feedback: dict | None = None  # analysis.feedback as saved (serialised once)
    timings: dict = field(default_factory=dict)  # seconds spent after the answer ended, by step


@dataclass
class InterviewContext:
    """What one interview needs besides its questions; built once by the CLI (or a test).

    `answers(index, question)` gives the answer's audio blocks (microphone or
    clips); `voice.synthesize(text)` the question's audio and `player.play`
    plays it; `ui` receives the loop's hooks (cli/render.py's ConsoleUI);
    `lines`, when given, lets a typed line end an answer.
    """

    answers: AnswerSource
    voice: object
    player: object
    transcriber: object
    vad: object
    ui: object
    session_dir: Path
    mode: str
    bank: str = ""
    company: Company | None = None
    settings: LoopSettings = field(default_factory=LoopSettings)
    lines: LineListener | None = None
    analysis_config: object = None  # AnalysisConfig; None: the defaults
    meaning: object = None  # content by meaning (voice_mock.meaning.MeaningMatcher); None: keywords only
    # False: `answers` come faster than real time (the demo's clips); in a silence the loop
    # then waits for the last words to be transcribed, so the answer ends as it would live.
    paced: bool = True


class AnswerCutOff(VoiceMockError):
    """The recording stopped on an error (no microphone, a full disk); what was recorded is kept."""


def run_interview(questions: list[Question], ctx: InterviewContext) -> list[AnswerRecord]:
    session = SessionFile(ctx, started=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    records: list[AnswerRecord] = []
    session.save()
    completed = False
    try:
        for index, question in enumerate(questions, start=1):
            folder = answer_dir(ctx.session_dir, index, question.id)
            record = _ask_one(ctx, index, len(questions), question, folder, session)
            records.append(record)
            if record.recording is not None and record.recording.end_reason == INTERRUPTED:
                break
        completed = True
    finally:
        session.finish(raise_errors=completed)
    return records


def _ask_one(ctx: InterviewContext, index: int, total: int, question: Question, folder: Path,
             session: SessionFile) -> AnswerRecord:
    ui, settings = ctx.ui, ctx.settings
    for attempt in range(settings.max_repeats + 1):
        ui.question(index, total, question)
        question_audio = ctx.voice.synthesize(question.text)
        if len(question_audio):
            write_wav(folder / "question.wav", question_audio)
            ctx.player.play(question_audio)
        stop = ctx.lines.arm() if ctx.lines is not None else None
        ui.listening(settings.endpoint)
        entry = session.recording_starts(index, question, folder)  # listed before its audio exists
        # Transcribed while the person speaks: at the end only the last words are left.
        warmer = ContentWarmer(question, ctx.company, ctx.analysis_config, ctx.meaning)
        streamer = warmer.streamer = SegmentingTranscriber(ctx.transcriber, LIVE_SEGMENTS, on_segment=warmer)
        # When the answer is over: decided from the last words and the voice, not a fixed silence.
        judge = TurnJudge(streamer, question.target_seconds, settings.endpoint.end_silence_s, settings.turn)
        try:
            blocks = ctx.answers(index, question)
            if not ctx.paced:
                blocks = keep_pace(blocks, streamer)
            arrivals: list[float] = []  # monotonic time each block arrived (--debug timing)
            blocks = _stamped(blocks, arrivals)
            try:
                recording = record_answer(blocks, folder / "answer.wav", ctx.vad, settings.endpoint, stop=stop,
                                          on_status=ui.status, listener=streamer, judge=judge, hint=hint)
            finally:
                warmer.stop()
            recording.turn_log = judge.log  # for benchmarks/turn_taking.py
            _log_end(recording, streamer, arrivals)
            session.recording_ended(entry, recording)
            ui.stopped_listening(recording)
            if recording.error is not None:
                raise AnswerCutOff(f"{recording.error}; the {recording.duration_s:.1f} s recorded so far are kept in "
                                   f"{folder} (`voice-mock replay {ctx.session_dir.name} --reanalyze` analyses them)")
            if recording.end_reason != NO_SPEECH:
                return _analyse(ctx, index, question, folder, recording, streamer, session, entry)
        finally:
            streamer.close()  # no transcription left running in a thread, whatever happened
        if attempt == settings.max_repeats or not ui.offer_repeat(ctx.lines):
            break
    record = AnswerRecord(index, question, folder, recording, None, skipped=True)
    session.answered(entry, record)
    return record


def _analyse(ctx, index, question, folder, recording, streamer, session, entry) -> AnswerRecord:
    ui = ctx.ui
    timings = {}
    clock = time.perf_counter()
    with ui.working("Finishing the transcript"):
        # Pitch and held sounds need no words but the speech they are measured over: measured
        # while the last words are transcribed, over the speech the words so far give (a word
        # bridging a gap VAD left joins it): the last words rarely change it (0.2 s saved).
        early = _Background(lambda: audio_measures(
            recording.audio, speech_heard(recording.audio, recording.vad_probabilities, streamer.words_so_far())))
        words = streamer.finish()
        if streamer.failed is not None:
            ui.warn(f"transcribing while you spoke failed ({streamer.failed}); transcribed the saved answer instead")
        timings["transcript_s"] = time.perf_counter() - clock
        analysis = analyze_audio(recording.audio, ctx.transcriber, question, ctx.company,
                                 response_latency_s=recording.first_speech_s, config=ctx.analysis_config, words=words,
                                 vad_probabilities=recording.vad_probabilities, meaning=ctx.meaning,
                                 measures=early.result())
        timings["analysis_s"] = time.perf_counter() - clock - timings["transcript_s"]
    feedback = analysis.feedback.to_dict()
    ending = ending_note(recording, ctx.settings.endpoint.end_silence_s)
    if ending is not None:
        feedback["ending"] = ending  # how the answer ended ("ended after 0.9 s: the sentence sounded finished")
        entry["ending"] = ending["message"]
    write_json_atomic(folder / "transcript.json", analysis.transcript_dict())
    write_json_atomic(folder / "feedback.json", feedback)
    timings["saved_s"] = time.perf_counter() - clock
    record = AnswerRecord(index, question, folder, recording, analysis, timings=timings, feedback=feedback)
    session.answered(entry, record)
    ui.feedback(question, feedback)
    timing.debug("t=%.3f feedback shown; transcript %.2f s, analysis %.2f s, saved %.2f s", time.monotonic(),
                 timings["transcript_s"], timings["analysis_s"], timings["saved_s"])
    return record


class ContentWarmer:
    """While the person speaks, after each segment is transcribed, the answer so far
    is scored by meaning in a thread (the sentence model caches each sentence's
    vector by its text), so after the end the analysis only encodes the last
    sentences: 0.03 instead of 0.08 s on the one-minute answer of
    benchmarks/turn_pulse.py. Nothing is kept from it but that cache."""

    def __init__(self, question, company, config, meaning) -> None:
        # The small model only (meaning/cascade.py): it scores every sentence; the second
        # re-scores a few chosen from the whole answer, after the end, ~32 ms each.
        self.meaning = getattr(meaning, "small", meaning)
        self.question, self.company, self.config = question, company, config
        self.streamer = None
        self.warmed = 0  # times the answer so far was scored (tests)
        self._thread: threading.Thread | None = None
        self._stopped = False

    def __call__(self, segment_end_s: float) -> None:
        if self._stopped or self.meaning is None or self.streamer is None or (
                self._thread is not None and self._thread.is_alive()):
            return
        text = " ".join(w.text for w in self.streamer.words_so_far())
        self._thread = threading.Thread(target=self._warm, args=(text,), daemon=True, name="content-warm-up")
        self._thread.start()

    def _warm(self, text: str) -> None:
        from voice_mock.analysis import analyze_text

        try:
            analyze_text(text, self.question, self.company, self.config, self.meaning)
            self.warmed += 1
        except Exception:  # only a cache: the analysis scores everything itself
            logging.getLogger("voice_mock").debug("scoring the answer so far failed", exc_info=True)

    def stop(self) -> None:
        """The answer is over: no more scoring, and none left running beside the analysis."""
        self._stopped = True
        if self._thread is not None:
            self._thread.join(10)


class _Background:
    """One call in a thread; `result()` is its value, or None if it failed (the caller then does it itself)."""

    def __init__(self, fn) -> None:
        self._value = None
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True, name="audio-measures")
        self._thread.start()

    def _run(self, fn) -> None:
        try:
            self._value = fn()
        except Exception:  # measured again, in front, by analyze_audio
            logging.getLogger("voice_mock").debug("measuring while transcribing failed", exc_info=True)

    def result(self):
        self._thread.join()
        return self._value


def _stamped(blocks, arrivals: list[float]):
    for block in blocks:
        arrivals.append(time.monotonic())
        yield block


def _log_end(recording, streamer, arrivals: list[float]) -> None:
    """--debug: when the block holding the last speech arrived, and when the recording ended (monotonic)."""
    if not timing.isEnabledFor(logging.DEBUG) or not arrivals:
        return
    def arrival(seconds: float) -> float:
        return arrivals[min(len(arrivals) - 1, int(seconds * SAMPLE_RATE) // BLOCK_SIZE)]

    timing.debug("t=%.3f recording ended (%s) after %.2f s of silence; the last speech (%.2f s) arrived at t=%.3f, "
                 "the first (%.2f s) at t=%.3f", time.monotonic(), recording.end_reason, recording.end_silence_s,
                 streamer.last_voiced_s(), arrival(streamer.last_voiced_s()), recording.first_speech_s or 0.0,
                 arrival(recording.first_speech_s or 0.0))
