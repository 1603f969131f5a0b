"""Record one answer: blocks in, a WAV on disk as it grows, and an end reason."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .formats import SAMPLE_RATE, StreamingWavWriter, rms_dbfs
from .endpoint import EndpointDetector, EndpointSettings, Judge

ENTER = "enter"  # the person pressed Enter (or a line arrived on stdin)
SOURCE_ENDED = "source_ended"  # a file or sample ran out
INTERRUPTED = "interrupted"  # Ctrl-C (or SIGTERM, SIGHUP): the audio so far is kept
FAILED = "failed"  # the microphone went away, the disk filled up...: the audio so far is kept, `error` says why


@dataclass
class RecordingStatus:
    """What the live display shows while the person speaks."""

    elapsed_s: float
    level_dbfs: float
    speaking: bool
    started: bool
    silence_s: float
    hint: str | None = None  # e.g. "take your time — press Enter when you're done" while a pause is waited out


@dataclass
class Recording:
    path: Path
    audio: np.ndarray
    end_reason: str
    first_speech_s: float | None  # audio time of the first speech, None if none
    vad_probabilities: list[float]  # one per 32 ms frame, as the live VAD judged them
    error: Exception | None = None  # why the recording failed (end_reason FAILED)
    decision: object = None  # the end-of-turn decision in force when it ended (turn.TurnDecision), if any
    end_silence_s: float = 0.0  # the silence that ended it (audio time)

    @property
    def duration_s(self) -> float:
        return len(self.audio) / SAMPLE_RATE


def record_answer(
    blocks: Iterable[np.ndarray],
    path: Path,
    vad,
    settings: EndpointSettings = EndpointSettings(),
    stop: threading.Event | None = None,
    on_status: Callable[[RecordingStatus], None] | None = None,
    listener=None,
    judge: Judge | None = None,
    hint: Callable[[object, float], str | None] | None = None,
) -> Recording:
    """Record until the endpoint rule, Enter, Ctrl-C or the source's end.

    Every block is on disk before the next is read, so nothing said is lost
    whatever stops the recording. `listener.push(block, probabilities)`
    sees every block as it arrives (the transcriber that works while the
    person speaks). `judge` says how long each silence must last (see
    endpoint.py); `hint(decision, silence_s)` gives the live line's advice.
    """
    vad.reset()
    detector = EndpointDetector(settings, frame_s=0.032, judge=judge)
    chunks: list[np.ndarray] = []
    all_probabilities: list[float] = []
    reason = SOURCE_ENDED
    error = None
    with StreamingWavWriter(path) as writer:
        try:
            for block in blocks:
                writer.write(block)
                chunks.append(block)
                probabilities = vad.push(block)
                all_probabilities.extend(probabilities)
                if listener is not None:
                    listener.push(block, probabilities)
                for probability in probabilities:
                    ended = detector.update(probability)
                    if ended:
                        reason = ended
                        break
                else:
                    ended = None
                if on_status is not None:
                    on_status(RecordingStatus(
                        elapsed_s=writer.frames / SAMPLE_RATE,
                        level_dbfs=rms_dbfs(block),
                        speaking=detector.silence_s() < 0.1,
                        started=detector.started,
                        silence_s=detector.silence_s(),
                        hint=hint(detector.decision, detector.silence_s()) if hint and detector.decision else None,
                    ))
                if ended:
                    break
                if stop is not None and stop.is_set():
                    reason = ENTER
                    break
        except KeyboardInterrupt:
            reason = INTERRUPTED
        except Exception as exc:  # the caller reports it once the session lists what was kept
            reason, error = FAILED, exc
    audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return Recording(path=Path(path), audio=audio, end_reason=reason, first_speech_s=detector.first_speech_s,
                     vad_probabilities=all_probabilities, error=error, decision=detector.decision,
                     end_silence_s=round(detector.silence_s(), 3))
