"""What to score: files, folders searched for audio, and CSV lists of `file,question,company`.

A path that is not there stops the batch before any work (a typo should not cost a night's
run); a file that is there but cannot be read becomes a failed row later, in the task.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from voice_mock.errors import UsageError

# What libsndfile or PyAV (both already installed) decode; matched case-insensitively.
AUDIO_EXTENSIONS = frozenset({
    ".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".mp4", ".webm", ".wma", ".aif", ".aiff",
})
CSV_COLUMNS = ("file", "question", "company")


@dataclass(frozen=True)
class Job:
    path: Path  # absolute, for reading
    label: str  # the path as the summary shows it (as given, joined to the folder or CSV it came from)
    question_id: str | None
    company_id: str | None


def collect_jobs(inputs: list[str], question: str | None = None, company: str | None = None,
                 warn=lambda message: None) -> list[Job]:
    """The jobs, in the order given (folders sorted by path), each file+settings once."""
    jobs: list[Job] = []
    for item in inputs:
        path = Path(item).expanduser()
        if path.is_dir():
            found = [_job(p, question, company) for p in audio_files(path)]
            if not found:
                warn(f"{item}: no audio files in this folder")
            jobs.extend(found)
        elif path.suffix.lower() == ".csv" and path.is_file():
            jobs.extend(read_csv(path, question, company))
        elif path.is_file():
            jobs.append(_job(path, question, company))
        else:
            raise UsageError(f"{item}: no such file or folder")
    if not jobs:
        raise UsageError("no audio files to score")
    missing = [j for j in jobs if not j.question_id]
    if missing:
        raise UsageError(f"{missing[0].label}: no question: give --question ID (or a question column in the CSV)")
    unique: dict[tuple, Job] = {}
    for job in jobs:
        unique.setdefault((job.path, job.question_id, job.company_id), job)
    return list(unique.values())


def audio_files(folder: Path) -> list[Path]:
    """Audio files under `folder`, recursively, sorted; hidden files and folders are skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in AUDIO_EXTENSIONS:
                found.append(Path(root) / name)
    return found


def read_csv(path: Path, question: str | None, company: str | None) -> list[Job]:
    """Rows of `file,question,company` (a header row with those names is optional; blank cells take
    --question/--company; `#` starts a comment line). Relative files are relative to the CSV."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the CSV ({exc})") from None
    rows = [r for r in csv.reader(text.splitlines()) if r and any(c.strip() for c in r) and not r[0].startswith("#")]
    if not rows:
        raise UsageError(f"{path}: the CSV lists no files")
    columns = list(CSV_COLUMNS)
    header = [c.strip().lower() for c in rows[0]]
    if "file" in header:
        unknown = [c for c in header if c and c not in CSV_COLUMNS]
        if unknown:
            raise UsageError(f"{path}: unknown CSV column '{unknown[0]}' (expected: {', '.join(CSV_COLUMNS)})")
        columns, rows = header, rows[1:]
    jobs = []
    for n, row in enumerate(rows, start=1):
        if len(row) > len(columns):
            raise UsageError(f"{path}: row {n} has {len(row)} cells; expected at most {len(columns)} ({', '.join(columns)})")
        cells = {name: value.strip() for name, value in zip(columns, row)}
        file = cells.get("file", "")
        if not file:
            raise UsageError(f"{path}: row {n} names no file")
        target = Path(file).expanduser()
        if not target.is_absolute():
            target = path.parent / target
        jobs.append(_job(target, cells.get("question") or question, cells.get("company") or company))
    return jobs


def _job(path: Path, question: str | None, company: str | None) -> Job:
    return Job(Path(os.path.abspath(path)), os.path.normpath(path), question or None, company or None)
