"""Where each result lives, and how a re-run knows it is already done.

A result is keyed by the audio's content hash and everything that decides the feedback: the
question and company as loaded (so an edited bank re-scores), the model, the analysis config and
voice-mock's version. Its folder `results/<name>-<key>/` is written whole under a hidden name and
renamed into place, so a killed batch leaves either a complete result or none: never half of one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from voice_mock import __version__

RESULT_VERSION = 1  # bump when what a result folder holds changes
RESULT_FILE = "result.json"
RESULTS_DIR = "results"
PARTIAL_PREFIX = ".partial-"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def settings_fingerprint(question, company, model: dict, config) -> dict:
    """The settings that decide a result, as plain JSON data (file paths left out: the same bank
    read from another checkout is the same bank)."""
    return {
        "result_version": RESULT_VERSION,
        "voice_mock": __version__,
        "question": _plain(question),
        "company": _plain(company),
        "model": model,
        "config": _plain(config),
    }


def result_key(audio_sha256: str, fingerprint: dict) -> str:
    blob = json.dumps({"audio": audio_sha256, "settings": fingerprint}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _plain(value):
    if value is None:
        return None
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    return _drop_paths(json.loads(json.dumps(value, default=str)))


def _drop_paths(value):
    if isinstance(value, dict):
        return {k: _drop_paths(v) for k, v in value.items() if k != "path"}
    if isinstance(value, list):
        return [_drop_paths(v) for v in value]
    return value


class ResultStore:
    """The `results/` folder of a batch's output directory."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.root = self.out_dir / RESULTS_DIR

    def folder(self, label: str, key: str) -> Path:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(label).stem).strip("-.")[:60] or "answer"
        return self.root / f"{stem}-{key[:12]}"

    def load(self, folder: Path, key: str) -> dict | None:
        """The finished result in `folder` for this key, or None (missing, torn or for other settings)."""
        try:
            with open(folder / RESULT_FILE, encoding="utf-8") as f:
                result = json.load(f)
        except (OSError, ValueError):
            return None
        if not isinstance(result, dict) or result.get("key") != key or result.get("status") not in ("ok", "failed"):
            return None
        return result

    def write(self, folder: Path, files: dict[str, str], result: dict) -> None:
        """`files` (name -> text) and then result.json, in a hidden folder renamed into place."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"{PARTIAL_PREFIX}{folder.name}-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        for name, text in {**files, RESULT_FILE: json.dumps(result, indent=2, ensure_ascii=False) + "\n"}.items():
            with open(tmp / name, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        _fsync_dir(tmp)
        old = None
        if folder.exists():  # a torn or outdated result under the same name
            old = self.root / f"{PARTIAL_PREFIX}{folder.name}-old-{os.getpid()}"
            os.rename(folder, old)
        os.rename(tmp, folder)
        _fsync_dir(self.root)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def clean_partials(self) -> int:
        """Remove what killed runs left half-written; returns how many."""
        if not self.root.is_dir():
            return 0
        stale = [p for p in self.root.iterdir() if p.name.startswith(PARTIAL_PREFIX)]
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)
        return len(stale)


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
