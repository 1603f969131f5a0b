"""Short spoken clips made at test time with espeak-ng: text parts and silences.

    clip = spoken(["I want to lead the team and", 3.0, "grow it."])

Each text part is spoken on its own and trimmed to its voice, so every
silence between parts is exactly the number given (plus `gap_s` where none
is given). 16 kHz mono float32, as the recorder takes it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from voice_mock.audio.formats import SAMPLE_RATE, load_audio


def say(text: str, voice: str = "en-us", wpm: int = 165) -> np.ndarray:
    program = shutil.which("espeak-ng")
    assert program, "espeak-ng is not installed (scripts/setup.sh installs it)"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "part.wav"
        subprocess.run([program, "-v", voice, "-s", str(wpm), "-w", str(path), text], check=True, capture_output=True)
        audio = load_audio(path)
    loud = np.flatnonzero(np.abs(audio) > 0.01 * np.abs(audio).max())
    return audio[loud[0]: loud[-1] + 1]


def spoken(parts, voice: str = "en-us", wpm: int = 165, gap_s: float = 0.15, lead_s: float = 0.5):
    """The clip, and the start and end (seconds) of each text part."""
    pieces = [np.zeros(int(lead_s * SAMPLE_RATE), np.float32)]
    spans = []
    pos = len(pieces[0])
    previous_text = False
    for part in parts:
        if isinstance(part, (int, float)):
            piece = np.zeros(int(part * SAMPLE_RATE), np.float32)
            previous_text = False
        else:
            if previous_text:
                pieces.append(np.zeros(int(gap_s * SAMPLE_RATE), np.float32))
                pos += len(pieces[-1])
            piece = say(part, voice, wpm)
            spans.append((pos / SAMPLE_RATE, (pos + len(piece)) / SAMPLE_RATE))
            previous_text = True
        pieces.append(piece)
        pos += len(piece)
    audio = np.concatenate(pieces).astype(np.float32)
    return audio * (0.3 / max(1e-6, float(np.abs(audio).max()))), spans
