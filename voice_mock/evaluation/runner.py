"""The evaluation runner behind `voice-mock evaluate` (cli/evaluate.py shows
its table): the analysis against the ground truth of samples/.

Each sample goes through the product's own path (blocks → streaming
transcription → speech intervals → analysis) and is scored with the pure
metrics of metrics.py: filled-pause precision and recall (time overlap),
recall of pauses of 1 s or more with their boundary error, words-per-minute
error, word error rate, and words reported inside a true silence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from voice_mock.audio.formats import load_audio
from .metrics import (
    load_ground_truth, match_spans, pause_recall, precision_recall, relative_error, word_error_rate,
    words_in_silence,
)
from voice_mock.types import Interval, Word


@dataclass
class SampleScore:
    id: str
    filler_tp: int
    filler_fp: int
    filler_fn: int
    long_pauses: int
    long_pauses_found: int
    boundary_error_s: float
    wpm_truth: float
    wpm_found: float | None
    wer: float
    words_in_silence: list[str] = field(default_factory=list)
    # Only the counted filled pauses (confidence >= 0.5; the figures above
    # match every listed one, "possible" ones included, as measured since issue 3).
    counted_tp: int = 0
    counted_fp: int = 0
    counted_fn: int = 0

    @property
    def wpm_error(self) -> float:
        return math.inf if self.wpm_found is None else relative_error(self.wpm_found, self.wpm_truth)


def inner_pauses(truth: dict) -> list[dict]:
    """Inserted pauses between speech; silence after the last word is not a pause."""
    speech = truth["speech"]
    if not speech:
        return []
    first, last = speech[0]["start"], speech[-1]["end"]
    return [p for p in truth["pauses"] if p["start"] >= first and p["end"] <= last]


def truth_wpm(truth: dict) -> float:
    """Lexical words a minute over the answer, as the analysis measures it:
    from the first sound the person made (a word or a filler) to the last, and
    counting words as said (a numeral as the words it is read as, "2023" = 3)."""
    from .metrics import spoken_word_total

    spans = truth["speech"] + truth["fillers"]
    if not spans:
        return 0.0
    span = max(s["end"] for s in spans) - min(s["start"] for s in spans)
    return spoken_word_total(truth["text"]) / span * 60 if span > 0 else 0.0


def score_sample(truth: dict, feedback: dict) -> SampleScore:
    hes = feedback["hesitation"]
    tp, fp, fn = match_spans(truth["fillers"], hes["filled_pauses"])
    counted = match_spans(truth["fillers"], [f for f in hes["filled_pauses"] if f["confidence"] >= 0.5])
    pauses = inner_pauses(truth)
    long_truth = [p for p in pauses if p["duration_s"] >= 1.0]
    recall, boundary = pause_recall(pauses, hes["pauses"], min_duration=1.0, tolerance_s=0.15)
    lexical = [w for w in feedback["words"] if w.get("kind") == "word"]
    hypothesis = " ".join(w["text"] for w in lexical)
    silent = words_in_silence(
        [Word(w["text"], w["start"], w["end"]) for w in feedback["words"]],
        [Interval(p["start"], p["end"]) for p in truth["pauses"]],
    )
    return SampleScore(
        id=truth["id"], filler_tp=tp, filler_fp=fp, filler_fn=fn,
        long_pauses=len(long_truth), long_pauses_found=round(recall * len(long_truth)),
        boundary_error_s=boundary, wpm_truth=truth_wpm(truth),
        wpm_found=feedback["pacing"].get("words_per_minute"),
        wer=word_error_rate(truth["text"], hypothesis),
        words_in_silence=[f"{w.text}@{w.start:.2f}" for w in silent],
        counted_tp=counted[0], counted_fp=counted[1], counted_fn=counted[2],
    )


def analyze_sample(flac: Path, truth: dict, transcriber, banks) -> dict:
    """The practice path on a sample, with its question."""
    from voice_mock.banks import find_question

    return analyze_file(flac, transcriber, find_question(banks, truth["question_id"]))


def analyze_file(flac: Path, transcriber, question=None) -> dict:
    """The practice path on a file: recorder, live VAD, streaming transcription, analysis."""
    return practice_analysis(flac, transcriber, question).feedback.to_dict()


def practice_analysis(path: Path, transcriber, question=None):
    """The practice path on a file once (recorder, live VAD, streaming
    transcription, acoustics, pitch): the pipeline's AnswerAnalysis."""
    import tempfile

    from voice_mock.audio.endpoint import EndpointSettings
    from voice_mock.interview.pipeline import analyze_audio
    from voice_mock.audio.recorder import record_answer
    from voice_mock.audio.sources import array_source
    from voice_mock.speech.streaming import SegmentingTranscriber
    from voice_mock.audio.vad import StreamingVad

    audio = load_audio(path)
    streamer = SegmentingTranscriber(transcriber)
    # The whole file is the answer: no end-of-answer rule may cut it short.
    whole = EndpointSettings(end_silence_s=1e9, early_end_silence_s=1e9, max_answer_s=1e9, no_speech_timeout_s=1e9)
    with tempfile.TemporaryDirectory() as tmp:
        recording = record_answer(array_source(audio), Path(tmp) / "answer.wav", StreamingVad(), whole,
                                  listener=streamer)
    words = streamer.finish()
    return analyze_audio(recording.audio, transcriber, question, words=words,
                         vad_probabilities=recording.vad_probabilities)


@dataclass
class Totals:
    filler_precision: float
    filler_recall: float
    long_pause_recall: float
    boundary_error_s: float
    worst_wpm_error: float
    mean_wer: float
    words_in_silence: int
    counted_precision: float = 1.0  # counted filled pauses only
    counted_recall: float = 1.0


def totals(scores: list[SampleScore]) -> Totals:
    tp = sum(s.filler_tp for s in scores)
    fp = sum(s.filler_fp for s in scores)
    fn = sum(s.filler_fn for s in scores)
    precision, recall = precision_recall(tp, fp, fn)
    n_long = sum(s.long_pauses for s in scores)
    errors = [s.boundary_error_s for s in scores if not math.isnan(s.boundary_error_s)]
    return Totals(
        filler_precision=precision, filler_recall=recall,
        long_pause_recall=sum(s.long_pauses_found for s in scores) / n_long if n_long else 1.0,
        boundary_error_s=sum(errors) / len(errors) if errors else math.nan,
        worst_wpm_error=max(s.wpm_error for s in scores),
        mean_wer=sum(s.wer for s in scores) / len(scores),
        words_in_silence=sum(len(s.words_in_silence) for s in scores),
        **dict(zip(("counted_precision", "counted_recall"), precision_recall(
            sum(s.counted_tp for s in scores), sum(s.counted_fp for s in scores), sum(s.counted_fn for s in scores)))),
    )


def evaluate(samples_dir: Path, transcriber, banks, progress=None) -> tuple[list[SampleScore], Totals]:
    paths = sorted(samples_dir.glob("*.json"))
    paths = [p for p in paths if p.with_suffix(".flac").is_file()]
    scores = []
    for i, path in enumerate(paths, start=1):
        truth = load_ground_truth(path)
        if progress:
            progress(i, len(paths), truth["id"])
        feedback = analyze_sample(path.with_suffix(".flac"), truth, transcriber, banks)
        scores.append(score_sample(truth, feedback))
    return scores, totals(scores)
