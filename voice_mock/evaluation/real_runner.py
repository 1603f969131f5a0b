"""`voice-mock evaluate` on real speech: the clips of tests/data/real through
the product's own path (evaluation/runner.py), and raw faster-whisper without
a prompt on the same clips for comparison, scored by evaluation/realspeech.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from voice_mock.audio.formats import load_audio

from .realspeech import RealScore, RealTotals, real_totals, score_clip
from .runner import analyze_file

SPLITS = ("dev", "heldout")


def load_real_set(folder: Path) -> list[dict]:
    """The clips of a real-speech folder's manifest.json, with their audio path."""
    manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    clips = []
    for clip in manifest["clips"]:
        clip = dict(clip, path=str(Path(folder) / clip["audio"]))
        clip.setdefault("id", Path(clip["audio"]).stem)
        clips.append(clip)
    return clips


def evaluate_real(
    folder: Path, transcriber, split: str = "all", progress=None, raw: bool = True
) -> tuple[list[RealScore], dict[str, RealTotals]]:
    """Scores per clip and totals per split ("dev", "heldout") and for all."""
    clips = [c for c in load_real_set(folder) if split == "all" or c.get("split", "dev") == split]
    scores = []
    for i, clip in enumerate(clips, start=1):
        if progress:
            progress(i, len(clips), clip["id"])
        feedback = analyze_file(Path(clip["path"]), transcriber)
        raw_text = transcriber.raw_text(load_audio(clip["path"])) if raw else ""
        scores.append(score_clip(clip, feedback, raw_text))
    totals = {name: real_totals([s for s in scores if s.split == name]) for name in SPLITS
              if any(s.split == name for s in scores)}
    totals["all"] = real_totals(scores)
    return scores, totals
