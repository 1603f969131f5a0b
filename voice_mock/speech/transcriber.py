"""Speech to text on this machine: faster-whisper behind a small interface."""

from __future__ import annotations

import logging
import re
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

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
    # False: a named model not on this machine is an error, not a download (a
    # re-analysis uses the session's model only if it is already here).
    download: bool = True


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
                self._model = self._load_named(WhisperModel, source, kwargs, self.settings.download)
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"cannot load the model '{source}': {exc}") from None
        self.multilingual = bool(getattr(self._model.model, "is_multilingual", False))
        self._model.encode = _ReusedEncoding(self._model.encode)
        self.load_seconds = time.perf_counter() - start

    @staticmethod
    def _load_named(WhisperModel, name: str, kwargs: dict, download: bool = True):
        # Only a model the user named explicitly is ever downloaded.
        try:
            return WhisperModel(name, local_files_only=True, **kwargs)
        except Exception:
            if not download:
                raise ModelError(f"model '{name}' is not on this machine") from None
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

    def transcribe_tail(self, audio: np.ndarray, keep_encoding: bool = False,
                        wanted: Callable[[], bool] | None = None) -> str | None:
        """The last few seconds of speech as plain text, fast: for the end-of-turn
        decision, which needs the last words within a second of silence, not
        their times. Greedy decoding without word times or VAD costs about half
        of `transcribe` on the same audio (benchmarks/turn_taking.py).

        Whisper drops a dangling "and" said with a falling tune and writes a
        full stop ("...we tested every night."), but it is not sure of that
        stop: when TAIL_STOP_DOUBT or more of the model's probability at the
        full stop ending the text went to a comma, "and", "but", "so", "or",
        "because" or "...", the text ends in "..." (trailing off), and the
        decision does not take the sentence as over.

        `keep_encoding`: the window's encoding is kept for the next call in
        this thread on the same audio (`transcribe_end`). `wanted`: asked once
        the audio is encoded (most of the cost); None is returned, without
        decoding, when it says the text is no longer wanted (the person went on)."""
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
        window = pad_or_trim(features[:, : features.shape[-1] - 1])
        encoded = model.encode(window)
        if keep_encoding:
            model.encode.keep(window, encoded)
        if wanted is not None and not wanted():
            return None
        result = model.model.generate(
            encoded, [prompt], beam_size=1,
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
        chunks = speech_chunks(audio, active)
        words = self._transcribe(audio, active, chunks)
        if not words and chunks is not None and active.any():
            words = self._transcribe(audio, active, None)
        return words

    def transcribe_end(self, audio: np.ndarray, on_text: Callable[[str], bool | None],
                       wanted: Callable[[], bool] | None = None) -> list[Word] | None:
        """The last words of an answer, twice from one encoding of the audio:
        first as `transcribe_tail`'s text, handed to `on_text` (the end-of-turn
        decision), then as `transcribe`'s words with times (the transcript).
        Both decode the audio `transcribe` decodes (its speech, VAD's way), so
        the 30 s window is encoded once (~0.4 s of the ~0.5-0.7 s each costs).
        None, without the words, when `on_text` returns False; without the text
        either (`on_text` not called) when `wanted` says so once the audio is encoded."""
        self.load()
        audio = np.asarray(audio, dtype=np.float32)
        if len(audio) < 1600:
            on_text("")
            return []
        active = sound_activity(audio)
        chunks = speech_chunks(audio, active)
        try:
            text = self.transcribe_tail(decoded_audio(audio, chunks), keep_encoding=True, wanted=wanted)
            if text is None or on_text(text) is False:
                return None  # the words are no longer wanted
            words = self._transcribe(audio, active, chunks)
        finally:
            self._model.encode.forget()
        if not words and chunks is not None and active.any():
            words = self._transcribe(audio, active, None)
        return words

    def _transcribe(self, audio: np.ndarray, active: np.ndarray, chunks: list[dict] | None) -> list[Word]:
        """`chunks`: the speech VAD heard (faster-whisper's VAD filter, run once
        here), decoded alone; None: all of the audio."""
        if chunks is not None and not chunks:
            return []  # VAD heard no speech: faster-whisper decodes nothing either
        segments, _info = self._model.transcribe(
            decoded_audio(audio, chunks),
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
            # Long silences were skipped above (VAD_PARAMETERS), where Whisper
            # invents "Thank you."; short pauses stay in (the analysis measures
            # them on the audio).
            vad_filter=False,
        )
        if chunks:
            from faster_whisper.transcribe import restore_speech_timestamps

            segments = restore_speech_timestamps(segments, chunks, RATE)
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
            if not sound_after(active, max([segment.end] + [w.end for w in seg_words])):
                # faster-whisper would encode the audio after the last word again as a
                # window of its own (~0.4 s on 2 cores) to find nothing but silence in it.
                break
        return merge_filler_runs(words, lambda text: filled_pause_form(text) is not None)


VAD_PARAMETERS = dict(min_silence_duration_ms=1000, speech_pad_ms=300)


def speech_chunks(audio: np.ndarray, active: np.ndarray) -> list[dict] | None:
    """The speech faster-whisper's VAD filter keeps (VAD_PARAMETERS), as its
    sample ranges; None when it would cut away sound (`vad_misses_sound`):
    then all of the audio is decoded."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    chunks = get_speech_timestamps(audio, VadOptions(**VAD_PARAMETERS))
    return None if _misses_sound(active, chunks) else chunks


def decoded_audio(audio: np.ndarray, chunks: list[dict] | None) -> np.ndarray:
    """What the model hears: the speech chunks joined (as faster-whisper's VAD filter does), or all of it."""
    if chunks is None:
        return audio
    return np.concatenate([audio[c["start"]: c["end"]] for c in chunks]) if chunks else audio[:0]


class _ReusedEncoding:
    """The model's `encode`, except for the window kept by `keep` in this thread:
    its encoding is handed back instead of computed again (WhisperModel.transcribe
    encodes each 30 s window through `encode`)."""

    def __init__(self, encode) -> None:
        self._encode = encode
        self._kept = threading.local()

    def keep(self, window: np.ndarray, encoded) -> None:
        self._kept.item = (window, encoded)

    def forget(self) -> None:
        self._kept.item = None

    def __call__(self, features: np.ndarray):
        kept = getattr(self._kept, "item", None)
        if kept is not None and kept[0].shape == features.shape and np.array_equal(kept[0], features):
            return kept[1]
        return self._encode(features)


# Sound after the last word written (seconds, past a margin for its end's
# drift) that is worth decoding again: a short word or an "um" lasts 0.2 s or
# more; the 0.25 s of silence kept after the speech, or a click, less.
TRAILING_SOUND_S = 0.15
TRAILING_MARGIN_S = 0.1


def sound_after(active: np.ndarray, end_s: float, hop_s: float = 0.02) -> bool:
    """Whether at least TRAILING_SOUND_S of sound (`active`, speech/evidence.py)
    lies after `end_s` + TRAILING_MARGIN_S: the audio after the last word
    written may hold words, and is worth decoding."""
    rest = active[int(round((end_s + TRAILING_MARGIN_S) / hop_s)):]
    return float(rest.sum() * hop_s) >= TRAILING_SOUND_S


# Sound VAD would cut away (seconds) before the audio is decoded without it:
# whispered words last 0.2-0.5 s; a breath or click between heard words is
# shorter, and lies within VAD's 0.3 s padding anyway.
MISSED_SOUND_S = 0.3


def vad_misses_sound(audio: np.ndarray, active: np.ndarray) -> bool:
    """Whether faster-whisper's VAD filter (VAD_PARAMETERS) would cut away
    at least MISSED_SOUND_S of sound (`active`, speech/evidence.py): speech
    with no voicing, which Silero does not hear (measured on the whispered
    and creaky clips of tests/data/real: 0.1 s of 5 s of whisper heard)."""
    return speech_chunks(audio, active) is None


def _misses_sound(active: np.ndarray, chunks: list[dict], hop_s: float = 0.02) -> bool:
    if active.sum() * hop_s < MISSED_SOUND_S:
        return False
    kept = np.zeros(len(active), dtype=bool)
    for chunk in chunks:
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
