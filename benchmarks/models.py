"""Model comparison on real speech: tiny.en against base (README, "Speech model").

Decodes every clip of tests/data/real whole, with the product's decoding
options and filler prompt and raw (faster-whisper's defaults, no prompt), and
prints per model: filled pauses found in the text (precision and recall by
count per clip), the word error rate both ways (evaluation/realspeech.py) and
the compute time. The words go through no analysis: this compares the models,
`voice-mock evaluate --set real [--model base]` measures the product.

    .venv/bin/python benchmarks/models.py [--models tiny.en base] [--split dev|heldout|all]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voice_mock.analysis.text import filled_pause_form  # noqa: E402
from voice_mock.audio.formats import load_audio  # noqa: E402
from voice_mock.evaluation.metrics import precision_recall  # noqa: E402
from voice_mock.evaluation.real_runner import load_real_set  # noqa: E402
from voice_mock.evaluation.realspeech import edit_distance, hypothesis_words, reference_words  # noqa: E402
from voice_mock.speech.transcriber import FILLER_PROMPT, WhisperSettings, WhisperTranscriber  # noqa: E402


def decode(t: WhisperTranscriber, audio, prompt: str | None) -> list[str]:
    options = dict(beam_size=5, initial_prompt=prompt, word_timestamps=True)
    if prompt:  # the product's options (speech/transcriber.py)
        options.update(condition_on_previous_text=False, log_prob_threshold=None, vad_filter=True,
                       vad_parameters=dict(min_silence_duration_ms=1000, speech_pad_ms=300))
    segments, _ = t._model.transcribe(audio, language="en" if t.multilingual else None, **options)
    return [w.word.strip() for s in segments for w in (s.words or []) if w.word.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    args = parser.parse_args()
    clips = [c for c in load_real_set(REPO / "tests" / "data" / "real")
             if args.split == "all" or c.get("split") == args.split]
    audio = {c["id"]: load_audio(c["path"]) for c in clips}
    seconds = sum(len(a) for a in audio.values()) / 16000
    print(f"{len(clips)} clips, {seconds:.0f} s of audio ({args.split})")
    for name in args.models:
        t = WhisperTranscriber(WhisperSettings(model=name))
        t.load()
        for label, prompt in (("filler prompt", FILLER_PROMPT), ("raw", None)):
            edits = ref_n = tp = fp = fn = 0
            start = time.perf_counter()
            for c in clips:
                words = decode(t, audio[c["id"]], prompt)
                ref = reference_words(c["transcript"])
                edits += edit_distance(ref, hypothesis_words(words))
                ref_n += len(ref)
                found = sum(1 for w in words if filled_pause_form(w))
                true = int(c.get("filled_pauses", 0))
                tp, fp, fn = tp + min(found, true), fp + max(0, found - true), fn + max(0, true - found)
            took = time.perf_counter() - start
            p, r = precision_recall(tp, fp, fn)
            print(f"{name:8} {label:13} fillers P {p:.2f} R {r:.2f} · WER {edits / ref_n:.1%} · "
                  f"{took:.0f} s (real-time factor {took / seconds:.2f})", flush=True)


if __name__ == "__main__":
    main()
