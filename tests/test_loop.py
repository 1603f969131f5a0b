"""The interview loop with scripted answers: the same code `practice` runs."""

import io
import json
import threading

import numpy as np

from voice_mock.audio.endpoint import EndpointSettings
from voice_mock.interview.loop import InterviewContext, LineListener, LoopSettings, run_interview
from voice_mock.audio.playback import NullPlayer
from voice_mock.cli.render import ConsoleUI
from voice_mock.audio.sources import array_source
from voice_mock.speech.tts import SilentVoice
from voice_mock.types import Question, Word
from voice_mock.audio.vad import StreamingVad
from rich.console import Console


class OneWordTranscriber:
    name = "fake"

    def transcribe(self, audio):
        return [Word("hello", 0.5, 0.9)] if len(audio) > 16000 else []


def test_silent_answer_is_offered_again_then_skipped(tmp_path):
    questions = [Question(id="q1", text="Tell me about yourself.", bank="b")]
    calls = []

    def answers(i, q):
        calls.append(i)
        return array_source(np.zeros(16000 * 3, dtype=np.float32))

    offered = threading.Event()

    class PersonAtKeyboard(ConsoleUI):
        def offer_repeat(self, lines):
            offered.set()
            return super().offer_repeat(lines)

    def typed():
        offered.wait(30)
        yield "r\n"  # hears the offer, types r: hear the question again

    ui = PersonAtKeyboard(Console(file=io.StringIO()), live=False)
    settings = LoopSettings(endpoint=EndpointSettings(no_speech_timeout_s=1.0), max_repeats=1)
    lines = LineListener(typed())
    records = run_interview(questions, InterviewContext(
        answers=answers, voice=SilentVoice(), player=NullPlayer(), transcriber=OneWordTranscriber(), vad=StreamingVad(),
        session_dir=tmp_path, ui=ui, mode="test", settings=settings, lines=lines))
    assert calls == [1, 1]  # asked twice
    assert records[0].skipped
    saved = json.loads((tmp_path / "session.json").read_text())
    assert saved["finished"] and saved["answers"][0]["skipped"]
    assert "Nothing heard" in ui.console.file.getvalue()


def test_line_listener_end_of_input_does_not_wait():
    lines = LineListener(io.StringIO(""))
    threading.Event().wait(0.2)
    assert lines.read_line(timeout=30) is None  # returns at once, not after 30 s


def test_a_line_never_ends_the_answer_armed_after_it():
    """The "r" typed to hear a question again is read by the loop, which then arms the next
    answer; the listener thread, paused between queueing that line and ending the current
    answer (a busy machine), must not end the new one."""
    import queue

    go, queued, resume = threading.Event(), threading.Event(), threading.Event()

    def typed():
        go.wait(30)
        yield "r\n"

    class PausingQueue(queue.Queue):
        def put(self, item, block=True, timeout=None):
            super().put(item, block, timeout)
            queued.set()
            resume.wait(30)  # the listener thread is descheduled right here

    lines = LineListener(typed())
    lines.lines = PausingQueue()
    first = lines.arm()
    go.set()
    assert queued.wait(30)
    assert lines.read_line(timeout=30) == "r"  # the loop reads it ...
    armed: list[threading.Event] = []
    arming = threading.Thread(target=lambda: armed.append(lines.arm()))
    arming.start()  # ... and arms the next answer
    arming.join(1.0)
    resume.set()
    arming.join(30)
    assert first.is_set() and armed and not armed[0].is_set()


def test_audio_measures_made_ahead_are_used_only_for_the_same_speech():
    # practice measures pitch and held sounds while the last words are still being
    # transcribed; analyze_audio takes them only when the speech they were measured
    # over is still the speech once the words are known.
    from voice_mock.interview.pipeline import AudioMeasures, analyze_audio
    from voice_mock.audio.vad import intervals_from_probabilities
    from voice_mock.types import Interval, PitchTrack

    t = np.arange(16000 * 3) / 16000
    audio = np.where((t > 0.5) & (t < 2.0), 0.3 * np.sin(2 * np.pi * 150 * t), 0.0).astype(np.float32)
    probabilities = [1.0 if 0.5 < i * 0.032 < 2.0 else 0.0 for i in range(len(audio) // 512)]
    speech = tuple(intervals_from_probabilities(probabilities))
    marker = [Interval(0.6, 1.9)]
    track = PitchTrack(0.02, 0.01, (150.0,), (-10.0,))
    words = [Word("hello", 0.6, 1.0, 0.9)]
    same = analyze_audio(audio, None, words=words, vad_probabilities=probabilities,
                         measures=AudioMeasures(speech, marker, track))
    assert same.steady is marker and same.prosody is track
    other = analyze_audio(audio, None, words=words, vad_probabilities=probabilities,
                          measures=AudioMeasures((Interval(0.0, 0.1),), marker, track))
    assert other.steady is not marker and other.prosody is not track
    assert len(other.prosody.f0_hz) > 100  # measured again, over the whole answer


def test_measures_made_ahead_over_the_words_so_far_serve_when_the_last_words_add_no_speech():
    # A confident word over sound VAD missed joins two stretches of speech: measured
    # ahead with the words of the earlier segments, the measures are still the
    # analysis's when the last words (heard by VAD) add nothing to the speech.
    from voice_mock.interview.pipeline import analyze_audio, audio_measures, speech_heard
    from voice_mock.audio.vad import intervals_from_probabilities

    t = np.arange(16000 * 4) / 16000
    tone = 0.3 * np.sin(2 * np.pi * 150 * t)
    audio = np.where(((t > 0.5) & (t < 2.0)) | ((t > 2.4) & (t < 3.0)), tone, 0.0).astype(np.float32)
    heard = [(0.5, 1.0), (1.5, 2.0), (2.4, 3.0)]  # VAD missed 1.0-1.5 s
    probabilities = [1.0 if any(a < i * 0.032 < b for a, b in heard) else 0.0 for i in range(len(audio) // 512)]
    earlier, last = [Word("hello", 0.9, 1.6, 0.9)], [Word("bye", 2.45, 2.95, 0.9)]
    vad_only = tuple(intervals_from_probabilities(probabilities))
    ahead = audio_measures(audio, speech_heard(audio, probabilities, earlier))
    assert ahead.speech != vad_only  # the word joined the first two stretches
    analysis = analyze_audio(audio, None, words=earlier + last, vad_probabilities=probabilities, measures=ahead)
    assert analysis.steady is ahead.steady and analysis.prosody is ahead.prosody
    assert tuple(analysis.speech) == ahead.speech


def test_the_answer_so_far_is_scored_by_meaning_while_it_is_spoken_and_not_after():
    # After each segment the sentences so far are scored (the sentence model caches
    # them); once the answer is over, no more scoring runs beside the analysis.
    from voice_mock.banks.catalog import find_question, load_banks
    from voice_mock.interview.loop import ContentWarmer

    class Scorer:
        available, reason = True, ""

        def __init__(self):
            self.texts = []

        def scores(self, question, cue, company, texts):
            self.texts += list(texts)
            return [0.0] * len(texts)

    class Streamer:
        def words_so_far(self):
            return [Word("I", 0.1, 0.2), Word("want", 0.2, 0.4), Word("to", 0.4, 0.5), Word("lead", 0.5, 0.8),
                    Word("a", 0.8, 0.9), Word("team.", 0.9, 1.2)]

    scorer = Scorer()
    warmer = ContentWarmer(find_question(load_banks(), "career-aspirations"), None, None, scorer)
    warmer.streamer = Streamer()
    warmer(1.2)
    warmer.stop()  # waits for the scoring running
    assert warmer.warmed == 1 and any("lead a team" in t for t in scorer.texts)
    scored = len(scorer.texts)
    warmer(2.0)
    assert warmer.warmed == 1 and len(scorer.texts) == scored


def test_the_answer_so_far_is_scored_by_the_small_sentence_model_only():
    from types import SimpleNamespace

    from voice_mock.interview.loop import ContentWarmer

    small = object()
    assert ContentWarmer(None, None, None, SimpleNamespace(small=small, large=object())).meaning is small
    assert ContentWarmer(None, None, None, small).meaning is small  # a plain scorer is used as it is
