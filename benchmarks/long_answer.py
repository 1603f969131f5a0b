"""Long recordings: peak memory and pace of `voice-mock analyze` on a long file.

Makes one round of speech by joining every bundled sample answer (about 8.6
minutes), repeats it up to --minutes (default 30), and writes it as 16 kHz
mono and as 48 kHz stereo FLAC. Runs `voice-mock analyze FILE --json` on each
as a child process and prints its peak resident memory (ru_maxrss of that
child, from wait4), wall time, and the pace and word count it found, next to
the same for one round alone ("the same speech cut short"): the pace of the
long file should be within 10% of it, and its words about rounds x as many.

    .venv/bin/python benchmarks/long_answer.py [--minutes 30] [--only 16k|48k] [--question ID] [--reference WPM,WORDS]

With --question, every run is `analyze FILE --question ID --json`, which also loads the meaning
model for the talking points (about 250 MB more: a separate figure, see docs/feedback.md).

Run it under the CPU lock: flock /tmp/vm-cpu.lock .venv/bin/python benchmarks/long_answer.py

The files are made in a child process of their own, and this process never holds audio: a
child's ru_maxrss on Linux is at least its parent's peak resident memory when it was started
(Python starts it with vfork, and exec keeps the old memory's high-water mark), so making the
48 kHz stereo file here (~690 MB of interpolation arrays) showed as a 692 MB peak of `analyze`
that was never its own. The parent's own peak is printed, as the floor of every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"


def one_round() -> np.ndarray:
    return np.concatenate([sf.read(p, dtype="float32")[0] for p in sorted(SAMPLES.glob("*.flac"))])


def write_long(base: np.ndarray, minutes: float, path: Path, rate: int, channels: int) -> float:
    """`base` (16 kHz mono) repeated to `minutes`, written at `rate` with `channels`, in pieces."""
    n = int(minutes * 60 * 16000)
    with sf.SoundFile(path, "w", samplerate=rate, channels=channels, subtype="PCM_16", format="FLAC") as f:
        done = 0
        while done < n:
            piece = base[: n - done]
            if rate != 16000:  # linear upsampling is enough: the analysis resamples it back down
                t = np.arange(int(len(piece) * rate / 16000)) * (16000 / rate)
                piece = np.interp(t, np.arange(len(piece)), piece).astype(np.float32)
            f.write(np.stack([piece, 0.8 * piece], axis=1) if channels == 2 else piece)
            done += min(len(base), n - done)
    return n / 16000


def analyze(path: Path, data_dir: Path, question: str | None = None) -> tuple[dict, float, float]:
    """(pacing, peak MB, wall s) of `voice-mock analyze path --json` as a child process."""
    env = {**os.environ, "VOICE_MOCK_HOME": str(data_dir)}
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen([sys.executable, "-m", "voice_mock", "analyze", str(path), "--json",
                                 *(["--question", question] if question else [])],
                                stdout=out, stderr=subprocess.PIPE, env=env, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            sys.exit(f"analyze {path.name} failed ({proc.returncode}): {proc.stderr.read()[-2000:]}")
        out.seek(0)
        pacing = json.load(out)["pacing"]
    return pacing, usage.ru_maxrss / 1024, took


def make_files(minutes: float, folder: Path, which: list[str]) -> tuple[float, float]:
    """One round (16 kHz mono) and the long files named in `which` ("16k", "48k"), written into
    `folder` by a child process; (seconds of one round, seconds of a long file)."""
    done = subprocess.run([sys.executable, __file__, "--make", str(folder), "--minutes", str(minutes),
                           "--only", ",".join(which)], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"making the files failed: {done.stderr[-2000:]}")
    one, long = done.stdout.split()
    return float(one), float(long)


def _make(folder: Path, minutes: float, which: list[str]) -> None:
    base = one_round()
    sf.write(folder / "one-round.flac", base, 16000, subtype="PCM_16")
    seconds = 0.0
    for label, rate, channels in (("16k", 16000, 1), ("48k", 48000, 2)):
        if label in which:
            seconds = write_long(base, minutes, folder / f"long-{label}.flac", rate, channels)
    print(len(base) / 16000, seconds)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--make":
        args = dict(zip(sys.argv[3::2], sys.argv[4::2]))
        return _make(Path(sys.argv[2]), float(args["--minutes"]), args["--only"].split(","))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--only", choices=("16k", "48k"))
    parser.add_argument("--question", metavar="ID", help="analyze with --question ID (loads the meaning model)")
    parser.add_argument("--reference", metavar="WPM,WORDS",
                        help="one round's pace and word count from an earlier run, instead of analysing it again")
    args = parser.parse_args()
    which = [args.only] if args.only else ["16k", "48k"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        short = tmp / "one-round.flac"
        round_s, seconds = make_files(args.minutes, tmp, which)
        import resource

        print(f"this process's own peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
              "(the floor of the figures below)")
        if args.question:
            print(f"with --question {args.question} (the meaning model loaded)")
        if args.reference:
            wpm, words = args.reference.split(",")
            ref = {"words_per_minute": float(wpm), "word_count": int(words)}
            print(f"one round: pace {ref['words_per_minute']:.0f} wpm, {ref['word_count']} words (given)")
        else:
            ref, ref_mb, ref_s = analyze(short, tmp / "data", args.question)
            print(f"one round ({round_s / 60:.1f} min, 16 kHz mono): pace {ref['words_per_minute']:.0f} "
                  f"wpm, {ref['word_count']} words, peak {ref_mb:.0f} MB, {ref_s:.0f} s")
        for label, rate, channels in (("16k", 16000, 1), ("48k", 48000, 2)):
            if args.only and args.only != label:
                continue
            path = tmp / f"long-{label}.flac"
            pacing, peak_mb, took = analyze(path, tmp / "data", args.question)
            rounds = seconds / round_s
            pace_diff = pacing["words_per_minute"] / ref["words_per_minute"] - 1
            print(f"{args.minutes:g} min, {rate // 1000} kHz {'stereo' if channels == 2 else 'mono'}: "
                  f"peak {peak_mb:.0f} MB, wall {took:.0f} s (RTF {took / seconds:.2f}), "
                  f"pace {pacing['words_per_minute']:.0f} wpm ({pace_diff:+.1%} against one round), "
                  f"{pacing['word_count']} words ({pacing['word_count'] / (rounds * ref['word_count']):.0%} "
                  f"of {rounds:.2f} rounds' worth)")


if __name__ == "__main__":
    main()
