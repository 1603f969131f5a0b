"""Pitch and loudness measurement (speech/prosody.py): cost and accuracy.

Cost: `pitch_track` on a 2-minute answer (samples/hard-long.flac, 118 s),
limited to its speech intervals as the pipeline does, median of --runs, wall
and CPU time; the delivery analysis on its result; importing parselmouth.

Accuracy, each set reported apart:
- synthetic voices of known pitch (glottal-pulse-like tones at 95, 120, 210
  and 330 Hz, and a one-octave glide): error of the median and of the range
  against the truth;
- espeak-ng reading one answer with SSML pitch range x-low / medium / x-high;
- the bundled samples (Piper, synthetic) and the real recordings of
  tests/data/real: against the reference tracker, Praat's own settings for
  speech (autocorrelation, 10 ms step, 75-600 Hz) over the whole file:
  voicing agreement, gross errors (more than 20% off), median |error| in
  cents on frames both call voiced, and the answer's median and range by each.

    flock /tmp/vm-cpu.lock .venv/bin/python benchmarks/prosody.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voice_mock.analysis.config import DeliveryConfig  # noqa: E402
from voice_mock.analysis.delivery import measure_delivery  # noqa: E402
from voice_mock.audio.formats import SAMPLE_RATE, load_audio  # noqa: E402
from voice_mock.audio.vad import speech_intervals  # noqa: E402
from voice_mock.speech.prosody import pitch_track  # noqa: E402
from voice_mock.types import Interval  # noqa: E402

SAMPLES = REPO / "samples"
REAL = REPO / "tests" / "data" / "real" / "audio"
TEXT = (
    "In my last role I led a small team that rebuilt our data pipeline. We cut the nightly run "
    "from six hours to forty minutes, and I learned how much a clear plan helps everyone. Since "
    "then I have mentored two junior engineers, and both now own parts of the system. I would "
    "like to bring that same focus on results to your team, where I can keep growing as a leader."
)


def voice(f0: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    phase = 2 * np.pi * np.cumsum(f0) / rate
    out = sum((k * f0 < 0.45 * rate) * np.sin(k * phase) / k for k in range(1, 40))
    return (0.3 * out / np.abs(out).max()).astype(np.float32)


def figures(f0: np.ndarray) -> tuple[float, float]:
    v = f0[f0 > 0]
    if len(v) < 10:
        return float("nan"), float("nan")
    return float(np.median(v)), float(12 * np.log2(np.percentile(v, 95) / np.percentile(v, 5)))


def ours(audio: np.ndarray, vad: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """As the pipeline measures it: over the VAD's speech (a pure tone is no
    speech to the VAD, so the synthetic voices are measured whole)."""
    speech = speech_intervals(audio) if vad else None
    track = pitch_track(audio, SAMPLE_RATE, speech)
    times = np.array([track.time(i) for i in range(len(track))])
    return times, np.array([f or 0.0 for f in track.f0_hz])


def reference(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import parselmouth

    p = parselmouth.Sound(audio.astype(np.float64), sampling_frequency=SAMPLE_RATE).to_pitch_ac(
        time_step=0.01, pitch_floor=75.0, pitch_ceiling=600.0)
    return np.asarray(p.xs()), np.asarray(p.selected_array["frequency"])


def compare(audio: np.ndarray) -> dict:
    t, f = ours(audio)
    rt, rf = reference(audio)
    ref_on = rf[np.clip(np.searchsorted(rt, t), 0, len(rt) - 1)] if len(rt) else np.zeros(len(t))
    both = (f > 0) & (ref_on > 0)
    cents = np.abs(1200 * np.log2(f[both] / ref_on[both])) if both.any() else np.array([])
    return {
        "voicing": float(((f > 0) == (ref_on > 0)).mean()) if len(t) else float("nan"),
        "gross": float((np.abs(f[both] / ref_on[both] - 1) > 0.2).mean()) if both.any() else float("nan"),
        "cents": float(np.median(cents)) if len(cents) else float("nan"),
        "ours": figures(f), "ref": figures(rf),
    }


def cost(runs: int) -> None:
    audio = load_audio(SAMPLES / "hard-long.flac")
    speech = speech_intervals(audio)
    t0 = time.perf_counter()
    import parselmouth  # noqa: F401

    print(f"import parselmouth: {time.perf_counter() - t0:.3f} s (once per process)")
    pitch_track(audio, SAMPLE_RATE, speech)
    wall, cpu, analysis = [], [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        track = pitch_track(audio, SAMPLE_RATE, speech)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
        w = time.perf_counter()
        measure_delivery(track, [], speech, Interval(speech[0].start, speech[-1].end), DeliveryConfig())
        analysis.append(time.perf_counter() - w)
    print(f"pitch_track, {len(audio) / SAMPLE_RATE:.0f} s answer ({sum(s.duration for s in speech):.0f} s of speech): "
          f"median {statistics.median(wall):.3f} s wall, {statistics.median(cpu):.3f} s CPU over {runs} runs "
          f"(worst {max(wall):.3f} s)")
    print(f"delivery analysis on it: median {statistics.median(analysis):.3f} s")


def known_pitch() -> None:
    print("\nSynthetic voices of known pitch (error against the truth):")
    for hz in (95.0, 120.0, 210.0, 330.0):
        _, f = ours(voice(np.full(3 * SAMPLE_RATE, hz)), vad=False)
        median, rng = figures(f)
        print(f"  steady {hz:5.0f} Hz: median {median:7.2f} Hz (error {100 * (median / hz - 1):+.2f}%), range {rng:.2f} st")
    t = np.arange(4 * SAMPLE_RATE) / SAMPLE_RATE
    _, f = ours(voice(110.0 * 2 ** (t / 4.0)), vad=False)
    median, rng = figures(f)
    print(f"  glide 110-220 Hz over 4 s: median {median:.1f} Hz (true 155.6), range {rng:.2f} st (true 10.80)")


def espeak_ranges() -> None:
    if not shutil.which("espeak-ng"):
        print("\nespeak-ng not installed: SSML ranges skipped")
        return
    print("\nespeak-ng, the same answer with SSML <prosody range=...> (ours vs reference):")
    with tempfile.TemporaryDirectory() as tmp:
        for r in ("x-low", "low", "medium", "high", "x-high"):
            path = Path(tmp) / f"{r}.wav"
            subprocess.run(["espeak-ng", "-m", "-w", str(path), f'<speak><prosody range="{r}">{TEXT}</prosody></speak>'],
                           check=True)
            audio = load_audio(path)
            speech = speech_intervals(audio)
            d = measure_delivery(pitch_track(audio, SAMPLE_RATE, speech), [], speech,
                                 Interval(speech[0].start, speech[-1].end), DeliveryConfig())
            c = compare(audio)
            print(f"  {r:7s} median {d.pitch.median_hz:6.1f} Hz, range {d.pitch.range_st:5.2f} st "
                  f"(reference {c['ref'][1]:5.2f}), monotone {d.monotone}")


def against_reference(label: str, paths: list[Path]) -> None:
    print(f"\n{label}: against the reference tracker (Praat's speech defaults, whole file)")
    print(f"  {'clip':30s} {'voicing':>7s} {'gross':>6s} {'cents':>6s}   median Hz ours/ref   range st ours/ref")
    rows = []
    for path in paths:
        c = compare(load_audio(path))
        rows.append(c)
        print(f"  {path.stem[:30]:30s} {c['voicing']:7.3f} {c['gross']:6.3f} {c['cents']:6.1f}   "
              f"{c['ours'][0]:6.1f} / {c['ref'][0]:6.1f}      {c['ours'][1]:5.1f} / {c['ref'][1]:5.1f}")
    ok = [r for r in rows if not np.isnan(r["gross"])]
    if ok:
        print(f"  mean voicing agreement {np.mean([r['voicing'] for r in rows]):.3f}, "
              f"mean gross error rate {np.mean([r['gross'] for r in ok]):.3f}, "
              f"median |error| {np.median([r['cents'] for r in ok]):.1f} cents")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cost(args.runs)
    known_pitch()
    espeak_ranges()
    against_reference("Bundled samples (Piper, synthetic)", sorted(SAMPLES.glob("*.flac")))
    if REAL.is_dir():
        against_reference("Real recordings (tests/data/real)", sorted(REAL.glob("*.flac")))


if __name__ == "__main__":
    main()
