"""What the fault tests share: the one-line-error check and a small disk to fill up."""

import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


def one_line_error(result, code: int, *needles: str) -> None:
    """The command failed with `code` and exactly one `voice-mock: error:` line holding each needle."""
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("voice-mock: error:")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]


@contextmanager
def small_tmpfs(where: Path, size: str):
    """A tmpfs of `size` mounted at `where` (root only; skips the test otherwise)."""
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
