"""One batch: plan (hash every file, find the results already done), score the rest on an engine,
write each result the moment it comes back, then the summary and the overview.

Rows keep the order of the inputs. A file that cannot be read, or whose question is unknown, is a
failed row before any work; a file the task cannot score is a failed row with the task's message.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from voice_mock.errors import UsageError, VoiceMockError

from .inputs import Job
from .outputs import INDEX_FILE, SUMMARY_FILE, index_html, measures, result_files, summary_csv
from .results import ResultStore, content_hash, result_key, settings_fingerprint, write_text_atomic
from .task import Payload


class Progress(Protocol):
    def start(self, total: int, done_before: int, engine: str | None) -> None: ...
    def advance(self, row: dict, audio_s: float) -> None: ...
    def stop(self) -> None: ...


class Engine(Protocol):
    def describe(self) -> str: ...
    def run(self, payloads, on_result: Callable[[Payload, dict], None]) -> None: ...


@dataclass
class Item:
    job: Job
    question: object = None
    company: object = None
    key: str | None = None
    folder: Path | None = None
    row: dict | None = None  # set once the outcome is known
    # Seconds of audio its header announces (else a guess from its bytes): the longest answers go
    # first, so one long answer does not finish alone at the end while the other workers idle.
    length: float = 0.0


@dataclass
class BatchReport:
    rows: list[dict]
    skipped: int = 0  # results already complete from an earlier run
    scored: int = 0  # files scored (or failed in the task) by this run
    audio_s: float = 0.0  # audio scored by this run
    wall_s: float = 0.0  # time the engine ran
    retry_later: list[str] = field(default_factory=list)  # broke for reasons not of the file's making

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if r["status"] != "ok")


def run_batch(jobs: list[Job], out_dir: Path, *, find_question, find_company, model: dict, config,
              engine: Engine, progress: Progress) -> BatchReport:
    """`model`: {"name": shown in reports, "id": what the engine loads, **what decides its output}."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out_dir}: cannot create the output folder ({exc.strerror})") from None
    with _locked(out_dir):
        store = ResultStore(out_dir)
        store.clean_partials()
        items = _plan(jobs, store, find_question, find_company, model, config)
        report = BatchReport(rows=[])
        todo = _pending(items)
        report.skipped = sum(1 for i in items if i.row is not None and i.key is not None)
        progress.start(len({i.key for i in todo}), report.skipped, engine.describe() if todo else None)
        try:
            if todo:
                started = time.perf_counter()
                try:
                    engine.run(_payloads(todo, config), _on_result(todo, store, model, report, progress))
                finally:
                    report.wall_s = time.perf_counter() - started
        finally:
            progress.stop()
            report.rows = [i.row or _row(i, out_dir, {"status": "error", "error": "not scored (interrupted)"}) for i in items]
            write_text_atomic(out_dir / SUMMARY_FILE, summary_csv(report.rows))
            write_text_atomic(out_dir / INDEX_FILE, index_html(report.rows))
    return report


def _plan(jobs, store: ResultStore, find_question, find_company, model: dict, config) -> list[Item]:
    cache: dict = {}

    def lookup(kind, find, ident):
        if (kind, ident) not in cache:
            try:
                cache[kind, ident] = (find(ident), None)
            except VoiceMockError as exc:
                cache[kind, ident] = (None, str(exc))
        return cache[kind, ident]

    items = []
    for job in jobs:
        item = Item(job)
        items.append(item)
        item.question, problem = lookup("question", find_question, job.question_id)
        if job.company_id and problem is None:
            item.company, problem = lookup("company", find_company, job.company_id)
        if problem is None:
            try:
                data = job.path.read_bytes()
            except OSError as exc:
                problem = f"cannot read the file: {exc.strerror or exc}"
        if problem is not None:
            item.row = _row(item, store.out_dir, {"status": "failed", "error": problem})
            continue
        fingerprint = settings_fingerprint(item.question, item.company, model, config)
        item.length = _length(data)
        item.key = result_key(content_hash(data), fingerprint)
        item.folder = store.folder(job.label, item.key)
        done = store.load(item.folder, item.key)
        if done is not None:
            item.row = _row(item, store.out_dir, done)
    return items


def _length(data: bytes) -> float:
    """Seconds of audio in a file's bytes, from its header (not its size: a 48 kHz stereo WAV has 12 times
    the bytes of a 16 kHz FLAC as long); 128 kbit/s assumed when the header says nothing."""
    import io

    from voice_mock.audio.damage import declared_seconds

    return declared_seconds(io.BytesIO(data)) or len(data) / 16_000


def _pending(items: list[Item]) -> list[Item]:
    return [i for i in items if i.row is None]


def _payloads(todo: list[Item], config):
    """One payload per distinct key, longest answer first, read from disk only when the engine asks for it."""
    seen = set()
    for item in sorted(todo, key=lambda i: -i.length):
        if item.key in seen:
            continue
        seen.add(item.key)
        try:
            data = item.job.path.read_bytes()
        except OSError:
            data = b""  # gone since planning: the task reports it as empty
        yield Payload(item.key, item.job.label, data, item.question, item.company, config)


def _on_result(todo: list[Item], store: ResultStore, model: dict, report: BatchReport, progress: Progress):
    by_key: dict[str, list[Item]] = {}
    for item in todo:
        by_key.setdefault(item.key, []).append(item)

    def on_result(payload: Payload, result: dict) -> None:
        items = by_key.get(payload.key, [])
        first = items[0]
        status = result.get("status")
        if status in ("ok", "failed"):
            stored = {k: v for k, v in result.items() if k not in ("feedback", "transcript")}
            stored |= {"key": payload.key, "file": first.job.label, "question": first.job.question_id,
                       "company": first.job.company_id, "model": model.get("name")}
            files = {}
            if status == "ok":
                stored |= measures(result["feedback"])
                files = result_files(first.job.label, first.question, first.company, model.get("name"), result)
            store.write(first.folder, files, stored)
            report.scored += 1
            report.audio_s += result.get("duration_s") or 0.0
            outcome = stored
        else:
            report.retry_later.append(first.job.label)
            outcome = result
        for item in items:
            item.row = _row(item, store.out_dir, outcome)
        progress.advance(first.row, result.get("duration_s") or 0.0)

    return on_result


def _row(item: Item, out_dir: Path, result: dict) -> dict:
    job = item.job
    row = {"file": job.label, "question": job.question_id, "company": job.company_id or "",
           "status": "ok" if result.get("status") == "ok" else result.get("error") or "failed",
           "duration_s": result.get("duration_s")}
    if result.get("status") == "ok":
        row |= {k: result.get(k) for k in measures({})}
        rel = item.folder.relative_to(out_dir).as_posix()
        row |= {"feedback": f"{rel}/feedback.json", "report": f"{rel}/report.html"}
    return row


class _locked:
    """One batch at a time per output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / ".lock"

    def __enter__(self):
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            raise VoiceMockError(f"{self.path.parent}: another batch is writing to this folder") from None
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
