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
