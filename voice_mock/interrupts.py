"""Ctrl-C, SIGTERM and SIGHUP.

The first of them stops what is running the way Ctrl-C always has (a
KeyboardInterrupt in the main thread, so what was recorded is saved on the
way out). A second one ends the process at once: the streams are flushed and
the process exits with `os._exit`, without waiting for a transcription still
running in a worker thread (exiting the normal way while CTranslate2 is busy
in a thread aborts with "terminate called without an active exception").

Neither ever lands in the middle of writing a file: `deferred()` holds them
until the file is whole. Workers that run native model code in a thread
register with `track_worker`, so the normal exit waits until none is busy.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import weakref

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
MESSAGE = "voice-mock: stopped at once; everything recorded so far is saved"


class _State:
    received = 0  # signals received since install()
    first: int | None = None  # the first signal's number
    depth = 0  # nesting of deferred() sections
    pending = False  # a signal arrived inside a deferred() section


_state = _State()
_workers: weakref.WeakSet = weakref.WeakSet()


def install() -> dict:
    """Handle the signals (main thread only); returns the previous handlers for `restore`."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    _state.received, _state.first, _state.pending = 0, None, False
    previous = {}
    for sig in SIGNALS:
        previous[sig] = signal.getsignal(sig)
        signal.signal(sig, _handler)
    return previous


def restore(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def signal_name() -> str | None:
    """The first signal received since install(), e.g. "SIGTERM"; None if none."""
    if _state.first is None:
        return None
    return "Ctrl-C" if _state.first == signal.SIGINT else signal.Signals(_state.first).name


def exit_code(default: int = 130) -> int:
    """128 + the first signal received (130 for Ctrl-C), as a shell reports it."""
    return 128 + _state.first if _state.first else default


def _handler(signum, frame) -> None:
    _state.received += 1
    if _state.first is None:
        _state.first = signum
    if _state.depth:
        _state.pending = True
        return
    _act()


def _act() -> None:
    if _state.received >= 2:
        exit_now()
    raise KeyboardInterrupt


def exit_now(code: int | None = None, message: str | None = MESSAGE) -> None:
    """End the process at once (os._exit), after flushing the streams; `deferred`
    sections make sure no file is left half-written."""
    for stream, text in ((sys.stdout, None), (sys.stderr, message)):
        try:
            if text:
                stream.write(f"\n{text}\n")
            stream.flush()
        except Exception:  # a closed terminal (SIGHUP) is no reason not to exit
            pass
    os._exit(exit_code() if code is None else code)


class deferred:
    """A section no signal interrupts: one that arrives meanwhile acts at its end."""

    def __enter__(self) -> "deferred":
        _state.depth += 1
        return self

    def __exit__(self, *exc) -> None:
        _state.depth -= 1
        if _state.depth == 0 and _state.pending and threading.current_thread() is threading.main_thread():
            _state.pending = False
            _act()


def track_worker(worker) -> None:
    """Something that runs native model code in a thread, waited for before a normal exit:
    a Thread (busy while alive) or an object with a `busy()` method."""
    _workers.add(worker)


def _busy(worker) -> bool:
    busy = getattr(worker, "busy", None)
    return busy() if busy is not None else worker.is_alive()


def settle_workers(timeout_s: float = 30.0) -> bool:
    """Wait until no tracked worker is busy; False if one still is after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while any(_busy(w) for w in list(_workers)):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True
