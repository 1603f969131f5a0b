"""The end-of-answer decision on short spoken clips, through the recorder, the
streaming transcriber and the real model (no timing assertions: the clip's
trailing silence is fed only as fast as the last words are transcribed, so a
slow machine changes nothing but the test's duration)."""

import pytest

from spoken import spoken
from voice_mock.audio.endpoint import EndpointSettings
from voice_mock.audio.formats import SAMPLE_RATE
from voice_mock.audio.recorder import record_answer
from voice_mock.audio.sources import array_source
from voice_mock.audio.vad import StreamingVad
from voice_mock.interview.turn_judge import LIVE_SEGMENTS, TurnJudge, keep_pace
from voice_mock.speech.streaming import SegmentingTranscriber
from voice_mock.speech.transcriber import WhisperTranscriber
from voice_mock.turn import FINISHED

pytestmark = pytest.mark.model

OPENING = "I am a data engineer with six years of experience in retail and logistics. I like building pipelines that people can trust."


@pytest.fixture(scope="module")
def transcriber():
    t = WhisperTranscriber()
    t.warm_up()
    return t


def record(audio, transcriber, tmp_path, end_silence_s=6.0):
    """Record `audio` then silence; each silent block waits for the last-words
    peek in flight, as if the machine were fast enough to keep up."""
    streamer = SegmentingTranscriber(transcriber, LIVE_SEGMENTS)
    judge = TurnJudge(streamer, (45.0, 120.0), end_silence_s)

    source = keep_pace(array_source(audio, trailing_silence_s=end_silence_s + 1.0), streamer)
    rec = record_answer(source, tmp_path / "answer.wav", StreamingVad(), EndpointSettings(end_silence_s=end_silence_s),
                        listener=streamer, judge=judge)
    words = streamer.finish()
    return rec, words, judge


def test_a_finished_sentence_ends_the_answer(transcriber, tmp_path):
    audio, spans = spoken([OPENING, "That is why I would love to grow with your team."])
    rec, words, _ = record(audio, transcriber, tmp_path)
    assert rec.end_reason == "finished"
    assert rec.decision is not None and rec.decision.verdict == FINISHED, rec.decision
    assert "finished" in rec.decision.reason
    assert rec.end_silence_s < 6.0  # ended by the decision, not by the upper bound


def test_a_pause_after_and_is_waited_out(transcriber, tmp_path):
    # "and," is said with a held tune, as people hold an "and" they are thinking after. (Said
    # with a falling tune, Whisper sometimes drops the dangling "and": benchmarks/turn_taking.py
    # counts how often that cuts an answer.)
    audio, spans = spoken([OPENING, "In five years I want to lead the planning team and,", 3.0,
                           "grow the way we forecast demand."])
    rec, words, judge = record(audio, transcriber, tmp_path)
    assert rec.duration_s > spans[-1][1]  # not ended in the pause: the last part was recorded
    said = " ".join(w.text.lower() for w in words)
    assert "forecast" in said and "demand" in said
    in_pause = [d for (end, silence, d, ev) in judge.log if abs(end - spans[-2][1]) < 0.4 and ev.words is not None]
    # Decided on the words: "...team and" or, when Whisper dropped the "and" and doubted its
    # full stop, "...team..." (a clause in progress).
    assert in_pause and in_pause[-1].verdict != FINISHED, in_pause
    assert "'and'" in in_pause[-1].reason or "still going" in in_pause[-1].reason, in_pause


def test_a_rising_and_my_goal_does_not_end_early(transcriber, tmp_path):
    audio, spans = spoken([OPENING, "And my goal?", 2.5, "To lead a small platform team."])
    rec, words, judge = record(audio, transcriber, tmp_path)
    assert rec.duration_s > spans[-1][1]
    in_pause = [d for (end, silence, d, ev) in judge.log if abs(end - spans[-2][1]) < 0.4 and ev.words is not None]
    assert in_pause and in_pause[-1].verdict != FINISHED, in_pause
    assert in_pause[-1].wait_s > 2.5


def test_a_dangling_and_whisper_leaves_out_still_reads_unfinished(transcriber):
    # Said fast with a falling tune, the final "and" is dropped and a full stop written
    # ("...we tested every night."); Whisper itself doubted that full stop, so the last
    # words end in "..." and the decision waits.
    from voice_mock.turn import UNFINISHED, TurnEvidence, decide

    audio, _ = spoken(["I split the work into three parts and we tested every night and", 0.3], wpm=190)
    words = transcriber.transcribe_tail(audio)
    assert "night" in words and (words.endswith("...") or not words.endswith((".", "!"))), words
    decision = decide(TurnEvidence(tuple(words.split()), spoken_s=60.0, expected_s=(45.0, 120.0)), 6.0)
    assert decision.verdict == UNFINISHED, decision
