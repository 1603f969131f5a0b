"""Turn-taking benchmark: does the answer end when it is over, and only then?

Plays synthetic spoken answers (espeak-ng voices at several speeds, Piper;
benchmarks/data/turn_answers.toml, built by scripts/make_turn_answers.py into
benchmarks/.turn-answers/) with thinking pauses of 1.5-4 s at known places
(mid-clause, after a filler, between sentences, after a rhetorical question)
through the real interview loop at real-time speed, as a microphone would
deliver them, with the end-of-answer decision live. Reports, for the
development, the held-out and the blind answers apart (`split` in the
description: "dev" tuned on, "heldout" kept out of tuning, "blind" written by
someone else and run once, after the code was frozen):

- cut-offs: answers ended before their last word, by the kind of pause they
  were cut in;
- the silence waited after a finished answer's true last word (median, worst);
- the time from the end of the answer to the feedback;
- the cost of peeking at the last words (transcriptions per minute, seconds each);
- the same answers under the old fixed rule (2.5 s of silence, 5 s in the
  first 8 s of speech), computed on audio time from the VAD alone.

    .venv/bin/python benchmarks/turn_taking.py [--split dev|heldout|blind|all] [--only ID] [--end-silence 6]
        [--fast] [--settled 0.7] [--finished 2.5] [--early 5]

Run it under the CPU lock: the figures depend on how fast the last words are
transcribed. `--fast` feeds the audio faster than real time, holding it in
each silence until the last words before it are transcribed (as the demo
does): the same decisions on audio time, for tuning; its waits leave out the
transcription time, so the waits reported come from real-time runs.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from voice_mock.audio.endpoint import EndpointDetector, EndpointSettings  # noqa: E402
from voice_mock.audio.formats import load_audio  # noqa: E402
from voice_mock.audio.playback import NullPlayer  # noqa: E402
from voice_mock.audio.sources import array_source  # noqa: E402
from voice_mock.audio.vad import StreamingVad, speech_probabilities  # noqa: E402
from voice_mock.banks.catalog import find_question, load_banks  # noqa: E402
from voice_mock.interview.loop import InterviewContext, LoopSettings, run_interview  # noqa: E402
from voice_mock.speech.transcriber import WhisperTranscriber  # noqa: E402
from voice_mock.speech.tts import SilentVoice  # noqa: E402
from voice_mock.turn import TurnSettings  # noqa: E402

DESCRIPTION = REPO / "benchmarks" / "data" / "turn_answers.toml"
BUILDER = REPO / "scripts" / "make_turn_answers.py"
CACHE = REPO / "benchmarks" / ".turn-answers"
KINDS = ("mid", "filler", "question", "clause", "between")
SPLIT_LABEL = {"dev": "development answers (thresholds chosen on these)",
               "heldout": "held-out answers (not tuned on)",
               "blind": "blind answers (written by someone else, run once with the code frozen)"}
KIND_LABEL = {"mid": "mid-clause", "filler": "after a filler", "clause": "before a new clause", "between": "between sentences",
              "question": "after a rhetorical question"}


def clips() -> Path:
    """The built answers, rebuilt when the description or the builder changed."""
    digest = hashlib.sha256(DESCRIPTION.read_bytes() + BUILDER.read_bytes()).hexdigest()[:12]
    folder = CACHE / digest
    if not (folder / "done").is_file():
        print(f"building the answers into {folder} (about a minute)...", flush=True)
        subprocess.run([sys.executable, str(BUILDER), "--out", str(folder)], check=True)
        (folder / "done").write_text("")
    return folder


class TimingTranscriber:
    """The real transcriber, with the time of each last-words peek recorded."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.tail_s: list[float] = []

    def transcribe(self, audio):
        return self.inner.transcribe(audio)

    def transcribe_tail(self, audio, **kwargs):
        start = time.perf_counter()
        try:
            return self.inner.transcribe_tail(audio, **kwargs)
        finally:
            self.tail_s.append(time.perf_counter() - start)

    def transcribe_end(self, audio, on_text, **kwargs):
        """The peek that is the guessed last segment too: timed to its text."""
        start = time.perf_counter()

        def timed(text):
            self.tail_s.append(time.perf_counter() - start)
            return on_text(text)

        return self.inner.transcribe_end(audio, timed, **kwargs)


class TimingUI:
    def __init__(self) -> None:
        self.stopped_at = self.feedback_at = None
        self.hints: set[str] = set()

    def question(self, *a): pass
    def listening(self, *a): pass
    def warn(self, message): print("  warning:", message)
    def offer_repeat(self, *a): return False

    def status(self, s):
        if s.hint:
            self.hints.add(s.hint)

    def stopped_listening(self, recording):
        self.stopped_at = time.perf_counter()

    @contextlib.contextmanager
    def working(self, message):
        yield

    def feedback(self, question, fb):
        self.feedback_at = time.perf_counter()
        self.ending = fb.get("ending")


def fixed_rule_end(audio) -> float:
    """Where the old fixed rule (2.5 s; 5 s in the first 8 s of speech) would end, in audio time."""
    probs = speech_probabilities(np.concatenate([audio, np.zeros(8 * 16000, np.float32)]))
    detector = EndpointDetector(EndpointSettings(end_silence_s=2.5), frame_s=0.032)
    for p in probs:
        if detector.update(float(p)):
            return detector.time_s
    return detector.time_s


def judge(end_s: float, truth: dict) -> dict:
    """Cut or not, in which pause, and the wait after the true last word."""
    last = truth["last_word_end_s"]
    if end_s >= last:
        return {"cut": None, "wait_s": round(end_s - last, 2)}
    kind = "?"
    for p in truth["pauses"]:
        if p["start"] - 0.1 <= end_s <= p["end"] + 0.1:
            kind = p["kind"]
    return {"cut": kind, "wait_s": None}


def run_one(truth: dict, audio, question, transcriber, end_silence: float, turn: TurnSettings,
            realtime: bool = True) -> dict:
    ui = TimingUI()
    settings = LoopSettings(endpoint=EndpointSettings(end_silence_s=end_silence), turn=turn)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = InterviewContext(
            answers=lambda i, q: array_source(audio, realtime=realtime, trailing_silence_s=end_silence + 1.0),
            voice=SilentVoice(), player=NullPlayer(), transcriber=transcriber, vad=StreamingVad(), ui=ui,
            session_dir=Path(tmp), mode="benchmark", settings=settings, paced=realtime)
        record = run_interview([question], ctx)[0]
    rec = record.recording
    row = {"id": truth["id"], "split": truth["split"], "voice": truth["voice"], "end_s": round(rec.duration_s, 2),
           **judge(rec.duration_s, truth), "feedback_s": round(ui.feedback_at - ui.stopped_at, 2),
           "ending": (ui.ending or {}).get("message"), "hint_shown": bool(ui.hints), "pauses": []}
    # What was decided in each thinking pause (the last decision before speech resumed).
    log = getattr(rec, "turn_log", [])
    for p in truth["pauses"]:
        seen = [(sil, d) for (ve, sil, d, ev) in log if p["start"] - 0.4 <= ve <= p["start"] + 0.4]
        last = seen[-1][1] if seen else None
        row["pauses"].append({"kind": p["kind"], "duration_s": p["duration_s"], "after": p["after"],
                              "verdict": last.verdict if last else None, "wait_s": last.wait_s if last else None,
                              "reason": last.reason if last else None})
    return row


def summarise(rows: list[dict], label: str) -> list[str]:
    out = [f"{label}: {len(rows)} answers"]
    out.append(f"  {'pause kind':30} {'pauses':>6} {'cut':>4}  {'old rule cut':>12}")
    for kind in KINDS:
        n = sum(1 for r in rows for p in r["pauses"] if p["kind"] == kind)
        if not n:
            continue
        cut = sum(1 for r in rows if r["cut"] == kind)
        old = sum(1 for r in rows if r["old_cut"] == kind)
        out.append(f"  {KIND_LABEL[kind]:30} {n:6d} {cut:4d}  {old:12d}")
    waits = [r["wait_s"] for r in rows if r["wait_s"] is not None]
    old_waits = [r["old_wait_s"] for r in rows if r["old_wait_s"] is not None]
    if waits:
        old = (f"old rule: median {statistics.median(old_waits):.2f} s, worst {max(old_waits):.2f} s, "
               f"over the {len(old_waits)} answers it did not cut") if old_waits else "old rule: cut them all"
        out.append(f"  silence waited after the last word of {len(waits)} finished answers: "
                   f"median {statistics.median(waits):.2f} s, worst {max(waits):.2f} s ({old})")
        out.append(f"  end of answer to feedback: median {statistics.median(r['feedback_s'] for r in rows):.2f} s, "
                   f"worst {max(r['feedback_s'] for r in rows):.2f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[*SPLIT_LABEL, "all"], default="all")
    parser.add_argument("--only", action="append", help="only this answer id (repeatable)")
    parser.add_argument("--end-silence", type=float, default=EndpointSettings().end_silence_s)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--fast", action="store_true", help="faster than real time, for tuning (waits not comparable)")
    default = TurnSettings()
    parser.add_argument("--settled", type=float, default=default.settled_silence_s,
                        help="TurnSettings.settled_silence_s (a finished sentence at the expected length)")
    parser.add_argument("--finished", type=float, default=default.finished_silence_s,
                        help="TurnSettings.finished_silence_s (a finished sentence, answer still short)")
    parser.add_argument("--early", type=float, default=default.early_silence_s,
                        help="TurnSettings.early_silence_s (the first seconds of speech)")
    parser.add_argument("--trace", action="store_true",
                        help="print when each transcription ran (monotonic seconds), to see where waits come from")
    args = parser.parse_args()
    if args.trace:
        logging.basicConfig(format="%(message)s")
        logging.getLogger("voice_mock.timing").setLevel(logging.DEBUG)
    turn = TurnSettings(settled_silence_s=args.settled, finished_silence_s=args.finished,
                        early_silence_s=args.early)
    print(f"settings: settled {turn.settled_silence_s} s, finished {turn.finished_silence_s} s, "
          f"early {turn.early_silence_s} s; {'FAST (not real time)' if args.fast else 'real time'}", flush=True)

    folder = clips()
    banks = load_banks()
    transcriber = TimingTranscriber(WhisperTranscriber())
    transcriber.inner.warm_up()
    rows = []
    for meta in sorted(folder.glob("*.json")):
        truth = json.loads(meta.read_text())
        if (args.split != "all" and truth["split"] != args.split) or (args.only and truth["id"] not in args.only):
            continue
        audio = load_audio(meta.with_suffix(".flac"))
        question = find_question(banks, truth["question_id"])
        peeks_before = len(transcriber.tail_s)
        if args.trace:
            print(f"{truth['id']}: starts at t={time.monotonic():.3f}", flush=True)
        row = run_one(truth, audio, question, transcriber, args.end_silence, turn, realtime=not args.fast)
        row["spoken_s"] = round(truth["last_word_end_s"] - truth.get("first_word_s", 0.5), 1)
        old_end = fixed_rule_end(audio)
        old = judge(old_end, truth)
        row.update(old_cut=old["cut"], old_wait_s=old["wait_s"], peeks=len(transcriber.tail_s) - peeks_before,
                   duration_s=truth["duration_s"])
        rows.append(row)
        status = f"CUT in a {row['cut']} pause at {row['end_s']} s" if row["cut"] else f"waited {row['wait_s']:.2f} s"
        print(f"{truth['id']:26} {truth['split']:8} {truth['voice']:28} {status}; feedback +{row['feedback_s']:.2f} s"
              f"; {row['ending']}", flush=True)
        for p in row["pauses"]:
            print(f"    {p['kind']:8} {p['duration_s']:.1f} s after '{p['after']}': {p['verdict']} "
                  f"(wait {p['wait_s']}) {p['reason']}", flush=True)
    lines = []
    for split, label in SPLIT_LABEL.items():
        part = [r for r in rows if r["split"] == split]
        if part:
            lines += summarise(part, label)
    speech_min = sum(r["duration_s"] for r in rows) / 60
    if transcriber.tail_s:
        lines.append(f"last-words peeks: {len(transcriber.tail_s)} ({len(transcriber.tail_s) / max(speech_min, 1e-9):.1f} "
                     f"a minute of answer), median {statistics.median(transcriber.tail_s):.2f} s, "
                     f"worst {max(transcriber.tail_s):.2f} s each")
    hinted = sum(1 for r in rows if r["hint_shown"])
    lines.append(f"'take your time' shown during {hinted} of {len(rows)} answers; end-silence upper bound "
                 f"{args.end_silence:g} s")
    print()
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
