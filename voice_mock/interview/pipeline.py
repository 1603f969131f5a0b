"""From answer audio to feedback: transcribe, measure, analyse.

The only stage that joins the model and the audio measurements to the pure
analysis; `practice`, `demo`, `analyze` and the evaluation all go through it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from voice_mock.speech.acoustics import steady_voiced
from voice_mock.speech.evidence import sound_activity, sound_intervals, with_quiet_speech
from voice_mock.speech.prosody import pitch_track
from voice_mock.audio.formats import SAMPLE_RATE
from voice_mock.audio import memory
from voice_mock.audio.memory import release_freed_memory
from voice_mock.types import Company, Interval, PitchTrack, Question, Word
from voice_mock.audio.vad import intervals_from_probabilities, speech_intervals, speech_probabilities
from voice_mock.speech.streaming import FRAME, SegmentingTranscriber, SegmentSettings

# Longer recordings are transcribed in windows cut at pauses (analyze_audio).
# Every sample answer (up to 2 minutes) and every practice answer within the
# default limit is shorter, and keeps the one-pass transcription it was tuned on.
WINDOWED_FROM_S = 200.0


@dataclass
class AnswerAnalysis:
    words: list[Word]
    speech: list[Interval]
    duration_s: float
    feedback: object  # voice_mock.analysis.Feedback
    steady: list[Interval] | None = None  # steady voiced stretches (speech/acoustics.py); None: not measured
    prosody: PitchTrack | None = None  # pitch and level per frame (speech/prosody.py); None: not measured

    def transcript_dict(self) -> dict:
        return {
            "schema_version": 1,
            "duration_s": round(self.duration_s, 3),
            "words": [
                {"text": w.text, "start": w.start, "end": w.end, "probability": w.probability}
                for w in self.words
            ],
            "speech": [{"start": s.start, "end": s.end} for s in self.speech],
            # Saved so a replay re-analyses with the same acoustic evidence.
            **({"steady": [{"start": s.start, "end": s.end} for s in self.steady]} if self.steady is not None else {}),
            **({"prosody": self.prosody.to_dict()} if self.prosody is not None else {}),
        }


def words_from_dict(data: dict) -> list[Word]:
    return [Word(w["text"], float(w["start"]), float(w["end"]), float(w.get("probability", 1.0))) for w in data["words"]]


def speech_from_dict(data: dict) -> list[Interval]:
    return [Interval(float(s["start"]), float(s["end"])) for s in data["speech"]]


def steady_from_dict(data: dict) -> list[Interval] | None:
    """None for transcripts saved before the acoustic measure existed."""
    if "steady" not in data:
        return None
    return [Interval(float(s["start"]), float(s["end"])) for s in data["steady"]]


def prosody_from_dict(data: dict) -> PitchTrack | None:
    """None for transcripts saved before pitch was measured (or a damaged contour)."""
    try:
        return PitchTrack.from_dict(data["prosody"]) if "prosody" in data else None
    except (KeyError, TypeError, ValueError):
        return None


def analyze_measured(
    words: list[Word],
    speech: list[Interval],
    duration_s: float,
    question: Question | None,
    company: Company | None,
    response_latency_s: float | None,
    config=None,
    steady: list[Interval] | None = None,
    prosody: PitchTrack | None = None,
    meaning=None,
) -> AnswerAnalysis:
    """`meaning`: the sentence-meaning scorer (voice_mock.meaning), or None."""
    from voice_mock.analysis import analyze

    feedback = analyze(
        words, speech, duration_s, question=question, company=company,
        response_latency_s=response_latency_s, config=config, steady=steady, prosody=prosody, meaning=meaning,
    )
    return AnswerAnalysis(words, speech, duration_s, feedback, steady, prosody)


@dataclass(frozen=True)
class AudioMeasures:
    """What the analysis measures on the audio alone, given the speech it was measured over."""

    speech: tuple[Interval, ...]
    steady: list[Interval]
    prosody: PitchTrack


def audio_measures(audio: np.ndarray, speech, release_memory: bool = False) -> AudioMeasures:
    """Held "um"/"uh" Whisper left out or folded into a word (~0.1 s per 2
    minutes of audio on 2 cores) and pitch and loudness per 20 ms frame for
    the delivery findings (~0.1-0.2 s, benchmarks/prosody.py). No words
    needed: `practice` runs this while the last words are still being
    transcribed (interview/loop.py)."""
    speech = tuple(speech)
    steady = steady_voiced(audio, speech)
    if release_memory:  # a long recording: freed memory back to the system before pitch
        release_freed_memory()
    return AudioMeasures(speech, steady, pitch_track(audio, SAMPLE_RATE, speech))


def speech_heard(audio: np.ndarray, vad_probabilities, words: list[Word]) -> list[Interval]:
    """The speech the analysis measures over (as analyze_audio finds it from the
    recorder's VAD probabilities): VAD's speech, plus the sound under confident
    words that VAD missed (speech/evidence.py). With the words of all but the
    last segment it is usually the final speech already: `practice` measures
    pitch and held sounds over it while the last words are transcribed."""
    return with_quiet_speech(intervals_from_probabilities(vad_probabilities), sound_intervals(sound_activity(audio)),
                             words)


def analyze_audio(
    audio: np.ndarray,
    transcriber,
    question: Question | None = None,
    company: Company | None = None,
    response_latency_s: float | None = None,
    config=None,
    words: list[Word] | None = None,
    vad_probabilities: list[float] | None = None,
    meaning=None,
    on_progress: Callable[[float], None] | None = None,
    measures: AudioMeasures | None = None,
) -> AnswerAnalysis:
    """`words`, when given, are a transcription already made (e.g. while
    recording); `vad_probabilities`, the recorder's per-frame speech
    probabilities, spare running the VAD over the whole answer again.

    A recording longer than WINDOWED_FROM_S is transcribed in windows cut at
    pauses, as while recording (transcribe_in_windows):
    memory stays bounded and no speech is lost to drifting timestamps.
    `on_progress(seconds transcribed)` is called as the windows are done.
    `measures`: audio_measures() made beforehand over the VAD speech; used
    when the speech is still the same once the words are known (whispered
    words can add to it), else measured again."""
    duration_s = len(audio) / SAMPLE_RATE
    windowed = words is None and duration_s > WINDOWED_FROM_S
    if windowed:  # a long recording: each stage starts from what is still in use (audio/memory.py)
        release_freed_memory()
    if vad_probabilities is not None:
        speech = intervals_from_probabilities(vad_probabilities)
    elif windowed:  # one VAD pass serves the windows and the pauses
        vad_probabilities = speech_probabilities(audio)
        speech = [Interval(iv.start, min(iv.end, round(duration_s, 3)))
                  for iv in intervals_from_probabilities(vad_probabilities)]
    else:
        speech = speech_intervals(audio)
    if windowed:
        release_freed_memory()  # the voice detector's working memory
        words = transcribe_in_windows(audio, vad_probabilities, transcriber, on_segment=on_progress)
        release_freed_memory()
    elif words is None:
        words = transcriber.transcribe(audio)
    # Whispered words VAD did not hear are speech too (speech/evidence.py).
    speech = with_quiet_speech(speech, sound_intervals(sound_activity(audio)), words)
    if measures is None or measures.speech != tuple(speech):
        measures = audio_measures(audio, speech, release_memory=windowed)
    steady, prosody = measures.steady, measures.prosody
    if response_latency_s is None and speech:
        # The recording starts when the question ends, so the first speech is the latency.
        response_latency_s = speech[0].start
    return analyze_measured(
        words, speech, len(audio) / SAMPLE_RATE, question, company, response_latency_s, config, steady, prosody, meaning
    )


def transcribe_in_windows(
    audio: np.ndarray,
    probabilities,
    transcriber,
    on_segment: Callable[[float], None] | None = None,
    settings: SegmentSettings | None = None,
) -> list[Word]:
    """A whole recording transcribed as an answer is while it is recorded:
    in windows of 8-25 s cut in pauses, each decoded on its own.

    For long files: one faster-whisper pass over 30 minutes holds features
    for all of it (GBs) and its word timestamps drift from window to window.
    `probabilities`: one VAD speech probability per 512-sample frame
    (audio.vad.speech_probabilities). No guessing at the end: the whole
    recording is there. `on_segment(seconds done)` reports progress."""
    settings = replace(settings or SegmentSettings(), end_guess_s=math.inf)

    def done(seconds: float) -> None:
        memory.release_freed_memory()  # what this window's decoding freed: not kept beside the next one's
        if on_segment is not None:
            on_segment(seconds)

    segmenter = SegmentingTranscriber(transcriber, settings, on_segment=done)
    try:
        for i in range(0, len(audio), FRAME):
            segmenter.push(audio[i : i + FRAME], probabilities[i // FRAME : i // FRAME + 1])
        return segmenter.finish()
    finally:
        segmenter.close()

