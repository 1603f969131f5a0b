"""The local engine: a process pool on this machine, each worker loading the model once.

Workers x threads per worker = the cores given (CTranslate2 decodes with `threads` threads).
At most two tasks per worker are in flight, so memory stays flat however long the list; each
result is handed back as soon as it is done.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from voice_mock.errors import VoiceMockError

from .task import Payload, init_worker, score_in_worker

IN_FLIGHT_PER_WORKER = 2


class LocalEngine:
    name = "local"

    def __init__(self, jobs: int, threads: int, model: str | None) -> None:
        self.jobs, self.threads, self.model = jobs, threads, model

    def describe(self) -> str:
        return f"{self.jobs} worker process{'es' if self.jobs != 1 else ''} × {self.threads} thread{'s' if self.threads != 1 else ''}"

    def run(self, payloads: Iterable[Payload], on_result: Callable[[Payload, dict], None]) -> None:
        todo: Iterator[Payload] = iter(payloads)
        pool = self._pool()
        in_flight: dict = {}
        try:
            while True:
                while len(in_flight) < IN_FLIGHT_PER_WORKER * self.jobs:
                    payload = next(todo, None)
                    if payload is None:
                        break
                    in_flight[pool.submit(score_in_worker, payload)] = payload
                if not in_flight:
                    return
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    payload = in_flight.pop(future)
                    result = _outcome(future, payload)
                    broken = broken or result.get("status") == "error"
                    on_result(payload, result)
                if broken:  # the tasks still in flight died with the pool (or finished first): start afresh
                    wait(in_flight)
                    for future, payload in list(in_flight.items()):
                        on_result(payload, _outcome(future, payload))
                    in_flight.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._pool()
        finally:
            pool.shutdown(wait=not in_flight, cancel_futures=True)
            if in_flight:  # interrupted or stopped: do not wait for the answers in progress
                _terminate(pool)

    def _pool(self) -> ProcessPoolExecutor:
        # spawn: a fresh interpreter per worker (no forked copy of the driver's threads and locks)
        return ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker, initargs=(self.model, self.threads))


def _outcome(future, payload: Payload) -> dict:
    try:
        result = future.result()
    except BrokenProcessPool:
        return {"key": payload.key, "status": "error",
                "error": "a worker process died while this file was being scored (out of memory?)"}
    if result.get("status") == "fatal":
        raise VoiceMockError(result["error"])
    return result


def _terminate(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()
