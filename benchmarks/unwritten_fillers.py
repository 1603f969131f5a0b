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
import tempfile
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voice_mock.analysis import AnalysisConfig, analyze  # noqa: E402
from voice_mock.analysis.text import filled_pause_form  # noqa: E402
from voice_mock.audio.endpoint import EndpointSettings  # noqa: E402
from voice_mock.audio.formats import load_audio  # noqa: E402
from voice_mock.audio.recorder import record_answer  # noqa: E402
from voice_mock.audio.sources import array_source  # noqa: E402
from voice_mock.audio.vad import StreamingVad  # noqa: E402
from voice_mock.evaluation.metrics import load_ground_truth  # noqa: E402
from voice_mock.evaluation.real_runner import load_real_set  # noqa: E402
from voice_mock.interview.pipeline import analyze_audio  # noqa: E402
from voice_mock.speech.streaming import SegmentingTranscriber  # noqa: E402
from voice_mock.speech.transcriber import WhisperTranscriber  # noqa: E402

WITH_TUNE = AnalysisConfig()
WITHOUT_TUNE = replace(WITH_TUNE, alignment=replace(WITH_TUNE.alignment,
                                                    confidence_held_tune=WITH_TUNE.alignment.confidence_steady))


def measured(path: str, transcriber):
    """The practice path once: AnswerAnalysis (words, speech, steady, prosody)."""
    audio = load_audio(path)
    streamer = SegmentingTranscriber(transcriber)
    whole = EndpointSettings(end_silence_s=1e9, early_end_silence_s=1e9, max_answer_s=1e9, no_speech_timeout_s=1e9)
    with tempfile.TemporaryDirectory() as tmp:
        recording = record_answer(array_source(audio), Path(tmp) / "answer.wav", StreamingVad(), whole,
                                  listener=streamer)
    return analyze_audio(recording.audio, transcriber, words=streamer.finish(),
                         vad_probabilities=recording.vad_probabilities)


def counted(a, words, cfg) -> list[tuple[float, float]]:
    fb = analyze(words, a.speech, a.duration_s, config=cfg, steady=a.steady, prosody=a.prosody)
    return [(f.start, f.end) for f in fb.hesitation.filled_pauses if f.confidence >= 0.5]


def near(span, spans, tolerance=0.2) -> bool:
    return any(max(a - span[1], span[0] - b, 0.0) <= tolerance for a, b in spans)


def run(name: str, clips: list[tuple[str, str, list[tuple[float, float]]]], transcriber) -> None:
    tally = {cfg: [0, 0, 0] for cfg in ("with", "without")}  # found, false added (left-out runs), false (full)
    total = 0
    for i, (clip_id, path, truth) in enumerate(clips, start=1):
        print(f"  {name} {i}/{len(clips)} {clip_id}", file=sys.stderr, flush=True)
        a = measured(path, transcriber)
        for label, cfg in (("with", WITH_TUNE), ("without", WITHOUT_TUNE)):
            tally[label][2] += sum(not near(s, truth) for s in counted(a, a.words, cfg))
        for k, w in enumerate(a.words):
            if filled_pause_form(w.text) is None or not truth:
                continue
            said = min(truth, key=lambda t: abs((t[0] + t[1]) / 2 - (w.start + w.end) / 2))
            rest = a.words[:k] + a.words[k + 1:]
            total += 1
            for label, cfg in (("with", WITH_TUNE), ("without", WITHOUT_TUNE)):
                found = counted(a, rest, cfg)
                tally[label][0] += any(near(s, [said]) for s in found)
                tally[label][1] += sum(not near(s, truth) for s in found)
    print(f"{name}: {len(clips)} clips, {total} written fillers left out one at a time")
    for label in ("without", "with"):
        found, false_left_out, false_full = tally[label]
        print(f"  {label:7s} the pitch tune: still counted {found} of {total}; "
              f"false fillers counted: {false_full} as transcribed, {false_left_out} over the left-out runs")


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
