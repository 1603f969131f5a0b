"""Transcribing while the person speaks must give what a one-shot
transcription gives, cut only in silence, and never lose an answer."""

import threading

import numpy as np
import pytest

from conftest import SAMPLES
from voice_mock.audio.formats import load_audio
from voice_mock.evaluation.metrics import normalize_words, word_error_rate
from voice_mock.audio.sources import array_source
from voice_mock.speech.streaming import SegmentingTranscriber, SegmentSettings
from voice_mock.types import Word
from voice_mock.audio.vad import StreamingVad, intervals_from_probabilities, speech_probabilities


def stream(audio, transcriber, settings=None):
    streamer = SegmentingTranscriber(transcriber, settings)
    vad = StreamingVad()
    for block in array_source(audio):
        streamer.push(block, vad.push(block))
    return streamer, streamer.finish()


class FakeTranscriber:
    """Says one word per call, stamped at the middle of what it was given;
    optionally fails on a chosen call, as a crashed worker would."""

    def __init__(self, fail_on=None):
        self.calls = []
        self.fail_on = fail_on

    def transcribe(self, audio):
        self.calls.append(len(audio))
        if self.fail_on is not None and len(self.calls) == self.fail_on:
            raise RuntimeError("decoder crashed")
        mid = len(audio) / 2 / 16000
        return [Word(f"w{len(self.calls)}", mid - 0.1, mid + 0.1)]




@pytest.fixture(scope="module")
def career():
    return load_audio(SAMPLES / "career-aspirations.flac")


def test_cuts_fall_in_silence_and_times_are_answer_times(career):
    streamer, words = stream(career, FakeTranscriber())
    assert len(streamer.segments) >= 3
    speech = intervals_from_probabilities(speech_probabilities(career))
    for seg in streamer.segments[:-1]:
        t = seg.end / 16000
        assert not any(iv.start < t < iv.end for iv in speech), f"cut at {t:.2f} s is inside speech"
    # Each fake word sits in the middle of its segment, in answer time.
    for seg, w in zip(streamer.segments, words):
        start, end = seg.span_to_transcribe()
        assert abs((w.start + w.end) / 2 - (start + end) / 2 / 16000) < 0.01


def test_failed_segment_falls_back_to_one_shot(career):
    fake = FakeTranscriber(fail_on=2)
    streamer, words = stream(career, fake)
    assert streamer.failed is not None
    # The fallback transcribed the whole answer in one go.
    assert fake.calls[-1] == len(career)
    assert len(words) == 1


def test_silence_only_transcribes_nothing():
    fake = FakeTranscriber()
    streamer, words = stream(np.zeros(16000 * 5, dtype=np.float32), fake)
    assert words == [] and fake.calls == []


@pytest.mark.model
def test_streamed_transcripts_match_one_shot(whisper):
    """Issue 5: at most 5% word error between the two, pooled over the samples."""
    errors = words = 0
    for path in sorted(SAMPLES.glob("*.flac")):
        audio = load_audio(path)
        _, streamed = stream(audio, whisper)
        one_shot = whisper.transcribe(audio)
        text = lambda ws: " ".join(w.text for w in ws)
        n = len(normalize_words(text(one_shot)))
        errors += word_error_rate(text(one_shot), text(streamed)) * n
        words += n
        assert all(b.start >= a.start for a, b in zip(streamed, streamed[1:]))
    assert words > 500
    assert errors / words <= 0.05


def test_guessed_end_is_thrown_away_when_the_person_goes_on(espeak_speech):
    silence = lambda s: np.zeros(int(16000 * s), dtype=np.float32)
    # Short answer, a 1.6 s thinking pause (past the guess), more speech, then the end.
    audio = np.concatenate([espeak_speech, silence(1.6), espeak_speech, silence(3.0)])
    fake = FakeTranscriber()
    streamer, words = stream(audio, fake, SegmentSettings(min_segment_s=30.0))
    assert streamer.guesses == 2  # one at the thinking pause, one at the real end
    # The first guess was cancelled: the answer came back as one segment, and
    # the words are those of that one segment only.
    assert len(streamer.segments) == 1 and streamer.segments[0].speculative
    assert len(words) == 1
    seg = streamer.segments[0]
    assert seg.start == 0 and seg.voiced_end / 16000 > len(espeak_speech) / 16000 + 1.6


def test_whispered_answer_vad_never_heard_is_transcribed_whole():
    from conftest import REPO

    whispered = load_audio(REPO / "tests" / "data" / "real" / "audio" / "mfa_whisper.flac")
    fake = FakeTranscriber()
    streamer, words = stream(whispered, fake)
    assert streamer.segments == [] and len(fake.calls) == 1 and len(words) == 1
    assert fake.calls[0] >= len(whispered) - 512  # the whole answer (blocks of one VAD frame)
    silent = FakeTranscriber()
    stream(np.zeros(16000 * 3, dtype=np.float32), silent)
    assert silent.calls == []


def test_whispered_words_after_the_last_voiced_ones_are_transcribed():
    from conftest import REPO

    # "this is all very whispered": Silero VAD hears 0.93-1.02 s only, the
    # whisper lasts to 2.6 s. The guessed last segment (made 0.8 s into VAD's
    # "silence") and the tail cut after the last voiced frame would lose
    # "very whispered"; the sound after it overrules both.
    whispered = load_audio(REPO / "tests" / "data" / "real" / "audio" / "whisper.flac")
    fake = FakeTranscriber()
    streamer, words = stream(whispered, fake)
    kept = [s for s in streamer.segments if not s.cancelled]
    assert len(kept) == 1 and not kept[0].speculative
    assert fake.calls[-1] >= int(2.7 * 16000), fake.calls


def test_the_last_words_are_not_held_up_by_a_segment_being_transcribed():
    # A long segment is being transcribed when the person falls silent: the peek at
    # the last words (what the end-of-answer decision waits for) runs beside it.
    import threading

    release = threading.Event()

    class SlowSegments:
        name = "fake"

        def transcribe(self, audio):
            release.wait(30)  # the segment, still running
            return [Word("segment", 0.1, 0.2)]

        def transcribe_tail(self, audio, wanted=None):
            return "the last words."

    streamer = SegmentingTranscriber(SlowSegments(), SegmentSettings(peek_s=0.3, min_segment_s=1.0))
    frame = np.full(512, 0.1, dtype=np.float32)
    try:
        def say(pattern):
            for voiced in pattern:
                streamer.push(frame if voiced else frame * 0, [1.0 if voiced else 0.0])

        say([True] * 40 + [False] * 20)  # a segment closes in this pause
        for _ in range(3000):
            if streamer.busy() and streamer.segments:
                break  # ... and is being transcribed
            threading.Event().wait(0.01)
        say([True] * 30 + [False] * 12)  # the last words, then silence
        for _ in range(1000):
            if streamer.last_words() is not None:
                break
            threading.Event().wait(0.01)
        assert streamer.last_words() == "the last words."
        assert not release.is_set()
    finally:
        release.set()
        streamer.close()


class SharedEnd:
    """A transcriber with `transcribe_end`: the last words' text, then the segment's words,
    from one call (the real one encodes the audio once for both)."""

    name = "fake"

    def __init__(self, fail=False):
        self.transcribed, self.ends, self.fail = [], [], fail
        self.wanted: list[bool] = []

    def transcribe(self, audio):
        self.transcribed.append(len(audio))
        return [Word(f"segment{len(self.transcribed)}", 0.1, 0.2)]

    def transcribe_tail(self, audio, wanted=None):
        return "the last words."

    def transcribe_end(self, audio, on_text, wanted=None):
        self.ends.append(len(audio))
        if self.fail:
            raise RuntimeError("decoder crashed")
        self.wanted.append(on_text(f"end{len(self.ends)}.") is not False)
        return [Word(f"end{len(self.ends)}", 0.1, 0.2)]


def say(streamer, pattern):
    frame = np.full(512, 0.1, dtype=np.float32)
    for voiced in pattern:
        streamer.push(frame if voiced else frame * 0, [1.0 if voiced else 0.0])


def wait_for(condition):
    for _ in range(1000):
        if condition():
            return
        threading.Event().wait(0.01)


def test_a_short_last_segment_is_transcribed_by_the_peek_at_the_last_words():
    fake = SharedEnd()
    streamer = SegmentingTranscriber(fake, SegmentSettings(peek_s=0.3))
    try:
        say(streamer, [True] * 90 + [False] * 30)  # 2.9 s of speech, then ~1 s of silence
        wait_for(lambda: streamer.last_words() is not None)
        assert streamer.last_words() == "end1."
        words = streamer.finish()
    finally:
        streamer.close()
    assert [w.text for w in words] == ["end1"] and fake.transcribed == [] and fake.wanted == [True]
    assert len(fake.ends) == 1 and fake.ends[0] >= 90 * 512  # all of the segment, not just its last seconds


def test_a_segment_closed_in_the_silence_keeps_the_peeks_words():
    fake = SharedEnd()
    streamer = SegmentingTranscriber(fake, SegmentSettings(peek_s=0.3, min_segment_s=1.0))
    try:
        say(streamer, [True] * 70 + [False] * 25)  # closes at 0.6 s: the peek's segment, promoted
        wait_for(lambda: streamer.last_words() is not None)
        say(streamer, [True] * 70 + [False] * 30)
        wait_for(lambda: streamer.last_words() == "end2.")  # (a peek still queued at the end is dropped)
        words = streamer.finish()
    finally:
        streamer.close()
    assert [w.text for w in words] == ["end1", "end2"] and fake.transcribed == []
    assert len(streamer.segments) == 2 and not streamer.segments[0].speculative
    assert words[1].start > 70 * 512 / 16000  # in answer time


def test_a_failed_peek_leaves_the_last_segment_to_the_worker():
    fake = SharedEnd(fail=True)
    streamer = SegmentingTranscriber(fake, SegmentSettings(peek_s=0.3))
    try:
        say(streamer, [True] * 90 + [False] * 30)
        wait_for(lambda: fake.ends and not streamer.peek_pending())  # the peek was tried, and failed
        words = streamer.finish()
    finally:
        streamer.close()
    assert len(fake.ends) == 1 and [w.text for w in words] == ["segment1"]


def test_a_second_of_speech_after_a_segment_is_peeked_at_with_what_came_before():
    # Too little speech alone for Whisper: the peek reaches back before the segment's
    # start as before, and the last segment is transcribed on its own.
    fake = SharedEnd()
    streamer = SegmentingTranscriber(fake, SegmentSettings(peek_s=0.3, min_segment_s=1.0))
    try:
        say(streamer, [True] * 70 + [False] * 25)  # 2.2 s, a segment closes (its words from its peek)
        wait_for(lambda: streamer.last_words() is not None)
        say(streamer, [True] * 30 + [False] * 30)  # ~1 s more, then the end
        wait_for(lambda: streamer.last_words() == "the last words.")
        assert streamer.last_words() == "the last words."
        words = streamer.finish()
    finally:
        streamer.close()
    assert [w.text for w in words] == ["end1", "segment1"] and len(fake.ends) == 1


def test_a_long_segment_closes_at_a_short_pause_whenever_the_peek_starts():
    # The peek starts at its own silence (0.2 s here); a segment 12 s long closes at
    # `long_pause_s` (0.3 s), not before: a shorter gap peeks but does not cut.
    fake = SharedEnd()
    streamer = SegmentingTranscriber(fake, SegmentSettings(peek_s=0.2, long_pause_s=0.3))
    try:
        say(streamer, [True] * 390 + [False] * 7)  # 12.5 s, then a 0.22 s gap
        assert streamer.peeks == 1 and streamer.segments == []
        say(streamer, [True] * 20 + [False] * 10)  # more, then a 0.32 s gap
        assert streamer.peeks == 2 and len(streamer.segments) == 1
        assert 417 * 512 < streamer.segments[0].end < 427 * 512  # in the second gap, not the first
    finally:
        streamer.close()


def test_a_peek_the_person_spoke_over_is_not_decoded_once_encoded():
    # The person goes on while the last words are being encoded: the text is
    # not decoded (`wanted` says no), and nothing waits for it.
    release, asked = threading.Event(), []

    class Encoding(SharedEnd):
        def transcribe_end(self, audio, on_text, wanted=None):
            release.wait(30)  # encoding
            asked.append(wanted())
            if not asked[-1]:
                return None
            return super().transcribe_end(audio, on_text)

    fake = Encoding()
    streamer = SegmentingTranscriber(fake, SegmentSettings(peek_s=0.3))
    try:
        say(streamer, [True] * 90 + [False] * 12)  # a peek starts
        wait_for(lambda: streamer.busy())
        say(streamer, [True] * 10)  # ... and the person goes on
        release.set()
        wait_for(lambda: asked)
        assert asked == [False] and fake.ends == [] and not streamer.peek_pending()
    finally:
        release.set()
        streamer.close()

