"""When has the person finished answering? Pure logic on audio time.

Fed one speech probability per VAD frame; never looks at the wall clock, so
a file fed at any speed ends where a live microphone would, given the same
end-of-turn decisions.

How long a silence must last is asked of a `judge` (the end-of-turn decision,
voice_mock/turn.py, fed by the live transcript and the voice: see
interview/turn_judge.py): a finished-sounding answer ends after a short
silence, an unfinished one is waited out up to `end_silence_s`. Without a
judge (no transcript), the fixed rule of `end_silence_s` holds, with a longer
wait early in the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EndpointSettings:
    # The longest silence ever waited after speech (--end-silence): a pause
    # mid-sentence or after "um" is waited out this long; an answer that
    # sounds finished ends much sooner (the judge decides). Interview answers
    # hold thinking pauses of 1-4 s.
    end_silence_s: float = 6.0
    # Without a judge only: until the person has spoken this long, a pause
    # must last early_end_silence_s ("My greatest weakness... hmm").
    early_speech_s: float = 8.0
    early_end_silence_s: float = 5.0
    max_answer_s: float = 180.0
    no_speech_timeout_s: float = 20.0
    # Speech shorter than this (a cough, a click) does not start the answer.
    min_speech_s: float = 0.25
    threshold: float = 0.5


FINISHED = "finished"  # speech followed by the silence the judge (or end_silence_s) asked for
MAX_LENGTH = "max_length"
NO_SPEECH = "no_speech"

# judge(silence_s, spoken_s) -> a decision with `.wait_s` (seconds this silence must last).
Judge = Callable[[float, float], object]


class EndpointDetector:
    def __init__(self, settings: EndpointSettings, frame_s: float, judge: Judge | None = None) -> None:
        self.settings = settings
        self.frame_s = frame_s
        self.judge = judge
        self.decision = None  # the judge's latest decision in the current silence
        self.time_s = 0.0
        self.speech_s = 0.0  # total voiced time so far
        self.first_speech_s: float | None = None
        self.last_speech_end_s = 0.0
        self._run_s = 0.0  # length of the current voiced run

    @property
    def started(self) -> bool:
        return self.first_speech_s is not None

    def update(self, probability: float) -> str | None:
        """Advance one frame; return an end reason once the answer is over."""
        s = self.settings
        self.time_s += self.frame_s
        if probability >= s.threshold:
            self.decision = None
            self._run_s += self.frame_s
            self.speech_s += self.frame_s
            self.last_speech_end_s = self.time_s
            if self.first_speech_s is None and self._run_s >= s.min_speech_s:
                self.first_speech_s = self.time_s - self._run_s
        else:
            self._run_s = 0.0
        if self.time_s >= s.max_answer_s:
            return MAX_LENGTH
        if self.started and self.silence_s() > 0 and self.silence_s() >= self.required_silence_s():
            return FINISHED
        if not self.started and self.time_s >= s.no_speech_timeout_s:
            return NO_SPEECH
        return None

    def required_silence_s(self) -> float:
        s = self.settings
        if self.judge is not None and self.started:
            self.decision = self.judge(self.silence_s(), self.last_speech_end_s - self.first_speech_s)
            return min(self.decision.wait_s, s.end_silence_s)
        if self.speech_s < s.early_speech_s:
            return max(s.end_silence_s, s.early_end_silence_s)
        return s.end_silence_s

    def silence_s(self) -> float:
        """Silence since the last speech (or since the start)."""
        return self.time_s - self.last_speech_end_s
