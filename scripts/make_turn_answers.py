#!/usr/bin/env python3
"""Build the turn-taking benchmark's answers from benchmarks/data/turn_answers.toml.

Each speech part and filler is synthesised on its own (espeak-ng voices at
several speeds, Piper), trimmed, and joined with digital silence, reusing the
signal helpers of scripts/make_samples.py, so every thinking pause and the
true end of the last word are known to the sample. Deterministic: the same
description gives the same audio (Piper seeded through ONNX Runtime).

    python scripts/make_turn_answers.py --out DIR [ids...]

benchmarks/turn_taking.py calls it into a cache folder (benchmarks/.turn-answers/,
rebuilt when the description or this script changes), so no audio is kept in git.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
import zlib
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_samples as ms  # noqa: E402

SR = ms.SR
LEAD_S = 0.5
LEVEL_DBFS = -23.0
KINDS = ("mid", "filler", "clause", "between", "question")
SPLITS = ("dev", "heldout", "blind")  # tuned on; kept out of tuning; written by someone else, run once
MORE_MARGIN_S = 3.0  # the shared middle brings an answer this far past its question's expected minimum


class EspeakVoice(ms.Espeak):
    def __init__(self, voice: str, speed: float):
        self.voice = voice
        self.speed = int(speed)
        self.name = f"espeak-ng:{voice}@{self.speed}"

    def _run(self, text: str, wpm: int) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "part.wav"
            subprocess.run(["espeak-ng", "-v", self.voice, "-s", str(wpm), "-w", str(wav), text], check=True)
            audio, rate = sf.read(wav, dtype="float64")
        if audio.ndim > 1:
            audio = audio.mean(axis=1)
        return ms.trim(ms.resample(audio, rate, SR))


def make_voice(spec: str, speed: float, seed: int):
    if spec == "piper":
        voice = ms.Piper(seed, speed)
        voice.name = f"piper:en_US-joe-medium@{speed}"
        return voice
    kind, _, name = spec.partition(":")
    if kind != "espeak" or not name:
        raise SystemExit(f"unknown voice {spec!r}")
    return EspeakVoice(name, speed)


def words_of(text: str) -> list[str]:
    return [w for w in re.sub(r"[^\w' ]", " ", text).split() if w]


def synthesise_parts(desc: dict, voice, more: dict) -> list[tuple]:
    """Each part as ("speech", audio, words) or ("pause", seconds, kind); the "@more" part
    (the question's shared middle, [more.<question_id>]) takes only as many of its
    sentences as bring the answer to the question's expected length (`min_s`) plus
    `MORE_MARGIN_S`, so a finished ending comes where a real answer would end.
    With `more_at = "start"` it opens the answer instead, and fills only up to that
    length: the answer's own parts, and their pauses, come after it."""
    aid = desc["id"]
    items: list[tuple] = []
    parts = list(desc["parts"])
    start = desc.get("more_at") == "start"  # the thinking pauses come after the expected length
    if start:
        parts.insert(0, "@more")
    elif "@more" not in parts and desc["question_id"] in more:
        # Before the closing sentence; at the very end when that sentence finishes a paused clause.
        last = max(i for i, part in enumerate(parts) if isinstance(part, str))
        parts.insert(len(parts) if last and isinstance(parts[last - 1], dict) else last, "@more")
    for part in parts:
        if isinstance(part, dict) and "pause" in part:
            if part["kind"] not in KINDS:
                raise SystemExit(f"{aid}: unknown pause kind {part['kind']!r}")
            items.append(("pause", part["pause"], part["kind"]))
        elif isinstance(part, dict):
            items.append(("speech", voice.filler(part["filler"]), [part["filler"]]))
        elif part == "@more":
            items.append(("more",))
        else:
            items.append(("speech", joined(voice.speech(part)), words_of(part)))
    if any(it[0] == "more" for it in items):
        spec = more.get(desc["question_id"])
        if spec is None:
            raise SystemExit(f"{aid}: no [more.{desc['question_id']}] text")
        base = LEAD_S if start else LEAD_S + sum(len(it[1]) / SR + ms.JOIN_GAP_S if it[0] == "speech" else it[1] if it[0] == "pause" else 0
                            for it in items)
        sentences = ms.split_sentences(spec["text"])
        audios = voice.speech(spec["text"])
        if len(audios) != len(sentences):  # one audio per sentence, whatever the engine
            audios = [joined(voice.speech(t)) for t in sentences]
        taken, total = [], base
        for text, audio in zip(sentences, audios):
            if total >= spec["min_s"] + MORE_MARGIN_S:
                break
            taken.append((text, audio))
            total += len(audio) / SR + ms.SENTENCE_GAP_S
        if total < spec["min_s"]:
            raise SystemExit(f"{aid}: [more.{desc['question_id']}] is too short ({total:.1f} s)")
        k = next(i for i, it in enumerate(items) if it[0] == "more")
        items[k] = ("speech", joined([a for _, a in taken]), words_of(" ".join(t for t, _ in taken)))
    return items


def joined(sentences: list[np.ndarray]) -> np.ndarray:
    parts = [sentences[0]]
    for x in sentences[1:]:
        parts += [ms.silence(ms.SENTENCE_GAP_S), x]
    return ms.cap_natural_gaps(np.concatenate(parts))


def build(desc: dict, out_dir: Path, more: dict) -> dict:
    aid = desc["id"]
    if desc.get("split") not in SPLITS:
        raise SystemExit(f"{aid}: split must be one of {', '.join(SPLITS)}, not {desc.get('split')!r}")
    seed = zlib.crc32(aid.encode())
    voice = make_voice(desc["voice"], desc["speed"], seed)
    pieces, voiced, pauses, spoken = [], [], [], []
    pos = 0

    def add(x):
        nonlocal pos
        pieces.append(np.asarray(x, dtype=np.float64))
        start, pos = pos, pos + len(x)
        return start, pos

    add(ms.silence(LEAD_S))
    previous_sound = False
    for item in synthesise_parts(desc, voice, more):
        if item[0] == "pause":
            start, end = add(ms.silence(item[1]))
            pauses.append({"start": start / SR, "end": end / SR, "duration_s": item[1], "kind": item[2],
                           "after": " ".join(spoken[-4:])})
            previous_sound = False
            continue
        if previous_sound:
            add(ms.silence(ms.JOIN_GAP_S))
        spoken.extend(item[2])
        voiced.append(add(item[1]))
        previous_sound = True
    signal = np.concatenate(pieces)
    rms = np.sqrt(np.mean(np.concatenate([signal[a:b] for a, b in voiced]) ** 2))
    signal *= 10 ** (LEVEL_DBFS / 20) / rms
    if np.abs(signal).max() > 0.99:
        raise SystemExit(f"{aid}: would clip")
    out_dir.mkdir(parents=True, exist_ok=True)
    sf.write(out_dir / f"{aid}.flac", signal.astype(np.float32), SR, subtype="PCM_16", format="FLAC")
    truth = {
        "id": aid, "question_id": desc["question_id"], "voice": voice.name, "split": desc["split"],
        "duration_s": round(len(signal) / SR, 3),
        "last_word_end_s": round(voiced[-1][1] / SR, 3),  # the file ends on the last word: no tail
        "pauses": [{**p, "start": round(p["start"], 3), "end": round(p["end"], 3)} for p in pauses],
        "words": spoken, "first_word_s": LEAD_S,
    }
    (out_dir / f"{aid}.json").write_text(json.dumps(truth, indent=1) + "\n")
    print(f"{aid:26} {voice.name:28} {truth['duration_s']:5.1f} s  pauses "
          + ", ".join(f"{p['kind']} {p['duration_s']}" for p in pauses), file=sys.stderr)
    return truth


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ids", nargs="*")
    ap.add_argument("--description", type=Path, default=ROOT / "benchmarks" / "data" / "turn_answers.toml")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    description = tomllib.loads(args.description.read_text())
    for d in description["answer"]:
        if not args.ids or d["id"] in args.ids:
            build(d, args.out, description.get("more", {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
