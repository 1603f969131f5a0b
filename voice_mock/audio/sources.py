"""Audio sources: iterators of mono float32 blocks at 16 kHz.

The microphone and a file are interchangeable, so `demo`, `analyze` and the
tests drive the same recorder as `practice`.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator

import numpy as np

from .formats import BLOCK_SIZE, SAMPLE_RATE, AudioError, to_mono_16k


def array_source(audio: np.ndarray, realtime: bool = False, trailing_silence_s: float = 0.0) -> Iterator[np.ndarray]:
    """Blocks of an in-memory clip; with `realtime`, paced like a microphone.

    `trailing_silence_s` appends digital silence, as a person going quiet
    after the last word, so the end-of-answer rule is exercised.
    """
    audio = np.asarray(audio, dtype=np.float32)
    if trailing_silence_s > 0:
        audio = np.concatenate([audio, np.zeros(int(trailing_silence_s * SAMPLE_RATE), np.float32)])
    start = time.monotonic()
    for i in range(0, len(audio), BLOCK_SIZE):
        block = audio[i : i + BLOCK_SIZE]
        if len(block) < BLOCK_SIZE:
            block = np.pad(block, (0, BLOCK_SIZE - len(block)))
        if realtime:
            due = start + (i + BLOCK_SIZE) / SAMPLE_RATE
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        yield block


def _resolve_device(device, kind: str):
    """An index, a name substring (as sounddevice's examples take), or None."""
    if device is None or device == "":
        return None
    try:
        return int(device)
    except (TypeError, ValueError):
        pass
    import sounddevice as sd

    key = "max_input_channels" if kind == "input" else "max_output_channels"
    for index, info in enumerate(sd.query_devices()):
        if str(device).lower() in info["name"].lower() and info[key] > 0:
            return index
    raise AudioError(f"no {kind} device matches '{device}' (see `voice-mock devices`)")


def device_info(device, kind: str) -> tuple[int | None, str, int]:
    """(index, name, native rate) of an input or output device, or AudioError."""
    import sounddevice as sd

    index = _resolve_device(device, kind)
    try:
        info = sd.query_devices(index, kind)
    except Exception as exc:
        what = "microphone" if kind == "input" else "speaker"
        if index is None:  # PortAudio's "Error querying device -1": there is no default one
            raise AudioError(f"no {what} found: this system has no default {kind} device (see `voice-mock "
                             f"devices`; `voice-mock demo` needs none)") from None
        raise AudioError(f"no usable {what}: {exc}") from None
    # The device's own rate: many cards refuse 16 kHz.
    return index, info["name"], int(info["default_samplerate"]) or SAMPLE_RATE


class Microphone:
    """A live input stream. The PortAudio callback only copies blocks into a
    queue; everything else happens on the reading thread."""

    def __init__(self, device=None) -> None:
        import sounddevice as sd

        self._sd = sd
        self.device, self.name, self.rate = device_info(device, "input")
        self._queue: queue.Queue = queue.Queue()
        self._stream = None
        self.overflows = 0

    def _callback(self, indata, frames, time_info, status) -> None:
        if status.input_overflow:
            self.overflows += 1
        self._queue.put(indata[:, 0].copy())

    def __enter__(self) -> "Microphone":
        try:
            self._stream = self._sd.InputStream(
                device=self.device, channels=1, samplerate=self.rate, dtype="float32",
                blocksize=int(self.rate * BLOCK_SIZE / SAMPLE_RATE), callback=self._callback,
            )
            self._stream.start()
            logging.getLogger("voice_mock.timing").debug("microphone stream latency %.3f s", self._stream.latency)
        except Exception as exc:
            raise AudioError(f"cannot open the microphone '{self.name}': {exc}") from None
        return self

    def __exit__(self, *exc) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None

    def drain(self) -> None:
        """Forget audio captured before now (e.g. the question's own echo)."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def blocks(self) -> Iterator[np.ndarray]:
        """Blocks of exactly BLOCK_SIZE samples at 16 kHz, for as long as asked."""
        pending = np.zeros(0, dtype=np.float32)
        while True:
            try:
                raw = self._queue.get(timeout=2.0)
            except queue.Empty:
                raise AudioError("the microphone stopped delivering audio") from None
            pending = np.concatenate([pending, to_mono_16k(raw, self.rate)])
            while len(pending) >= BLOCK_SIZE:
                yield pending[:BLOCK_SIZE]
                pending = pending[BLOCK_SIZE:]
