"""Is there speech under the words? Evidence from the audio for what Whisper wrote.

Whisper invents text where nobody spoke: the tails of its training videos
("Thank you.", "Thanks for watching", "see you in the next one") after the
last word, and loops ("uh uh uh uh uh uh") when a filler prompt primes it
(FIELD-NOTES §2). An earlier rule dropped sentences whose words "took no
time"; on real disfluent speech Whisper stamps real words that way too, and
whole sentences of a nervous speaker were lost. The rules here look at the
audio and the text instead:

- `sound_activity`: per 20 ms frame, is the level clearly above the
  recording's own noise floor? Level, not Silero VAD: VAD does not hear
  whispered speech (probability < 0.3 on whispered clips), a level does; and
  a hallucinated tail sits on silence, where the level is the floor.
- `is_hallucinated`: a sentence is dropped when it is a known tail text and
  either the model doubted it or there is almost no sound under it, or when
  there is no sound at all under it and the model doubted it. A real "Thank
  you very much." said at the end of an answer stays: it is confident and
  has sound under it.
- `merge_filler_runs`: filler tokens written in a row with no time between
  them are one sound written several times (a loop), so they become one.

numpy in, plain values out; no model, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from voice_mock.types import Interval, Word

RATE = 16_000

# Text Whisper is known to invent on silence or noise (its training data
# ends many videos with them). Matched on the whole sentence, lower case,
# punctuation off: a sentence equal to one, or starting with one followed by
# more words, or containing one of the longer ones.
KNOWN_TAILS = (
    "thank you", "thanks", "thank you very much", "thank you so much", "thanks for watching",
    "thank you for watching", "thank you so much for watching", "thanks for listening",
    "thank you for listening", "see you next time", "see you in the next", "please subscribe",
    "like and subscribe", "subtitles by", "bye", "you", "okay", "here we go", "i'm sorry",
)
_LONG_TAILS = tuple(t for t in KNOWN_TAILS if len(t.split()) >= 3)


@dataclass(frozen=True)
class EvidenceSettings:
    hop_s: float = 0.02
    # Sound: this far above the noise floor (the 10th percentile of frame
    # levels), and no more than `max_below_peak_db` under the loudest frame.
    above_floor_db: float = 10.0
    max_below_peak_db: float = 45.0
    # A sentence with less sound than this under it (seconds, its span
    # widened by `margin_s`) is "almost no sound".
    min_sound_s: float = 0.3
    # Any sentence the model doubted with less sound than this under it.
    no_sound_s: float = 0.1
    margin_s: float = 0.1
    # The model's own doubt: mean log probability of the sentence, or one of
    # its words nearly impossible (the first word of an invented tail comes
    # with probability 0.00-0.01).
    doubtful_logprob: float = -1.0
    doubtful_word_probability: float = 0.05
    # Fillers written this close together are one sound.
    filler_run_gap_s: float = 0.3


def sound_activity(audio: np.ndarray, settings: EvidenceSettings | None = None, rate: int = RATE) -> np.ndarray:
    """One bool per `hop_s` frame: sound clearly above the recording's floor."""
    s = settings or EvidenceSettings()
    hop = int(s.hop_s * rate)
    n = len(audio) // hop
    if n == 0:
        return np.zeros(0, dtype=bool)
    frames = np.asarray(audio[: n * hop], dtype=np.float32).reshape(n, hop)
    # 20 s of frames at a time: no copy of a long recording is made.
    level = np.concatenate([
        10 * np.log10(np.einsum("ij,ij->i", frames[i:i + 1000], frames[i:i + 1000]) / hop + 1e-12)
        for i in range(0, n, 1000)
    ])
    floor = np.percentile(level, 10)
    return level > max(floor + s.above_floor_db, level.max() - s.max_below_peak_db)


def sound_within(active: np.ndarray, start: float, end: float, hop_s: float = 0.02) -> float:
    """Seconds of sound between `start` and `end`."""
    a, b = max(0, int(start / hop_s)), max(0, int(np.ceil(end / hop_s)))
    return float(active[a:b].sum() * hop_s)


def sound_intervals(active: np.ndarray, hop_s: float = 0.02, min_gap_s: float = 0.1) -> list[Interval]:
    """Runs of sound, gaps shorter than `min_gap_s` bridged."""
    out: list[Interval] = []
    padded = np.concatenate([[False], active, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    for a, b in zip(edges[::2], edges[1::2]):
        start, end = a * hop_s, b * hop_s
        if out and start - out[-1].end < min_gap_s:
            out[-1] = Interval(out[-1].start, round(float(end), 3))
        else:
            out.append(Interval(round(float(start), 3), round(float(end), 3)))
    return out


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z']+", text.lower()))


def is_known_tail(text: str) -> bool:
    t = _plain(text)
    if not t:
        return False
    # One-word tails only as the whole sentence ("You."); longer ones may
    # open it ("Thank you so much for watching, and I'll see you...").
    return t in KNOWN_TAILS or any(t.startswith(k + " ") for k in KNOWN_TAILS if " " in k) or any(
        k in t for k in _LONG_TAILS)


def is_hallucinated(
    text: str, words: Sequence[Word], avg_logprob: float, active: np.ndarray, settings: EvidenceSettings | None = None
) -> bool:
    """Whether a decoded sentence is not in the audio (see the module doc)."""
    s = settings or EvidenceSettings()
    if not words:
        return False  # nothing timed to keep or drop
    doubted = avg_logprob < s.doubtful_logprob or min(w.probability for w in words) < s.doubtful_word_probability
    under = sound_within(active, words[0].start - s.margin_s, max(w.end for w in words) + s.margin_s, s.hop_s)
    if is_known_tail(text) and (doubted or under < s.min_sound_s):
        return True
    return doubted and under < s.no_sound_s


def merge_filler_runs(words: Sequence[Word], is_filler, settings: EvidenceSettings | None = None) -> list[Word]:
    """Filler tokens in a row, less than `filler_run_gap_s` apart, become one
    token spanning them: "uh uh uh uh" written for one held sound."""
    s = settings or EvidenceSettings()
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if prev is not None and is_filler(w.text) and is_filler(prev.text) and w.start - prev.end < s.filler_run_gap_s:
            out[-1] = Word(prev.text, prev.start, max(prev.end, w.end), max(prev.probability, w.probability))
            continue
        out.append(w)
    return out


def with_quiet_speech(
    speech: Sequence[Interval], sound: Sequence[Interval], words: Sequence[Word], min_probability: float = 0.5
) -> list[Interval]:
    """VAD speech plus the sound it missed under confident words.

    Silero VAD does not hear whispered or very breathy speech (speech
    probability under 0.3 on whispered clips); the analysis would then take
    the words said there for words in silence and drop them. Under a word the
    model is sure of that VAD heard for less than half of its span, the
    stretches of sound (`sound_intervals`) are speech too. Sound under no
    word, or only under doubted words, stays out (breath, noise, invented
    text), and VAD's pauses between heard words are not touched."""
    added = []
    for w in words:
        span = w.end - w.start
        if w.probability < min_probability or span <= 0:
            continue
        heard = sum(max(0.0, min(w.end, v.end) - max(w.start, v.start)) for v in speech)
        if heard >= 0.5 * span:
            continue
        for s in sound:
            lo, hi = max(s.start, w.start), min(s.end, w.end)
            if hi > lo:
                added.append(Interval(round(float(lo), 3), round(float(hi), 3)))
    out: list[Interval] = []
    for iv in sorted(list(speech) + added, key=lambda iv: iv.start):
        if out and iv.start <= out[-1].end:
            out[-1] = Interval(out[-1].start, max(out[-1].end, iv.end))
        else:
            out.append(iv)
    return out


def heard_end(audio: np.ndarray, end: int, min_sound_s: float = 0.2, tail_pad_s: float = 0.25) -> int:
    """Where to stop transcribing a segment: `end` (shortly after the last
    speech VAD heard), or later when there is sound after it (at least
    `min_sound_s`): whispered words, which Silero VAD does not hear, come
    after the last voiced ones (speech/evidence.py's level, not VAD)."""
    hop = int(0.02 * RATE)  # sound_activity's frames
    active = sound_activity(audio)
    after = active[end // hop:]
    if after.sum() * 0.02 < min_sound_s:
        return end
    last = end // hop + int(np.flatnonzero(after)[-1]) + 1
    return min(len(audio), max(end, last * hop + int(tail_pad_s * RATE)))
