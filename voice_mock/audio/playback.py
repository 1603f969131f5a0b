"""Playing audio on the speakers (sounddevice), and a player that does not."""

from __future__ import annotations

import numpy as np

from .formats import SAMPLE_RATE, AudioError, to_mono_16k
from .sources import device_info


class SpeakerPlayer:
    def __init__(self, device=None) -> None:
        import sounddevice as sd

        self._sd = sd
        self.device, self.name, self.rate = device_info(device, "output")

    def play(self, audio: np.ndarray) -> None:
        """Play and block until the last sample has been sent to the device."""
        if len(audio) == 0:
            return
        out = to_mono_16k(audio, SAMPLE_RATE)  # copy
        if self.rate != SAMPLE_RATE:
            n = int(round(len(out) * self.rate / SAMPLE_RATE))
            out = np.interp(np.arange(n) * SAMPLE_RATE / self.rate, np.arange(len(out)), out).astype(np.float32)
        try:
            self._sd.play(out, self.rate, device=self.device, blocking=True)
        except Exception as exc:
            raise AudioError(f"cannot play audio: {exc}") from None


class NullPlayer:
    """For the demo and tests: nothing is played, time is not spent."""

    def play(self, audio: np.ndarray) -> None:
        return None
