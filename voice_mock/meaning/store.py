"""Sentence vectors of the training sentences: those of the bundled banks
ship with the package (`bundled-vectors.npz`, float16, rebuilt by
`scripts/meaning_vectors.py`), others (your own banks, edited
examples) are embedded once and cached in the data dir
(`meaning/vectors.npz`). Both are keyed by the model; a cache that cannot be
read or written is ignored (the vectors are then computed each run)."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

log = logging.getLogger("voice_mock")
HERE = Path(__file__).resolve().parent
BUNDLED = HERE / "bundled-vectors.npz"
BUNDLED_CLASSIFIERS = HERE / "bundled-classifiers.npz"


def bundled(tag: str = "") -> tuple[Path, Path]:
    """The shipped vectors and classifiers of one model: the small model's
    (tag "") or the second model's ("e5": bundled-vectors-e5.npz, ...)."""
    if not tag:
        return BUNDLED, BUNDLED_CLASSIFIERS
    return HERE / f"bundled-vectors-{tag}.npz", HERE / f"bundled-classifiers-{tag}.npz"


class VectorStore:
    def __init__(self, cache_dir: Path | None, model_id: str, tag: str = "") -> None:
        name = f"vectors-{tag}.npz" if tag else "vectors.npz"  # one cache file per model
        self.path = Path(cache_dir) / "meaning" / name if cache_dir else None
        self.model_id = model_id
        self.bundled = bundled(tag)[0]
        self._known: dict[str, np.ndarray] | None = None

    def vectors(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> dict[str, np.ndarray]:
        if self._known is None:
            self._known = {**_read(self.bundled, self.model_id), **_read(self.path, self.model_id)}
        known = self._known
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            for t, v in zip(missing, encode(missing)):
                known[t] = v
            self._write(known)
        return {t: known[t] for t in texts}

    def _write(self, known: dict[str, np.ndarray]) -> None:
        if self.path is not None:
            try:
                write(self.path, self.model_id, known, np.float32)
            except OSError as exc:
                log.debug("meaning vector cache not written: %s", exc)


def _read(path: Path | None, model_id: str) -> dict[str, np.ndarray]:
    if path is None or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != model_id:
                return {}
            return dict(zip(data["texts"].tolist(), data["vectors"].astype(np.float32)))
    except Exception as exc:  # a damaged cache is rebuilt
        log.debug("meaning vector cache %s unreadable: %s", path, exc)
        return {}


def write(path: Path, model_id: str, known: dict[str, np.ndarray], dtype) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".vectors-{os.getpid()}.npz")
    texts = sorted(known)
    np.savez_compressed(tmp, model=np.array(model_id), texts=np.array(texts),
                        vectors=np.array([known[t] for t in texts], dtype))
    os.replace(tmp, path)


def classifier_key(model_id: str, pos: Sequence[str], neg: Sequence[str]) -> str:
    """A cue's classifier is reused only for the same model, examples and near misses."""
    text = "\x1e".join([model_id, *sorted(pos), "\x1d", *sorted(neg)])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_classifiers(path: Path, model_id: str) -> dict[str, np.ndarray]:
    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != model_id:
                return {}
            return dict(zip(data["keys"].tolist(), data["thetas"].astype(np.float64)))
    except Exception as exc:
        log.debug("bundled classifiers %s unreadable: %s", path, exc)
        return {}


def write_classifiers(path: Path, model_id: str, fitted: dict[str, np.ndarray]) -> None:
    keys = sorted(fitted)
    tmp = path.with_name(f".classifiers-{os.getpid()}.npz")
    np.savez_compressed(tmp, model=np.array(model_id), keys=np.array(keys),
                        thetas=np.array([fitted[k] for k in keys], np.float32))
    os.replace(tmp, path)
