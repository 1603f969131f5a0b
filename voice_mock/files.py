"""Files named by users and sessions: checked before they are opened, kept
inside the data dir, and written whole or not at all.

- `regular_file` says what is wrong with a path that is not a plain file (a
  folder, a FIFO that would block the read, a device) instead of "no such file".
- `read_text` reads UTF-8 text and names the file when it is not.
- `write_atomic` writes a new file beside the old one, fsyncs it and renames
  it over the old one: a crash, a full disk or Ctrl-C leaves the old version
  or the new one, never half of one and never a stray temporary file.
- `replace_keeping` does the same and keeps the old version under another
  name (by a hard link, so it costs no space), for `replay --reanalyze`.
- `inside` resolves a path (symlinks included) and refuses one that leads
  out of a given root.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from pathlib import Path

from . import interrupts
from .errors import VoiceMockError


class FileProblem(VoiceMockError):
    """A file cannot be used: missing, not a regular file, unreadable, not text."""


class WriteError(VoiceMockError):
    """A file could not be written; the old version, if any, is untouched."""


class OutsideError(VoiceMockError):
    """A path leads out of the folder it must stay in."""


def regular_file(path: str | Path, what: str = "file") -> Path:
    """`path` if it is a regular file (symlinks followed); else a one-line FileProblem."""
    path = Path(path).expanduser()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FileProblem(f"{path}: no such file") from None
    except OSError as exc:
        raise FileProblem(f"{path}: cannot read ({exc.strerror or exc})") from None
    a = "an" if what[:1] in "aeiou" else "a"
    if stat.S_ISDIR(mode):
        raise FileProblem(f"{path}: is a folder, not {a} {what}")
    if not stat.S_ISREG(mode):
        raise FileProblem(f"{path}: not a regular file (a FIFO, device or socket); give {a} {what}")
    return path


def read_bytes(path: str | Path, what: str = "file") -> bytes:
    path = regular_file(path, what)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"{path}: cannot read ({exc.strerror or exc})") from None


def read_text(path: str | Path, what: str = "text file") -> str:
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def why_not_written(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return exc.strerror or str(exc)


def _temp_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _write_temp(path: Path, data: bytes) -> Path:
    tmp = _temp_for(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write `data` to `path` whole or not at all (WriteError names the file)."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with interrupts.deferred():  # Ctrl-C waits until the file is whole
        try:
            tmp = _write_temp(path, data)
            try:
                os.replace(tmp, path)
            except BaseException:
                _remove(tmp)
                raise
        except OSError as exc:
            raise WriteError(f"cannot write {path}: {why_not_written(exc)}") from None


def json_bytes(data) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_json_atomic(path: str | Path, data) -> None:
    write_atomic(path, json_bytes(data))


def replace_keeping(path: str | Path, data: bytes | str, keep_as: str | Path) -> Path | None:
    """Write a new `path`, keeping the old one as `keep_as`; the name it was kept under (`keep_as`, or
    `keep_as` with -2, -3... when that name is taken: an earlier version is never overwritten), or
    None if there was no old one.

    The new file is written first: if that fails, nothing has changed.
    """
    path, keep_as = Path(path), Path(keep_as)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with interrupts.deferred():
        try:
            tmp = _write_temp(path, data)
            try:
                kept = None
                if path.is_file():
                    kept = _keep(path, keep_as)
                os.replace(tmp, path)
            except BaseException:
                _remove(tmp)
                raise
        except OSError as exc:
            raise WriteError(f"cannot write {path}: {why_not_written(exc)}") from None
    return kept


def _keep(path: Path, keep_as: Path) -> Path:
    """`path` under a second name that no file has yet."""
    for n in range(1, 1000):
        name = keep_as if n == 1 else keep_as.with_name(f"{keep_as.stem}-{n}{keep_as.suffix}")
        try:
            os.link(path, name)  # no copy: the same bytes under a second name
            return name
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            with open(path, "rb") as src, open(name, "xb") as dst:  # no hard links here: a copy, never over a file
                shutil.copyfileobj(src, dst)
            return name
    raise FileExistsError(errno.EEXIST, "too many kept versions", str(keep_as))


def inside(path: str | Path, root: str | Path, what: str = "data dir") -> Path:
    """`path` resolved (symlinks included); OutsideError if it is not within `root`."""
    real = Path(path).expanduser().resolve()
    base = Path(root).expanduser().resolve()
    if real != base and base not in real.parents:
        raise OutsideError(f"{path} leads outside the {what} ({real}); nothing was written")
    return real
