"""Fillers Whisper did not write: how many the audio alone still counts.

Whisper leaves many "um"/"uh" out (FIELD-NOTES §2); on a new voice the ones
it writes and the ones it leaves out are the same sounds. So each filler
Whisper *did* write is taken out of its words, one at a time, and the answer
analysed again with everything else as measured (speech intervals, steady
voiced stretches, pitch): is a filled pause still counted there, within
0.2 s of the true one? And is any counted filled pause added where there is
none (a false "um")? Both with the pitch-tune rule (analysis/held_pitch.py)
and without it (held voice with no word only "possible").

Sets, reported apart: the development part of tests/data/real (the held-out
part is not used here: it is never used for tuning) and the synthetic
samples/. One practice-path run per clip (recorder, streaming tiny.en, VAD,
acoustics, pitch), then the analysis only.

    flock /tmp/vm-cpu.lock .venv/bin/python benchmarks/unwritten_fillers.py
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voice_mock.analysis import AnalysisConfig  # noqa: E402
from voice_mock.evaluation.metrics import load_ground_truth  # noqa: E402
from voice_mock.evaluation.real_runner import load_real_set  # noqa: E402
from voice_mock.evaluation.runner import practice_analysis  # noqa: E402
from voice_mock.evaluation.unwritten import LeftOut, left_out  # noqa: E402
from voice_mock.speech.transcriber import WhisperTranscriber  # noqa: E402

WITH_TUNE = AnalysisConfig()
WITHOUT_TUNE = replace(WITH_TUNE, alignment=replace(WITH_TUNE.alignment,
                                                    confidence_held_tune=WITH_TUNE.alignment.confidence_steady))


def run(name: str, clips: list[tuple[str, str, list[tuple[float, float]]]], transcriber) -> None:
    tally = {"with": LeftOut(), "without": LeftOut()}
    for i, (clip_id, path, truth) in enumerate(clips, start=1):
        print(f"  {name} {i}/{len(clips)} {clip_id}", file=sys.stderr, flush=True)
        answer = practice_analysis(Path(path), transcriber)
        tally["with"] += left_out(answer, truth, WITH_TUNE)
        tally["without"] += left_out(answer, truth, WITHOUT_TUNE)
    print(f"{name}: {len(clips)} clips, {tally['with'].written} written fillers left out one at a time")
    for label in ("without", "with"):
        t = tally[label]
        print(f"  {label:7s} the pitch tune: still counted {t.found} of {t.written}; false fillers counted: "
              f"{t.false_as_transcribed} as transcribed, {t.false_left_out} over the left-out runs")


def main() -> int:
    transcriber = WhisperTranscriber()
    transcriber.warm_up()
    real = []
    for c in load_real_set(REPO / "tests" / "data" / "real"):
        if c.get("split", "dev") != "dev":
            continue  # the held-out part is never used for tuning
        times = c.get("filler_times")
        if times is None and c.get("filled_pauses"):
            continue  # fillers said, but not where: cannot tell a found one from a false one
        real.append((c["id"], c["path"], [(a, b) for _, a, b in times or []]))
    synthetic = []
    for p in sorted((REPO / "samples").glob("*.json")):
        truth = load_ground_truth(p)
        synthetic.append((truth["id"], str(p.with_suffix(".flac")),
                          [(f["start"], f["end"]) for f in truth["fillers"]]))
    run("real speech, development part", real, transcriber)
    run("synthetic samples", synthetic, transcriber)
    return 0


if __name__ == "__main__":
    sys.exit(main())
