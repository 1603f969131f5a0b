"""Do this machine's cores scale? One task alone against two copies side by side.

`--jobs 2` in `voice-mock batch` can only be as much faster than `--jobs 1` as
the machine lets two single-threaded workers run side by side. This prints,
for a compute-bound task (a Python loop, in cache) and a memory-bound one
(summing an array far larger than the caches), the time alone and the time
of each of two copies run at once. A ratio near 1.0 means the cores do not
slow each other; well above 1.0 means they share something (memory
bandwidth, caches, or one physical core). See docs/batch.md.

    .venv/bin/python benchmarks/cores.py
"""

from __future__ import annotations

import multiprocessing as mp
import time

import numpy as np


def compute_bound(ready=None) -> float:
    if ready is not None:
        ready.wait()
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i * i % 7
    return time.perf_counter() - start


def memory_bound(ready=None) -> float:
    data = np.ones(64_000_000, dtype=np.float64)  # 512 MB, far beyond any cache
    if ready is not None:
        ready.wait()  # both copies start timing together, after allocating
    start = time.perf_counter()
    for _ in range(20):
        data.sum()
    return time.perf_counter() - start


def _run(task, queue, ready) -> None:
    queue.put(task(ready))


def side_by_side(task) -> list[float]:
    queue = mp.Queue()
    ready = mp.Barrier(2)
    workers = [mp.Process(target=_run, args=(task, queue, ready)) for _ in range(2)]
    for worker in workers:
        worker.start()
    times = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    return times


def main() -> None:
    print(f"{'task':<16} {'alone':>8} {'two at once (each)':>20} {'slow-down':>10}")
    for name, task in (("compute-bound", compute_bound), ("memory-bound", memory_bound)):
        alone = min(task() for _ in range(2))
        pair = side_by_side(task)
        print(f"{name:<16} {alone:>7.2f}s {pair[0]:>9.2f}s {pair[1]:>6.2f}s {max(pair) / alone:>9.2f}x")


if __name__ == "__main__":
    main()
