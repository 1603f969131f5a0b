"""The end-of-answer tracker (speech/ending.py, numpy) against Praat (speech/prosody.py, parselmouth)
on the windows the live decision measures: why the product keeps two pitch trackers.

At every pause of >= 0.3 s in the bundled samples and the development part of the real speech
(tests/data/real, split dev; the held-out part is left alone), the 2 s of audio before it (as
interview/turn_judge.py passes it) go through `ending_prosody` twice: with its own tracker, and with
Praat's pitch (the delivery analysis' settings, on ending's 10 ms grid) in its place. Printed: CPU
per window, and how often the two agree on what the decision reads (turn.TurnSettings: a rising end,
slope 5-60 st/s with no fade; the sign of the slope).

    flock /tmp/vm-cpu.lock .venv/bin/python benchmarks/ending_pitch.py
"""
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from voice_mock.audio.formats import SAMPLE_RATE, load_audio  # noqa: E402
from voice_mock.audio.vad import speech_intervals  # noqa: E402
from voice_mock.speech import ending, prosody  # noqa: E402
from voice_mock.turn import TurnSettings  # noqa: E402

SPAN_S, MIN_GAP_S = 2.0, 0.3
NUMPY_TRACK = ending.pitch_track
PRAAT = prosody.ProsodySettings(time_step_s=ending.HOP_S)


def praat_track(audio, rate=SAMPLE_RATE):
    """Praat's f0 on ending's frame grid (40 ms frames, 10 ms apart), ending's own loudness."""
    _, level = NUMPY_TRACK(audio, rate)
    xs, f = prosody._praat_pitch(np.asarray(audio, dtype=np.float64), rate, PRAAT)
    times = ending.FRAME_S / 2 + ending.HOP_S * np.arange(len(level))
    f0 = np.full(len(level), np.nan)
    if len(xs):
        k = np.clip(np.searchsorted(xs, times), 0, len(xs) - 1)
        ok = np.abs(xs[k] - times) <= ending.HOP_S / 2 + 1e-9
        f0[ok] = np.where(f[k[ok]] > 0, f[k[ok]], np.nan)
    return f0, level


def windows(path):
    audio = load_audio(path)
    speech = speech_intervals(audio)
    for iv, nxt in zip(speech, speech[1:] + [None]):
        if nxt is None or nxt.start - iv.end >= MIN_GAP_S:
            end = int(iv.end * SAMPLE_RATE)
            yield audio[max(0, end - int(SPAN_S * SAMPLE_RATE)):end]


def measure(window, track):
    ending.pitch_track = track
    c = time.process_time()
    p = ending.ending_prosody(window)
    return p, time.process_time() - c


def rising(p, s=TurnSettings()):
    return p.voiced_s > 0 and s.rising_slope_st_s <= p.pitch_slope_st_s <= s.max_slope_st_s \
        and p.level_change_db > s.fading_db


def run(label, paths):
    rows = []
    for path in paths:
        for w in windows(path):
            if len(w) < ending.FRAME_S * SAMPLE_RATE:
                continue
            measure(w, praat_track)  # warm
            (pn, cn), (pp, cp) = measure(w, NUMPY_TRACK), measure(w, praat_track)
            rows.append((cn, cp, rising(pn), rising(pp), np.sign(pn.pitch_slope_st_s), np.sign(pp.pitch_slope_st_s),
                         pn.voiced_s > 0, pp.voiced_s > 0))
    r = np.array(rows, dtype=float)
    both = (r[:, 6] > 0) & (r[:, 7] > 0)
    print(f"{label}: {len(r)} windows of <= {SPAN_S:.0f} s before a pause >= {MIN_GAP_S} s")
    print(f"  CPU per window: numpy median {np.median(r[:, 0]) * 1000:.1f} ms (max {r[:, 0].max() * 1000:.1f}), "
          f"Praat median {np.median(r[:, 1]) * 1000:.1f} ms (max {r[:, 1].max() * 1000:.1f})")
    print(f"  'rising' verdict the same on {int((r[:, 2] == r[:, 3]).sum())} of {len(r)} "
          f"(rising: numpy {int(r[:, 2].sum())}, Praat {int(r[:, 3].sum())}); slope sign the same on "
          f"{int((r[both, 4] == r[both, 5]).sum())} of {int(both.sum())} measured by both; "
          f"measured: numpy {int(r[:, 6].sum())}, Praat {int(r[:, 7].sum())}")


if __name__ == "__main__":
    prosody._praat_pitch(np.zeros(SAMPLE_RATE), SAMPLE_RATE, PRAAT)  # parselmouth imported before timing
    run("Bundled samples (synthetic)", sorted((REPO / "samples").glob("*.flac")))
    man = json.loads((REPO / "tests/data/real/manifest.json").read_text())
    run("Real speech, development part", [REPO / "tests/data/real" / c["audio"] for c in man["clips"]
                                          if c.get("split") == "dev"])
