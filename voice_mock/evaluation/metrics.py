"""Metrics that compare an analysis with the ground truth of samples/.

Pure functions on plain data (no model, no audio): word error rate, time-span
matching for filled pauses, pause recall and boundary error, and words that lie
in a known silence. `load_ground_truth` is the one function that reads a file.

Spans may be given as `Interval`, `Word`, any object with `start` and `end`,
a mapping with "start" and "end" (as in samples/*.json), or a
`(start, end)` pair. Times are seconds.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from voice_mock.analysis.text import spoken_word_count
from voice_mock.types import Interval, Word

__all__ = [
    "normalize_words",
    "spoken_word_total",
    "word_error_rate",
    "as_interval",
    "match_spans",
    "precision_recall",
    "pause_recall",
    "words_in_silence",
    "relative_error",
    "load_ground_truth",
]


# ---------------------------------------------------------------- word error rate

_DIGIT_GROUP = re.compile(r"(?<=\d) ?,(?=\d{3}\b)")  # "1,200" (or word-joined "1 ,200") -> "1200"
_NOT_WORD = re.compile(r"(?!(?<=\d)\.\d)[^\w\s']")  # punctuation except apostrophes, decimal points
_DOLLAR_AMOUNT = re.compile(r"\$\d")
_EDGE_APOSTROPHES = re.compile(r"(^'+|'+$)")


def normalize_words(text: str) -> list[str]:
    """Words for comparison: lower-case, punctuation dropped, numbers as written.

    Deliberately simple: "%" becomes " percent", thousands separators between
    digits are dropped ("1,200" -> "1200"), hyphens and dashes split words
    ("check-in" -> "check in"), apostrophes inside words and decimal points
    between digits stay ("i'm", "3.5"), all other punctuation goes. Numbers are not converted between digits and words:
    "35" and "thirty five" differ.
    """
    text = text.lower().replace("%", " percent")
    text = _DIGIT_GROUP.sub("", text)
    text = _NOT_WORD.sub(" ", text)
    words = (_EDGE_APOSTROPHES.sub("", w) for w in text.split())
    return [w for w in words if w]


def spoken_word_total(text: str) -> int:
    """Words a person says for `text`: the words of `normalize_words`, each
    numeral counted as the words it is read as ("2023" -> 3, "35" -> 2; see
    `voice_mock.analysis.text.spoken_word_count`). The truth of a speaking rate."""
    dollars = len(_DOLLAR_AMOUNT.findall(text))  # "$5" is "five dollars"
    return dollars + sum(spoken_word_count(w) for w in normalize_words(text))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, after `normalize_words`.

    Levenshtein distance on words. An empty reference gives 0.0 when the
    hypothesis is empty too, else 1.0. Can exceed 1.0 (many insertions).
    """
    ref = normalize_words(reference)
    hyp = normalize_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    # One row of the edit-distance table at a time.
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        current = [i]
        for j, h in enumerate(hyp, start=1):
            current.append(
                min(
                    previous[j] + 1,  # deletion of r
                    current[j - 1] + 1,  # insertion of h
                    previous[j - 1] + (r != h),  # match or substitution
                )
            )
        previous = current
    return previous[-1] / len(ref)


# ---------------------------------------------------------------- spans


def as_interval(span: Any) -> Interval:
    """An Interval from an Interval, Word, object or mapping with start/end, or a pair."""
    if isinstance(span, Interval):
        return span
    if isinstance(span, Mapping):
        return Interval(float(span["start"]), float(span["end"]))
    if isinstance(span, Sequence) and len(span) == 2:
        return Interval(float(span[0]), float(span[1]))
    return Interval(float(span.start), float(span.end))


def _overlap(a: Interval, b: Interval) -> float | None:
    """Length of the intersection, or None when the spans do not meet.

    A zero-length span (Whisper often stamps fillers with start == end) meets a
    span that contains it, with overlap 0.0; spans that only touch end to start
    do not meet.
    """
    lo, hi = max(a.start, b.start), min(a.end, b.end)
    if hi > lo:
        return hi - lo
    if (a.duration == 0 and b.start <= a.start <= b.end) or (
        b.duration == 0 and a.start <= b.start <= a.end
    ):
        return 0.0
    return None


def _greedy_pairs(
    truth: Sequence[Interval], found: Sequence[Interval], min_overlap_s: float
) -> list[tuple[int, int]]:
    """One-to-one pairs (truth index, found index), largest overlap first.

    Ties go to the pair whose midpoints are closest, then to the earlier spans.
    """
    candidates = []
    for i, t in enumerate(truth):
        for j, f in enumerate(found):
            ov = _overlap(t, f)
            if ov is not None and ov >= min_overlap_s:
                centre_gap = abs((t.start + t.end) - (f.start + f.end)) / 2
                candidates.append((-ov, centre_gap, i, j))
    candidates.sort()
    used_t: set[int] = set()
    used_f: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i not in used_t and j not in used_f:
            used_t.add(i)
            used_f.add(j)
            pairs.append((i, j))
    return pairs


def match_spans(
    truth: Iterable[Any], found: Iterable[Any], min_overlap_s: float = 0.0
) -> tuple[int, int, int]:
    """Match found spans to true spans by time overlap: (tp, fp, fn).

    Matching is one-to-one and greedy by overlap length (largest first). A pair
    can match when the spans meet (see `_overlap`: a zero-length found span
    inside a true span counts) and their overlap is at least `min_overlap_s`.
    """
    t = [as_interval(s) for s in truth]
    f = [as_interval(s) for s in found]
    tp = len(_greedy_pairs(t, f, min_overlap_s))
    return tp, len(f) - tp, len(t) - tp


def precision_recall(tp: int, fp: int, fn: int) -> tuple[float, float]:
    """(precision, recall). Nothing found gives precision 1.0 (nothing false was
    reported); nothing to find gives recall 1.0."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


# ---------------------------------------------------------------- pauses


def pause_recall(
    truth_pauses: Iterable[Any],
    found_pauses: Iterable[Any],
    min_duration: float = 1.0,
    tolerance_s: float | None = 0.15,
) -> tuple[float, float]:
    """(recall, mean_boundary_error_s) for the true pauses of at least `min_duration`.

    Each such true pause is paired with an overlapping found pause (one-to-one,
    greedy by overlap; found pauses of any length take part). Its boundary
    error is the mean of |start difference| and |end difference|.

    It counts as found when it has a pair whose start and end each lie within
    `tolerance_s` of the truth; with `tolerance_s=None`, overlap alone is
    enough. `mean_boundary_error_s` is the mean boundary error over all paired
    pauses, within the tolerance or not (NaN when none was paired). With no
    true pause that long, recall is 1.0.
    """
    truth = [p for p in map(as_interval, truth_pauses) if p.duration >= min_duration]
    found = [as_interval(p) for p in found_pauses]
    if not truth:
        return 1.0, math.nan
    pairs = _greedy_pairs(truth, found, 0.0)
    errors = []
    hits = 0
    for i, j in pairs:
        ds = abs(truth[i].start - found[j].start)
        de = abs(truth[i].end - found[j].end)
        errors.append((ds + de) / 2)
        if tolerance_s is None or (ds <= tolerance_s and de <= tolerance_s):
            hits += 1
    mean_error = sum(errors) / len(errors) if errors else math.nan
    return hits / len(truth), mean_error


def words_in_silence(
    words: Iterable[Word], pauses: Iterable[Any], margin_s: float = 0.1
) -> list[Word]:
    """Words whose whole span lies inside a true silence shrunk by `margin_s` at each end.

    Such words were transcribed where nothing was said (hallucinations, or
    timestamps far off). Pauses shorter than twice the margin are skipped.
    """
    zones = []
    for p in map(as_interval, pauses):
        lo, hi = p.start + margin_s, p.end - margin_s
        if hi > lo:
            zones.append((lo, hi))
    return [w for w in words if any(lo <= w.start and w.end <= hi for lo, hi in zones)]


def relative_error(measured: float, truth: float) -> float:
    """|measured - truth| / truth, e.g. for words per minute (inf when truth is 0 and they differ)."""
    if truth == 0:
        return 0.0 if measured == 0 else math.inf
    return abs(measured - truth) / abs(truth)


# ---------------------------------------------------------------- the one I/O


def load_ground_truth(path: str | Path) -> dict:
    """Read a samples/<id>.json ground-truth file (format in samples/README.md)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)
