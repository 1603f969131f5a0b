"""Fillers Whisper did not write: does the audio alone still count them?

Whisper leaves many "um"/"uh" out (FIELD-NOTES §2), and on a new voice the
ones it writes and the ones it leaves out are the same sounds. So each filler
Whisper *did* write is taken out of its words, one at a time, and the answer
is analysed again with everything else as measured (speech intervals, steady
voiced stretches, pitch): is a filled pause still counted within 0.2 s of
the true one, and is a counted one added where none was said?
`benchmarks/unwritten_fillers.py` prints it; tests/test_accuracy.py holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from voice_mock.analysis import AnalysisConfig, analyze
from voice_mock.analysis.text import filled_pause_form


@dataclass
class LeftOut:
    written: int = 0  # written fillers left out, one at a time
    found: int = 0  # ... still counted within 0.2 s of the true filler
    false_as_transcribed: int = 0  # counted fillers far from any true one, nothing left out
    false_left_out: int = 0  # ... over the left-out runs

    def __iadd__(self, other: "LeftOut") -> "LeftOut":
        self.written += other.written
        self.found += other.found
        self.false_as_transcribed += other.false_as_transcribed
        self.false_left_out += other.false_left_out
        return self


def _near(span: tuple[float, float], spans: Sequence[tuple[float, float]], tolerance: float = 0.2) -> bool:
    return any(max(a - span[1], span[0] - b, 0.0) <= tolerance for a, b in spans)


def _counted(answer, words, cfg: AnalysisConfig) -> list[tuple[float, float]]:
    fb = analyze(words, answer.speech, answer.duration_s, config=cfg, steady=answer.steady, prosody=answer.prosody)
    return [(f.start, f.end) for f in fb.hesitation.filled_pauses if f.confidence >= cfg.fillers.min_confidence]


def left_out(answer, truth: Sequence[tuple[float, float]], config: AnalysisConfig | None = None) -> LeftOut:
    """`answer`: an AnswerAnalysis (words, speech, steady, prosody); `truth`:
    the true filled pauses (start, end)."""
    cfg = config or AnalysisConfig()
    out = LeftOut(false_as_transcribed=sum(not _near(s, truth) for s in _counted(answer, answer.words, cfg)))
    for k, w in enumerate(answer.words):
        if filled_pause_form(w.text) is None or not truth:
            continue
        said = min(truth, key=lambda t: abs((t[0] + t[1]) / 2 - (w.start + w.end) / 2))
        found = _counted(answer, answer.words[:k] + answer.words[k + 1:], cfg)
        out.written += 1
        out.found += any(_near(s, [said]) for s in found)
        out.false_left_out += sum(not _near(s, truth) for s in found)
    return out
