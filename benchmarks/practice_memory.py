"""Peak memory of a real `voice-mock practice` session.

Starts a private PulseAudio server with a virtual microphone and speaker (as
the tests do), runs `voice-mock practice` for --count questions, answers each
by playing a sample answer into the microphone, and prints the peak resident
memory of the practice process and the wall time.

    .venv/bin/python benchmarks/practice_memory.py [--count 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from pulse import PulseServer  # noqa: E402

ANSWERS = [("career-aspirations", "career-aspirations"), ("conflict", "conflict"), ("hard-long", "tell-me-about-yourself")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3, choices=[1, 2, 3])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pulse = PulseServer(Path(tmp) / "pulse").start()
        try:
            env = {**os.environ, **pulse.env, "VOICE_MOCK_HOME": str(Path(tmp) / "home"), "PYTHONUNBUFFERED": "1"}
            questions = [arg for _, qid in ANSWERS[: args.count] for arg in ("--question", qid)]
            start = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "voice_mock", "practice", "--voice", "espeak", *questions],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=REPO,
            )
            for sample, _ in ANSWERS[: args.count]:
                for line in proc.stdout:
                    if "Listening" in line:
                        break
                pulse.speak_into_mic(REPO / "samples" / f"{sample}.flac")
            proc.communicate(timeout=600)
            took = time.perf_counter() - start
        finally:
            pulse.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"practice, {args.count} questions: exit {proc.returncode}, wall {took:.1f} s, "
          f"peak memory {peak_mb:.0f} MB (largest child process: voice-mock)")


if __name__ == "__main__":
    main()
