"""Handing freed memory back to the system between the stages of a long analysis.

glibc's malloc keeps memory a program frees for its own reuse, one heap per thread that
allocated it, and after a large block is freed it raises its threshold for keeping more (up to
32 MB blocks, 64 MB at the top of each heap). A 30-minute recording is analysed in stages
(voice detector, transcription window by window in a worker thread, held sounds, pitch), each
freeing what the last one needed: without this, what one stage freed stayed resident beside the
next stage's work, one heap per thread, and the peak grew with the recording (`benchmarks/
long_answer.py`). `release_freed_memory()` returns it (`malloc_trim`), so each stage starts from
what is still in use. Elsewhere than glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import sys


def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


_TRIM = _malloc_trim()


def release_freed_memory() -> bool:
    """Return the memory freed so far, in every thread's heap, to the system; True if it could."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True
