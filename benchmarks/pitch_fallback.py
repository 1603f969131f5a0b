"""What a pure-numpy pitch tracker would change against Praat (parselmouth, GPL-3.0):
how hard a fallback for an install without parselmouth would be (docs/licences.md).

The numpy tracker is the one the product already has for the end-of-answer
decision (speech/ending.py: normalised autocorrelation, no path search). Per
clip, a PitchTrack is made both ways over the same VAD speech on the same
20 ms grid with the same 40 ms loudness, and the delivery analysis
(measure_delivery) reads each: voicing agreement and gross errors (> 20% off)
against Praat, the answer's median pitch and 5-95% range, the monotone
verdict, and CPU time. Synthetic samples and the development part of the
real speech are reported apart (the held-out part is left alone).

    flock /tmp/vm-cpu.lock .venv/bin/python benchmarks/pitch_fallback.py [--real-only]
"""
import sys, json, time
from pathlib import Path
import numpy as np
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from voice_mock.audio.formats import SAMPLE_RATE, load_audio
from voice_mock.audio.vad import speech_intervals
from voice_mock.speech import prosody, ending
from voice_mock.types import PitchTrack, Interval
from voice_mock.analysis.delivery import measure_delivery
from voice_mock.analysis.config import DeliveryConfig

def numpy_track(audio, speech):
    hop = 0.02
    n = int((len(audio) / SAMPLE_RATE - hop / 2) // hop)
    times = hop / 2 + hop * np.arange(n)
    f0 = np.zeros(n)
    for a, b in prosody._segments(speech, len(audio) / SAMPLE_RATE):
        i, j = int(a * SAMPLE_RATE), int(b * SAMPLE_RATE)
        if j - i < 0.1 * SAMPLE_RATE: continue
        f, _ = ending.pitch_track(audio[i:j])  # 10 ms frames, 40 ms long, centred at k*10ms + 20ms
        ft = a + ending.FRAME_S / 2 + ending.HOP_S * np.arange(len(f))
        k = np.clip(np.searchsorted(ft, times), 0, len(ft) - 1)
        ok = (times >= a) & (times <= b) & (np.abs(ft[k] - times) <= 0.0051)
        f0[ok] = np.nan_to_num(f[k[ok]], nan=0.0)
    prosody._drop_short_runs(f0, 3)
    level = prosody.frame_levels(audio, times, SAMPLE_RATE, 0.04)
    return PitchTrack(hop, hop / 2, tuple(None if v <= 0 else float(v) for v in np.round(f0, 1)), tuple(np.round(level, 1).tolist()))

def agree(a, b):
    fa = np.array([x or 0 for x in a.f0_hz]); fb = np.array([x or 0 for x in b.f0_hz]); m = min(len(fa), len(fb)); fa, fb = fa[:m], fb[:m]
    both = (fa > 0) & (fb > 0)
    return float(((fa > 0) == (fb > 0)).mean()), float((np.abs(fa[both] / fb[both] - 1) > 0.2).mean()) if both.any() else float("nan")

def run(label, paths, split=None):
    print(f"\n{label}")
    print(f"  {'clip':24s} {'voicing':>7s} {'gross':>6s}  median Hz numpy/praat  range st numpy/praat  monotone numpy/praat  cpu s numpy/praat")
    rows = []
    for p in paths:
        audio = load_audio(p); speech = speech_intervals(audio)
        if not speech: continue
        span = Interval(speech[0].start, speech[-1].end)
        c = time.process_time(); tp = prosody.pitch_track(audio, SAMPLE_RATE, speech); cp = time.process_time() - c
        c = time.process_time(); tn = numpy_track(audio, speech); cn = time.process_time() - c
        dp = measure_delivery(tp, [], speech, span, DeliveryConfig()); dn = measure_delivery(tn, [], speech, span, DeliveryConfig())
        v, g = agree(tn, tp)
        nz = lambda v: float('nan') if v is None else v
        mp = nz(dp.pitch.median_hz) if dp.pitch else float('nan'); mn = nz(dn.pitch.median_hz) if dn.pitch else float('nan')
        rp = nz(dp.pitch.range_st) if dp.pitch else float('nan'); rn = nz(dn.pitch.range_st) if dn.pitch else float('nan')
        rows.append((v, g, mn, mp, rn, rp, dn.monotone, dp.monotone))
        print(f"  {p.stem[:24]:24s} {v:7.3f} {g:6.3f}  {mn:7.1f} / {mp:7.1f}      {rn:5.1f} / {rp:5.1f}        {str(dn.monotone):5s} / {str(dp.monotone):5s}      {cn:.2f} / {cp:.2f}")
    r = np.array([[x[0], x[1], abs(12*np.log2(x[2]/x[3])) if x[2] == x[2] and x[3] == x[3] else np.nan, abs(x[4]-x[5])] for x in rows], dtype=float)
    print(f"  mean voicing agreement {np.nanmean(r[:,0]):.3f}; mean gross {np.nanmean(r[:,1]):.3f}; "
          f"median |median pitch diff| {np.nanmedian(r[:,2]):.2f} st (worst {np.nanmax(r[:,2]):.2f}); "
          f"median |range diff| {np.nanmedian(r[:,3]):.1f} st (worst {np.nanmax(r[:,3]):.1f}); "
          f"monotone verdict differs on {sum(x[6]!=x[7] for x in rows)} of {len(rows)}")

if "--real-only" not in sys.argv:
    run("Bundled samples (synthetic)", sorted((REPO / "samples").glob("*.flac")))
man = json.loads((REPO / "tests/data/real/manifest.json").read_text())
dev = [REPO / "tests/data/real" / c["audio"] for c in man["clips"] if c.get("split") == "dev"]
run("Real speech, development part only (tests/data/real, split dev)", dev)
