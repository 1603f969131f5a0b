"""Speech to text on this machine: faster-whisper behind a small interface."""

from __future__ import annotations

import logging
import re
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from voice_mock.analysis.text import filled_pause_form
from voice_mock.types import Word

from .evidence import RATE, is_hallucinated, merge_filler_runs, sound_activity
from .models import DEFAULT_MODEL, PACKAGED, ModelError, packaged_model_path

log = logging.getLogger("voice_mock.transcriber")

# Whisper's training transcripts mostly leave out um/uh; this short prompt
# measured best at bringing them back (FIELD-NOTES §2). Longer prompts, or
# ones starting with "I'm", caused truncation and loops elsewhere.
FILLER_PROMPT = "Um, uh, hmm, er, ah."
# For the last words before a pause: Whisper tends to drop a dangling "and" or
# "the" as a disfluency; words trailing off in the prompt keep more of them
# (benchmarks/turn_taking.py's development answers: "...the planning team and...").
TAIL_PROMPT = FILLER_PROMPT + " And, so, but, the..."
# What else Whisper could have written where it put the full stop ending the last
# words, and how much of its probability going there makes that stop doubtful.
# benchmarks/turn_taking.py's development answers: at finished endings and between
# sentences 0.01-0.09; the "and" it dropped ("...we tested every night, and [3 s]")
# 0.51 (0.32 on a comma, 0.10 on "and", 0.09 on "...").
CONTINUATIONS = (",", " and", " but", " so", " or", " because", "...")
TAIL_STOP_DOUBT = 0.25


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        """Words with times in seconds from the start of `audio`."""


@dataclass
class WhisperSettings:
    model: str | None = None  # None: the default packaged model; "tiny.en" or "base" (models.py), a folder or a name
    cache_dir: Path | None = None  # where a packaged model that needs joining is kept (models.py)
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0: the cores this process may use
    beam_size: int = 5
    # Two calls at once run in parallel (CTranslate2 workers; the weights are shared,
    # measured: no extra memory): practice peeks at the last words while a segment
    # is being transcribed (speech/streaming.py).
    num_workers: int = 2
    prompt: str = FILLER_PROMPT


def bundled_model_path() -> Path:
    return packaged_model_path("tiny.en")


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WhisperTranscriber:
    def __init__(self, settings: WhisperSettings | None = None) -> None:
        self.settings = settings or WhisperSettings()
        self.name = self.settings.model or DEFAULT_MODEL
        self._model = None
        self.load_seconds: float | None = None
        self.multilingual = False
        self._lock = threading.Lock()  # loaded in the background while the question is spoken

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                self._load()

    def _load(self) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise ModelError("faster-whisper is not installed: pip install faster-whisper") from None
        start = time.perf_counter()
        threads = self.settings.cpu_threads or available_cores()
        source = self.settings.model
        if source is None or source in PACKAGED:
            source = str(packaged_model_path(source or DEFAULT_MODEL, self.settings.cache_dir))
        elif Path(source).expanduser().is_dir():
            source = str(Path(source).expanduser())
        elif not _is_model_name(source):
            raise ModelError(f"model '{source}' is neither a model folder nor a faster-whisper model name")
        kwargs = dict(device="cpu", compute_type=self.settings.compute_type, cpu_threads=threads,
                      num_workers=max(1, self.settings.num_workers))
        try:
            if Path(source).is_dir():
                self._model = WhisperModel(source, **kwargs)
            else:
                self._model = self._load_named(WhisperModel, source, kwargs)
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"cannot load the model '{source}': {exc}") from None
        self.multilingual = bool(getattr(self._model.model, "is_multilingual", False))
        self.load_seconds = time.perf_counter() - start

    @staticmethod
    def _load_named(WhisperModel, name: str, kwargs: dict):
        # Only a model the user named explicitly is ever downloaded.
        try:
            return WhisperModel(name, local_files_only=True, **kwargs)
        except Exception:
            pass
        log.info("downloading model %s", name)
        try:
            return WhisperModel(name, **kwargs)
        except Exception as exc:
            raise ModelError(
                f"model '{name}' is not on this machine and could not be downloaded "
                f"(no network?): {type(exc).__name__}"
            ) from None

    def warm_up(self) -> None:
        """One tiny decode, so the first real answer does not pay for it."""
        self.load()
        self.transcribe(np.zeros(8000, dtype=np.float32))

    def raw_text(self, audio: np.ndarray) -> str:
        """faster-whisper as it comes (no prompt, its default options, no
        clean-up): the baseline the evaluation compares the product with."""
        self.load()
        audio = np.asarray(audio, dtype=np.float32)
        segments, _info = self._model.transcribe(audio, language="en" if self.multilingual else None,
                                                 beam_size=self.settings.beam_size)
        return " ".join(s.text.strip() for s in segments)

    def transcribe_tail(self, audio: np.ndarray) -> str:
        """The last few seconds of speech as plain text, fast: for the end-of-turn
        decision, which needs the last words within a second of silence, not
        their times. Greedy decoding without word times or VAD costs about half
        of `transcribe` on the same audio (benchmarks/turn_taking.py).

        Whisper drops a dangling "and" said with a falling tune and writes a
        full stop ("...we tested every night."), but it is not sure of that
        stop: when TAIL_STOP_DOUBT or more of the model's probability at the
        full stop ending the text went to a comma, "and", "but", "so", "or",
        "because" or "...", the text ends in "..." (trailing off), and the
        decision does not take the sentence as over."""
        self.load()
        audio = np.asarray(audio, dtype=np.float32)
        if len(audio) < 1600:
            return ""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        model = self._model
        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")
        prompt = model.get_prompt(tokenizer, tokenizer.encode(" " + TAIL_PROMPT) if self.settings.prompt else [],
                                  without_timestamps=True)
        # As faster-whisper decodes one 30 s window (greedy, temperature 0; the last
        # feature frame left out as it does), with the logits kept.
        features = model.feature_extractor(audio)
        result = model.model.generate(
            model.encode(pad_or_trim(features[:, : features.shape[-1] - 1])), [prompt], beam_size=1,
            return_scores=True, return_no_speech_prob=True, return_logits_vocab=True, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]))[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        if not tokens or (result.no_speech_prob > 0.6 and avg_logprob < -1.0):  # faster-whisper skips these
            return ""
        text = tokenizer.decode(tokens).strip()
        if tokenizer.decode(tokens[-1:]).strip() in {".", "!"}:
            logits = np.asarray(result.logits[0][len(tokens) - 1], dtype=np.float64).reshape(-1)
            p = np.exp(logits - logits.max())
            going_on = sum(float(p[tokenizer.encode(w)[0]]) for w in CONTINUATIONS) / p.sum()
            if going_on >= TAIL_STOP_DOUBT:
                log.debug("%r: %.2f of the full stop's probability on going on", text, going_on)
                text = text[:-1].rstrip() + "..."
        return text

    def transcribe(self, audio: np.ndarray) -> list[Word]:
        self.load()
        audio = np.asarray(audio, dtype=np.float32)
        if len(audio) < 1600:  # under 0.1 s: nothing to hear
            return []
        active = sound_activity(audio)
        # Silero VAD hears no whispered speech (no voicing) and little of
        # creaky voice: when it would cut sound away, decode all of it; the
        # evidence rules (sound under the words) still drop invented text.
        vad_filter = not vad_misses_sound(audio, active)
        words = self._transcribe(audio, active, vad_filter=vad_filter)
        if not words and vad_filter and active.any():
            words = self._transcribe(audio, active, vad_filter=False)
        return words

    def _transcribe(self, audio: np.ndarray, active: np.ndarray, vad_filter: bool) -> list[Word]:
        segments, _info = self._model.transcribe(
            audio,
            language="en" if self.multilingual else None,
            beam_size=self.settings.beam_size,
            initial_prompt=self.settings.prompt or None,
            word_timestamps=True,
            # Each window decoded on its own: a hallucination cannot seed the next.
            condition_on_previous_text=False,
            # Re-decode at higher temperatures only for repetition loops (high
            # compression ratio), not for low confidence: low confidence is
            # mostly a hallucinated tail after the last word, which five more
            # decodes (1+ s) do not save and the hallucination guards drop.
            log_prob_threshold=None,
            # Skip long silences, where Whisper invents "Thank you."; short
            # pauses stay in (the analysis measures them on the audio).
            vad_filter=vad_filter,
            vad_parameters=VAD_PARAMETERS,
        )
        words: list[Word] = []
        for segment in segments:
            if segment.no_speech_prob > 0.8 and segment.avg_logprob < -1.0:
                continue  # the model itself thinks this is not speech
            seg_words = [
                Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 3))
                for w in segment.words or [] if w.word.strip() and not is_annotation(w.word)
            ]
            # Hallucinations are decided on evidence in the audio, not on the
            # shape of the timestamps: real disfluent sentences come with
            # zero-length stamps too (speech/evidence.py).
            if is_hallucinated(segment.text, seg_words, segment.avg_logprob, active):
                log.debug("dropped a sentence with no speech under it: %s", segment.text)
                continue
            words.extend(seg_words)
        return merge_filler_runs(words, lambda text: filled_pause_form(text) is not None)


VAD_PARAMETERS = dict(min_silence_duration_ms=1000, speech_pad_ms=300)
# Sound VAD would cut away (seconds) before the audio is decoded without it:
# whispered words last 0.2-0.5 s; a breath or click between heard words is
# shorter, and lies within VAD's 0.3 s padding anyway.
MISSED_SOUND_S = 0.3


def vad_misses_sound(audio: np.ndarray, active: np.ndarray, hop_s: float = 0.02) -> bool:
    """Whether faster-whisper's VAD filter (VAD_PARAMETERS) would cut away
    at least MISSED_SOUND_S of sound (`active`, speech/evidence.py): speech
    with no voicing, which Silero does not hear (measured on the whispered
    and creaky clips of tests/data/real: 0.1 s of 5 s of whisper heard)."""
    if active.sum() * hop_s < MISSED_SOUND_S:
        return False
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    kept = np.zeros(len(active), dtype=bool)
    for chunk in get_speech_timestamps(audio, VadOptions(**VAD_PARAMETERS)):
        kept[int(chunk["start"] / (RATE * hop_s)): int(np.ceil(chunk["end"] / (RATE * hop_s)))] = True
    return float((active & ~kept).sum() * hop_s) >= MISSED_SOUND_S


_ANNOTATION = re.compile(r"^\W*[\[(*♪].*[\])*♪]\W*$")


def is_annotation(text: str) -> bool:
    """"[laughter]", "(laughs)", "*coughs*", "♪": Whisper's notes of sounds
    that are not words. Neither a word nor a filler."""
    return bool(_ANNOTATION.match(text.strip()))


def _is_model_name(name: str) -> bool:
    try:
        from faster_whisper.utils import available_models
    except ImportError:
        return True
    return name in available_models() or "/" in name
