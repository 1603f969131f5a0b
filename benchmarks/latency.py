"""Latency benchmark: end of speech to feedback, streaming against one-shot.

Feeds sample answers of about 30, 60 and 120 s through the real interview
loop at real-time speed (as a microphone would deliver them) and prints, per
length: the time from the end of speech to the feedback being shown (median
and worst over --runs), the end-of-answer silence the tool waits for
(reported apart, not counted as latency), the same latency for a one-shot
transcription of the whole answer, their ratio, the real-time factor, model
load time, peak memory, and the time of `voice-mock --help`.

    .venv/bin/python benchmarks/latency.py [--runs 3] [--fast]

--fast feeds audio as fast as it can instead of in real time (a quick check
of the code path; its latencies are not the ones that matter).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voice_mock.audio.formats import SAMPLE_RATE, load_audio  # noqa: E402
from voice_mock.banks import find_question, load_banks  # noqa: E402
from voice_mock.audio.endpoint import EndpointSettings  # noqa: E402
from voice_mock.interview.loop import InterviewContext, LoopSettings, run_interview  # noqa: E402
from voice_mock.interview.pipeline import analyze_audio  # noqa: E402
from voice_mock.audio.playback import NullPlayer  # noqa: E402
from voice_mock.audio.sources import array_source  # noqa: E402
from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber  # noqa: E402
from voice_mock.speech.tts import SilentVoice  # noqa: E402
from voice_mock.audio.vad import StreamingVad, speech_intervals  # noqa: E402

SAMPLES = REPO / "samples"
# (label, sample ids joined into one answer, question)
ANSWERS = [
    ("~30 s", ["career-aspirations"], "career-aspirations"),
    ("~60 s", ["career-aspirations", "leadership"], "career-aspirations"),
    ("~120 s", ["hard-long"], "tell-me-about-yourself"),
]


class TimingUI:
    """The loop's UI hooks, recording when the feedback is shown."""

    def __init__(self) -> None:
        self.feedback_at: float | None = None
        self.stopped_at: float | None = None

    def question(self, *a): pass
    def listening(self, *a): pass
    def status(self, *a): pass
    def warn(self, message): print("  warning:", message)
    def offer_repeat(self, *a): return False

    def stopped_listening(self, recording):
        self.stopped_at = time.perf_counter()

    @contextlib.contextmanager
    def working(self, message):
        yield

    def feedback(self, question, fb):
        self.feedback_at = time.perf_counter()


def build_answer(ids: list[str]) -> tuple[np.ndarray, float]:
    """The joined clip and the audio time of its last speech."""
    clips = [load_audio(SAMPLES / f"{i}.flac") for i in ids]
    audio = np.concatenate(clips)
    speech = speech_intervals(audio)
    return audio, speech[-1].end


def streaming_run(audio, question, transcriber, settings, realtime) -> dict:
    ui = TimingUI()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        records = run_interview([question], InterviewContext(
            answers=lambda i, q: array_source(audio, realtime=realtime, trailing_silence_s=5.0),
            voice=SilentVoice(), player=NullPlayer(), transcriber=transcriber, vad=StreamingVad(),
            session_dir=Path(tmp), ui=ui, mode="benchmark", settings=settings))
    return {"start": start, "stopped": ui.stopped_at, "feedback": ui.feedback_at, "steps": records[0].timings}


def one_shot_after_end(audio, question, transcriber) -> float:
    """Seconds from the end of the answer to feedback if nothing was done while recording."""
    start = time.perf_counter()
    analyze_audio(audio, transcriber, question)
    return time.perf_counter() - start


def help_time() -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "voice_mock", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fast", action="store_true", help="feed audio as fast as possible (not real time)")
    parser.add_argument("--only", choices=[a[0].strip("~ s") for a in ANSWERS], action="append",
                        help="only answers of about this many seconds (repeatable)")
    parser.add_argument("--model", help="tiny.en (default) or base, as --model of voice-mock")
    args = parser.parse_args()
    realtime = not args.fast

    banks = load_banks()
    transcriber = WhisperTranscriber(WhisperSettings(model=args.model))
    start = time.perf_counter()
    transcriber.load()
    load_s = time.perf_counter() - start
    transcriber.warm_up()
    end_silence = 2.5
    settings = LoopSettings(endpoint=EndpointSettings(end_silence_s=end_silence))

    rows = []
    for label, ids, qid in ANSWERS:
        if args.only and label.strip("~ s") not in args.only:
            continue
        audio, speech_end = build_answer(ids)
        question = find_question(banks, qid)
        duration = len(audio) / SAMPLE_RATE
        stream_lat, waits, one_lat = [], [], []
        for run in range(args.runs):
            t = streaming_run(audio, question, transcriber, settings, realtime)
            if realtime:
                speech_end_wall = t["start"] + speech_end
                wait = t["stopped"] - speech_end_wall  # the end-of-answer silence
                stream_lat.append(t["feedback"] - t["stopped"])
            else:
                wait = end_silence
                stream_lat.append(t["feedback"] - t["stopped"])
            waits.append(wait)
            one_lat.append(one_shot_after_end(audio, question, transcriber))
            steps = ", ".join(f"{k} {v:.2f}" for k, v in t["steps"].items())
            print(f"  {label} run {run + 1}: streaming {stream_lat[-1]:.2f} s ({steps}), one-shot {one_lat[-1]:.2f} s",
                  flush=True)
        rows.append({
            "answer": label, "duration_s": round(duration, 1),
            "streaming_median_s": round(statistics.median(stream_lat), 2), "streaming_worst_s": round(max(stream_lat), 2),
            "one_shot_median_s": round(statistics.median(one_lat), 2), "one_shot_worst_s": round(max(one_lat), 2),
            "speedup": round(statistics.median(one_lat) / max(statistics.median(stream_lat), 1e-3), 1),
            "one_shot_rtf": round(statistics.median(one_lat) / duration, 3),
            "end_silence_wait_s": round(statistics.median(waits), 2),
        })
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"{'answer':8} {'length':>7} {'stream med':>10} {'worst':>6} {'one-shot med':>12} {'worst':>6} {'ratio':>6} {'RTF':>6} {'silence wait':>12}")
    for r in rows:
        print(f"{r['answer']:8} {r['duration_s']:6.1f}s {r['streaming_median_s']:9.2f}s {r['streaming_worst_s']:5.2f}s "
              f"{r['one_shot_median_s']:11.2f}s {r['one_shot_worst_s']:5.2f}s {r['speedup']:5.1f}x {r['one_shot_rtf']:6.3f} "
              f"{r['end_silence_wait_s']:11.2f}s")
    print(f"\nmodel load {load_s:.2f} s · peak memory {peak_mb:.0f} MB · `voice-mock --help` {help_time():.3f} s"
          f" · {'real time' if realtime else 'fast feed'} · {args.runs} runs · model {transcriber.name}")
    print(json.dumps({"rows": rows, "model_load_s": round(load_s, 2), "peak_mb": round(peak_mb)}))


if __name__ == "__main__":
    main()
