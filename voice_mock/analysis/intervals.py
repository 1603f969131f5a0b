"""Small helpers on sorted time intervals (all linear or log time)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Sequence

from voice_mock.types import Interval


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union; empty or reversed spans are dropped."""
    out: list[Interval] = []
    for iv in sorted(intervals, key=lambda i: i.start):
        if iv.end <= iv.start:
            continue
        if out and iv.start <= out[-1].end:
            if iv.end > out[-1].end:
                out[-1] = Interval(out[-1].start, iv.end)
        else:
            out.append(iv)
    return out


def subtract(intervals: Sequence[Interval], cuts: Sequence[Interval]) -> list[Interval]:
    """Parts of `intervals` not covered by `cuts` (both merged and sorted)."""
    out: list[Interval] = []
    j = 0
    for iv in intervals:
        start = iv.start
        while j < len(cuts) and cuts[j].end <= start:
            j += 1
        k = j
        while k < len(cuts) and cuts[k].start < iv.end:
            if cuts[k].start > start:
                out.append(Interval(start, cuts[k].start))
            start = max(start, cuts[k].end)
            k += 1
        if start < iv.end:
            out.append(Interval(start, iv.end))
    return out


def gaps(intervals: Sequence[Interval]) -> list[Interval]:
    """The silences between consecutive merged intervals."""
    return [
        Interval(a.end, b.start) for a, b in zip(intervals, intervals[1:]) if b.start > a.end
    ]


def total(intervals: Iterable[Interval]) -> float:
    return sum(iv.duration for iv in intervals)


class IntervalIndex:
    """Merged intervals with fast look-ups by time."""

    def __init__(self, intervals: Iterable[Interval]):
        self.intervals = merge(intervals)
        self._starts = [iv.start for iv in self.intervals]
        self._ends = [iv.end for iv in self.intervals]

    def __len__(self) -> int:
        return len(self.intervals)

    def overlapping(self, start: float, end: float, tolerance: float = 0.0) -> list[Interval]:
        """Intervals meeting [start - tol, end + tol]; a point counts if inside."""
        lo = bisect_left(self._ends, start - tolerance)
        hi = bisect_right(self._starts, end + tolerance)
        return self.intervals[lo:hi]

    def nearest(self, t: float) -> tuple[int, float] | None:
        """(index, distance) of the interval nearest to time t."""
        if not self.intervals:
            return None
        i = bisect_right(self._starts, t)
        best: tuple[int, float] | None = None
        for k in (i - 1, i):
            if 0 <= k < len(self.intervals):
                iv = self.intervals[k]
                d = 0.0 if iv.start <= t <= iv.end else min(abs(t - iv.start), abs(t - iv.end))
                if best is None or d < best[1]:
                    best = (k, d)
        return best
