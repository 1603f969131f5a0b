"""Transcription speed and memory on the bundled samples.

Prints the model load time, then for each sample its length, the time to
transcribe it in one go and the real-time factor, and at the end the peak
memory of the process.

    .venv/bin/python benchmarks/transcribe.py [--model NAME_OR_FOLDER]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voice_mock.audio.formats import SAMPLE_RATE, load_audio  # noqa: E402
from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber, available_cores  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    args = parser.parse_args()
    transcriber = WhisperTranscriber(WhisperSettings(model=args.model))
    start = time.perf_counter()
    transcriber.load()
    print(f"model {transcriber.name}: load {time.perf_counter() - start:.2f} s on {available_cores()} cores")
    transcriber.warm_up()
    total_audio = total_time = 0.0
    print(f"{'sample':24} {'length':>7} {'time':>6} {'RTF':>6}")
    for path in sorted((REPO / "samples").glob("*.flac")):
        audio = load_audio(path)
        start = time.perf_counter()
        transcriber.transcribe(audio)
        took = time.perf_counter() - start
        seconds = len(audio) / SAMPLE_RATE
        total_audio += seconds
        total_time += took
        print(f"{path.stem:24} {seconds:6.1f}s {took:5.2f}s {took / seconds:6.3f}", flush=True)
    print(f"{'all':24} {total_audio:6.1f}s {total_time:5.2f}s {total_time / total_audio:6.3f}")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
