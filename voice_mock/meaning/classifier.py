"""Per-cue logistic regression on sentence vectors (numpy only).

Plain cosine similarity is topical, not polarity-aware ("a great two-year
chapter before consulting" is close to "I intend to stay for years"), so each
cue gets a small classifier fitted on both sides: its examples (bank
`examples` plus paraphrases.toml) against its near misses (bank
`counter_examples` plus paraphrases.toml) and every other cue's examples,
except those that say nearly the same thing (cosine >= SAME_MEANING, e.g.
"commitment" in one question and "path through this role" in another); of
those, the NEAREST_OTHERS closest (the ones that teach the boundary; it also
keeps a fit near 0.1 s on 2 cores).
Positives and negatives weigh the same in total.
"""

from __future__ import annotations

import numpy as np

SAME_MEANING = 0.55  # another cue's example this close to one of ours is not a negative
NEAREST_OTHERS = 200  # the other cues' examples kept as negatives: the closest (hardest) ones
L2 = 1e-3  # ridge on the weights (not the bias); chosen on the banks (docs/meaning.md)
NEWTON_STEPS = 15


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray, lam: float = L2) -> np.ndarray:
    """Weighted, L2-regularised logistic regression by Newton's method.
    Returns [weights..., bias]."""
    Xb = np.hstack([X, np.ones((len(X), 1), X.dtype)]).astype(np.float64)
    d = Xb.shape[1]
    ridge = lam * np.eye(d)
    ridge[-1, -1] = 0.0
    theta = np.zeros(d)
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(Xb @ theta)))
        grad = Xb.T @ (w * (p - y)) + ridge @ theta
        hess = (Xb * (w * p * (1 - p))[:, None]).T @ Xb + ridge + 1e-9 * np.eye(d)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta


def training_set(pos: np.ndarray, hard_neg: np.ndarray, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, y, weights: `pool` (other cues' examples) minus those as close as
    SAME_MEANING to a positive; each class weighs 1 in total."""
    if len(pool):
        closeness = (pool @ pos.T).max(axis=1)
        order = [i for i in np.argsort(-closeness) if closeness[i] < SAME_MEANING][:NEAREST_OTHERS]
        others = pool[order]
    else:
        others = pool
    neg = np.vstack([hard_neg, others]) if len(hard_neg) else others
    X = np.vstack([pos, neg])
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    w = np.r_[np.full(len(pos), 1.0 / len(pos)), np.full(len(neg), 1.0 / max(1, len(neg)))]
    return X, y, w


def probabilities(theta: np.ndarray, V: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(V.astype(np.float64) @ theta[:-1] + theta[-1])))
