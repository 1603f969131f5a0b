"""Outside in: how soon after the last word of a finished answer the feedback appears.

Starts a private PulseAudio server with a virtual microphone (tests/pulse.py),
runs `voice-mock practice` on it, and plays the one-minute answer of
tests/test_turn_pulseaudio.py (espeak-ng, a 3 s thinking pause after
"...lead the planning team and,", ending "That is why I would love to grow
with you.") into the microphone. Prints, counted from the end of the last
word as it left the player (so PulseAudio's own buffering is included):

- when the terminal says the recording stopped ("Recorded ..."),
- when the first line of feedback is on screen,

and whether the answer kept its words after the pause. The virtual microphone
itself (paplay -> a null sink -> its monitor) delivers audio ~1 s after
paplay plays it, whatever the client (parec with a 10 ms latency sees the same
delay), so the figures are also given from the moment the last word reached
voice-mock: the arrival of the first speech plus the clip time to the last word
(voice-mock's --debug timing lines, on the monotonic clock this process shares).

    .venv/bin/python benchmarks/turn_pulse.py [--runs 3]

Run it under the CPU lock (`flock /tmp/vm-cpu.lock ...`): the figures depend on
how fast the last words are transcribed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


def one_run(clip: Path, first_word_s: float, last_word_s: float, tmp: Path) -> dict:
    pulse = PulseServer(tmp / "pulse").start()
    try:
        home = tmp / "home"
        env = {**os.environ, **pulse.env, "VOICE_MOCK_HOME": str(home), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "voice_mock", "practice", "--question", "career-aspirations", "--voice", "none",
             "--debug"],
            stdout=subprocess.PIPE, stderr=(tmp / "stderr.txt").open("w"), stdin=subprocess.DEVNULL, text=True,
            env=env, cwd=REPO)
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
    steps = timing_steps((tmp / "stderr.txt").read_text(), last_word)
    feedback_s = after[0][0] - last_word if after else float("nan")
    # When the last word reached voice-mock: the first word's arrival plus the clip time between them
    # (the virtual device's own delay, paplay -> null sink -> monitor, left out).
    reached = steps.pop("first_speech_arrived") + (last_word_s - first_word_s) - last_word
    return {"steps": steps, "stopped_s": stopped - last_word, "feedback_s": feedback_s,
            "device_delay_s": reached, "from_mic_s": feedback_s - reached,
            "kept": all(w in said for w in ("forecast", "mentoring", "grow with you")),
            "ending": entry.get("ending"), "exit": proc.returncode}


def timing_steps(stderr: str, last_word: float) -> dict:
    """From voice-mock's --debug timing lines (monotonic clock, shared with this process),
    seconds after the last word left the player."""
    steps = {"timeline": []}
    for line in stderr.splitlines():
        if not line.startswith("voice_mock.timing:"):
            continue
        if "stream latency" in line:
            steps["input_latency_s"] = float(re.search(r"latency ([0-9.]+)", line).group(1))
            continue
        t = float(re.search(r"t=([0-9.]+)", line).group(1)) - last_word
        if t > -15:
            steps["timeline"].append(f"{t:+.2f} {line.split(' ', 2)[-1][:110]}")
        if "recording ended" in line:
            steps["ended"] = t
            steps["last_speech_arrived"] = float(re.search(r"arrived at t=([0-9.]+)", line).group(1)) - last_word
            steps["silence_s"] = float(re.search(r"after ([0-9.]+) s of silence", line).group(1))
            steps["first_speech_arrived"] = float(re.search(r"the first \([0-9.]+ s\) at t=([0-9.]+)", line).group(1))
        elif "feedback shown" in line:
            steps["feedback"] = t
            for key in ("transcript", "analysis"):
                steps[f"{key}_s"] = float(re.search(key + r" ([0-9.]+) s", line).group(1))
        elif " peek " in line and "ended" not in steps:
            steps["last_peek"] = t
            steps["last_peek_text"] = line.split(": ", 2)[-1][-40:]
        elif "(guess)" in line and "ended" not in steps:
            steps["last_guess"] = t
    return steps


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
            row = one_run(clip, spans[0][0], spans[-1][1], run_dir)
            rows.append(row)
            print("\n".join("    " + x for x in row["steps"].pop("timeline")), flush=True)
            print(f"  {row['steps']}", flush=True)
            print(f"run {i + 1} (load {os.getloadavg()[0]:.1f}): recording stopped +{row['stopped_s']:.2f} s, feedback on "
                  f"screen +{row['feedback_s']:.2f} s after the last word left the player; the virtual device delivered "
                  f"it +{row['device_delay_s']:.2f} s later, so +{row['from_mic_s']:.2f} s after it reached voice-mock; "
                  f"words after the pause kept: {row['kept']}; {row['ending']}", flush=True)
    fb = [r["feedback_s"] for r in rows]
    st = [r["stopped_s"] for r in rows]
    mic = [r["from_mic_s"] for r in rows]
    print(f"last word reaching voice-mock to feedback on screen: median {statistics.median(mic):.2f} s, "
          f"worst {max(mic):.2f} s")
    print(f"last word leaving the player to feedback on screen: median {statistics.median(fb):.2f} s, worst {max(fb):.2f} s "
          f"(recording stopped: median {statistics.median(st):.2f} s); answers kept whole: "
          f"{sum(r['kept'] for r in rows)} of {len(rows)}")


if __name__ == "__main__":
    main()
