"""Feeds the end-of-turn decision (voice_mock/turn.py) from the live answer.

The recorder asks, at every 32 ms frame of a silence, how long that silence
must last. This glue gathers the evidence: the last words (the streaming
transcriber's peek at the speech before the silence), the pitch and loudness
of the last voiced stretch (speech/ending.py), a held "um"-like sound at the
very end (speech/acoustics.py), and how long the person has spoken against
what the question expects; the pure `decide` does the rest. The audio
measures run once per silence, on at most the last 2 s of speech.
"""

from __future__ import annotations

import time

import numpy as np

from voice_mock.audio.formats import SAMPLE_RATE
from voice_mock.speech.acoustics import steady_voiced
from voice_mock.speech.streaming import SegmentSettings
from voice_mock.speech.ending import ending_prosody
from voice_mock.turn import UNFINISHED, Prosody, TurnDecision, TurnEvidence, TurnSettings, decide

PEEK_S = 0.3  # silence after which the streaming transcriber peeks at the last words
# 0.2 s was tried: the same decisions (--fast), but 2.4x as many peeks in real time (48 for
# the held-out answers, not 20), each an encoding of the audio even when spoken over, and
# the last words came later (median 0.81 s, not 0.58 s): waits median 1.80 s, not 1.28 s.
# Segments close at 0.6 s pauses (SegmentSettings.pause_s). Closing them at the
# peek's 0.3 s kept them ~8-12 s (none still being transcribed at the end: 1.9 s
# from the last word to feedback instead of 4.2 s, benchmarks/turn_pulse.py) but
# left a 2.3 s last segment that Whisper misheard ("blow with you"): not adopted.
LIVE_SEGMENTS = SegmentSettings(peek_s=PEEK_S)
PROSODY_SPAN_S = 2.0  # speech before the silence that the pitch and loudness come from
HELD_SPAN_S = 1.0  # ... and the held-sound check
HINT = "take your time — press Enter when you're done"
HINT_AFTER_S = 1.0  # a silence this long that is being waited out gets the hint


class TurnJudge:
    def __init__(self, streamer, expected_s: tuple[float, float] | None, max_wait_s: float,
                 settings: TurnSettings | None = None) -> None:
        self.streamer = streamer
        self.expected_s = expected_s
        self.max_wait_s = max_wait_s
        self.settings = settings or TurnSettings()
        self._measured_at: float | None = None
        self._prosody: Prosody | None = None
        self._held_s = 0.0
        # (speech end s, silence s, decision, evidence) each time the decision changes: for benchmarks.
        self.log: list[tuple[float, float, TurnDecision, TurnEvidence]] = []

    def _measure(self, voiced_end_s: float) -> None:
        if self._measured_at == voiced_end_s:
            return
        self._measured_at = voiced_end_s
        end = int(voiced_end_s * SAMPLE_RATE)
        audio = self.streamer.recent_audio(end, int(PROSODY_SPAN_S * SAMPLE_RATE))
        p = ending_prosody(audio)
        self._prosody = Prosody(p.pitch_slope_st_s, p.level_change_db, p.voiced_s)
        tail = audio[-int(HELD_SPAN_S * SAMPLE_RATE):]
        held = [iv for iv in steady_voiced(tail) if iv.end >= len(tail) / SAMPLE_RATE - 0.15]
        self._held_s = round(max((iv.end - iv.start for iv in held), default=0.0), 3)

    def __call__(self, silence_s: float, spoken_s: float) -> TurnDecision:
        voiced_end = self.streamer.last_voiced_s()
        self._measure(voiced_end)
        text = self.streamer.last_words()
        evidence = TurnEvidence(
            words=tuple(text.split()) if text is not None else None, spoken_s=spoken_s,
            expected_s=self.expected_s, prosody=self._prosody, held_end_s=self._held_s,
        )
        decision = decide(evidence, self.max_wait_s, self.settings)
        if not self.log or self.log[-1][0] != voiced_end or self.log[-1][2] != decision:
            self.log.append((voiced_end, round(silence_s, 3), decision, evidence))
        return decision


def hint(decision, silence_s: float) -> str | None:
    """The live line's advice while a long pause is being waited out."""
    if decision is not None and silence_s >= HINT_AFTER_S and (
            decision.verdict == UNFINISHED or decision.wait_s > 2 * HINT_AFTER_S):
        return HINT
    return None


def ending_note(recording, max_wait_s: float) -> dict | None:
    """How an answer that ended on silence ended, for the feedback:
    {"silence_s", "verdict", "reason", "message"}; None for other ends (Enter...)."""
    if recording.end_reason != "finished":
        return None
    silence = round(recording.end_silence_s, 1)
    decision = getattr(recording, "decision", None)
    verdict = decision.verdict if decision is not None else None
    reason = decision.reason if decision is not None else "no transcript to judge by"
    if decision is None or decision.wait_s >= max_wait_s - 1e-6:
        message = f"ended after {silence:.1f} s: the longest pause allowed (--end-silence)"
        if verdict == UNFINISHED:
            message += f", although {reason}"
    else:
        message = f"ended after {silence:.1f} s: {reason}"
    return {"silence_s": silence, "verdict": verdict, "reason": reason, "message": message}


def keep_pace(blocks, streamer, timeout_s: float = 30.0):
    """Blocks of a clip fed faster than real time, held back in silences until the
    last words before them are transcribed: the answer then ends where it would
    have ended live on a machine that keeps up (the demo; tests)."""
    for block in blocks:
        if not np.any(block):
            deadline = time.monotonic() + timeout_s
            while streamer.peek_pending() and time.monotonic() < deadline:
                time.sleep(0.01)
        yield block
