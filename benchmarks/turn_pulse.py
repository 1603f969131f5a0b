"""Outside in: how soon after the last word of a finished answer the feedback appears.

Starts a private PulseAudio server with a virtual microphone (tests/pulse.py),
runs `voice-mock practice` on it, and plays the one-minute answer of
tests/test_turn_pulseaudio.py (espeak-ng, a 3 s thinking pause after
"...lead the planning team and,", ending "That is why I would love to grow
with you.") into the microphone. Prints, counted from the end of the last
word as it left the player (so PulseAudio's own buffering is included):

- when the terminal says the recording stopped ("Recorded ..."),
- when the first line of feedback is on screen,

and whether the answer kept its words after the pause.

    .venv/bin/python benchmarks/turn_pulse.py [--runs 3]

Run it under the CPU lock (`flock /tmp/vm-cpu.lock ...`): the figures depend on
how fast the last words are transcribed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import soundfile as sf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from pulse import MIC_SINK, PulseServer  # noqa: E402
from spoken import spoken  # noqa: E402
from test_turn_pulseaudio import FIRST, SECOND  # noqa: E402


def one_run(clip: Path, last_word_s: float, tmp: Path) -> dict:
    pulse = PulseServer(tmp / "pulse").start()
    try:
        home = tmp / "home"
        env = {**os.environ, **pulse.env, "VOICE_MOCK_HOME": str(home), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "voice_mock", "practice", "--question", "career-aspirations", "--voice", "none"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, env=env,
            cwd=REPO)
        stamped: list[tuple[float, str]] = []
        listening = threading.Event()

        def read() -> None:
            for line in proc.stdout:
                stamped.append((time.monotonic(), line))
                if "Listening" in line:
                    listening.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if not listening.wait(180):
            raise SystemExit("voice-mock never started listening")
        played = time.monotonic()
        subprocess.run(["paplay", "-d", MIC_SINK, str(clip)], env={**os.environ, **pulse.env}, check=True, timeout=300)
        proc.wait(timeout=600)
        reader.join(5)
    finally:
        pulse.stop()
    last_word = played + last_word_s
    stopped = next(t for t, line in stamped if "Recorded" in line)
    after = [(t, line) for t, line in stamped if t >= stopped and "Recorded" not in line and line.strip()]
    entry = json.loads(next((home / "sessions").iterdir()).joinpath("session.json").read_text())["answers"][0]
    transcript = json.loads((next((home / "sessions").iterdir()) / entry["folder"] / "transcript.json").read_text())
    said = " ".join(w["text"].lower().strip(",.?!") for w in transcript["words"])
    return {"stopped_s": stopped - last_word, "feedback_s": after[0][0] - last_word if after else float("nan"),
            "kept": all(w in said for w in ("forecast", "mentoring", "grow with you")),
            "ending": entry.get("ending"), "exit": proc.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    audio, spans = spoken([FIRST, 3.0, SECOND])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "answer.wav"
        sf.write(clip, audio, 16000)
        print(f"answer {len(audio) / 16000:.1f} s, last word ends at {spans[-1][1]:.2f} s", flush=True)
        for i in range(args.runs):
            run_dir = Path(tmp) / f"run{i}"
            run_dir.mkdir()
            row = one_run(clip, spans[-1][1], run_dir)
            rows.append(row)
            print(f"run {i + 1}: recording stopped +{row['stopped_s']:.2f} s, feedback on screen +{row['feedback_s']:.2f} s "
                  f"after the last word; words after the pause kept: {row['kept']}; {row['ending']}", flush=True)
    fb = [r["feedback_s"] for r in rows]
    st = [r["stopped_s"] for r in rows]
    print(f"last word to feedback on screen: median {statistics.median(fb):.2f} s, worst {max(fb):.2f} s "
          f"(recording stopped: median {statistics.median(st):.2f} s); answers kept whole: "
          f"{sum(r['kept'] for r in rows)} of {len(rows)}")


if __name__ == "__main__":
    main()
