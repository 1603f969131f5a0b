"""The pieces of a live transcription (speech/streaming.py): its settings, the
segments cut at pauses, and the peeks at the last words before a silence."""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

import numpy as np

from voice_mock.audio.formats import SAMPLE_RATE
from voice_mock.types import Word

from .evidence import heard_end

FRAME = 512
TAIL_PAD_S = 0.25
# Sound VAD did not hear after the guessed last segment (seconds) that makes
# it transcribed again to the end: whispered words, not a breath (0.2-0.4 s).
GUESS_OVERRULED_S = 0.5


@dataclass(frozen=True)
class SegmentSettings:
    pause_s: float = 0.6  # a silence this long closes a segment
    min_segment_s: float = 8.0  # shorter segments give Whisper too little context (measured: streamed vs one-shot WER 5.5% at 4 s, 4.1% at 8 s)
    max_segment_s: float = 25.0  # Whisper reads 30 s windows; cut before that
    end_guess_s: float = 0.6  # a silence this long may be the end: transcribe speculatively (as a segment closes: pause_s)
    # A silence this long: transcribe the last words for the end-of-turn decision
    # (the interview loop sets 0.3 s; None: no peeks, e.g. transcription only).
    peek_s: float | None = None
    peek_span_s: float = 4.0  # ... this much speech before the silence (started at a gap when there is one)
    # ... or all of the segment still open when it is this short: the peek is then the guess too;
    # but not under shared_min_s: a second or two of speech alone gives Whisper too little
    # context for the decision's words (the peek above reaches back before the segment).
    shared_span_s: float = 12.0
    shared_min_s: float = 2.0
    # A segment this long closes at a silence of `long_pause_s` already (not `pause_s`): fluent
    # speech with short gaps otherwise runs to max_segment_s, cut wherever that falls,
    # at worst as the answer ends (25 s of audio left to transcribe then).
    long_segment_s: float = 12.0
    long_pause_s: float = 0.3
    threshold: float = 0.5


@dataclass
class Segment:
    start: int  # sample index in the answer
    end: int
    voiced_end: int  # end of the last speech in it
    speculative: bool = False  # the guessed last segment: its words are kept apart
    cancelled: bool = False  # the person went on: skip or ignore it
    words: list[Word] = field(default_factory=list)
    transcribed: bool = False  # words holds its transcription
    # Transcribed with a peek at the last words (SegmentSettings.shared_span_s):
    # set once that peek is over, whether it transcribed the segment or not.
    by_peek: threading.Event | None = None

    def span_to_transcribe(self) -> tuple[int, int]:
        # Whisper invents "Thank you." in trailing silence: stop shortly after the speech.
        return self.start, min(self.end, self.voiced_end + int(TAIL_PAD_S * SAMPLE_RATE))


@dataclass
class Peek:
    """The last words before one silence, as plain text."""

    start: int
    voiced_end: int
    cancelled: bool = False
    text: str | None = None  # None until transcribed
    segment: Segment | None = None  # the open segment, transcribed with it (then start == segment.start)


def shifted(words: list[Word], offset: float) -> list[Word]:
    """A segment's words, timed from the start of the answer (`offset` s in)."""
    return [Word(w.text, round(w.start + offset, 3), round(w.end + offset, 3), w.probability) for w in words]


def segment_audio(chunks: list[np.ndarray], offsets: list[int], segment: Segment) -> np.ndarray:
    """A segment's audio, joined from the recorded chunks it spans only (not the
    whole answer: on a long recording that copy grew with every segment).
    `offsets`: the first sample of each chunk."""
    start, end = segment.span_to_transcribe()
    first = max(bisect.bisect_right(offsets, start) - 1, 0)
    last = bisect.bisect_left(offsets, segment.end)
    if last <= first:
        return np.zeros(0, dtype=np.float32)
    audio = np.concatenate(chunks[first:last])
    whole = audio[start - offsets[first] : segment.end - offsets[first]]
    # Sound after the last speech VAD heard (whispered words) is kept.
    return whole[: heard_end(whole, max(0, end - start))]
