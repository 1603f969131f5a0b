"""The pitch of held voice: is a "possible" filled pause an "uh" by its tune?

Held voice with no word on it (alignment.py, step 4) is only a *possible*
filled pause: on real speech laughs, drawn-out words, breathy and
exaggerated vowels hold their sound just as steadily (tests/data/real). A
filled pause also has a tune of its own, and that is a second, independent
sign from the audio:

- **small pitch movement** over the held sound (Goto, Itou & Hayamizu 1999,
  "A real-time filled pause detection system for spontaneous speech
  recognition": filled pauses are found by small F0 transition *and* small
  spectral envelope deformation; the spectral part is speech/acoustics.py);
- **low in the speaker's range, level or gently falling** (O'Shaughnessy
  1992, "Recognizing hesitation phenomena in continuous, spontaneous
  speech"; Shriberg & Lickley 1993, "Intonation of clause-internal filled
  pauses": an "uh" sits near the speaker's baseline and falls slowly).

Laughter ("ha ha", bursts at a high, moving pitch), exaggerated or falsetto
vowels (high, or sweeping several semitones), questioning or emphatic drawn
vowels (rising) fail it. A held sound that goes straight on from the end of
a sentence's last word, with nothing said after it before a pause, is that
word lengthened before the break (how phrases end: lengthening.py) and is
left possible too. A word Whisper stamped with no length is not moved onto
held voice with the tune (alignment.py): the "and" of "corpus. uh, and"
took the unwritten "uh"'s place; unless the island leaves no room for the
word beside the held voice, which is then the word's own, drawn out ("cold,
sooo" with "so" stamped at one instant 0.07 s after its vowel, 0.09 s of
the island either side of it).

Measured on the development part of tests/data/real (docs/feedback.md): of
the 11 fillers Whisper wrote, 7 have this tune on their held voice (the
others: no pitch found in a voice with a cold, or Praat's octave jumps); none
of the 7 possible ones that are not fillers has it. Pure: the pitch track
(voice_mock.speech.prosody) and the steady stretches in, confidences out.
"""

from __future__ import annotations

import math
from statistics import median
from typing import Callable, Sequence

from voice_mock.types import Interval, PitchTrack

from .config import AlignmentConfig
from .words import FILLER, WORD, AlignedWord


def semitones(hz: float, reference_hz: float) -> float:
    return 12.0 * math.log2(hz / reference_hz)


def filled_pause_tune(track: PitchTrack, held: Sequence[Interval], speaker_hz: float, cfg: AlignmentConfig) -> bool:
    """Whether the pitch over the held stretches `held` is a filled pause's:
    voiced in most frames, moving at most `tune_max_range_st` (10th to 90th
    percentile), its median at least `tune_min_below_speaker_st` under the
    speaker's median pitch `speaker_hz`, and not rising (least-squares slope
    at most `tune_max_slope_st_per_s`)."""
    frames: list[tuple[float, float | None]] = []
    for h in held:
        part = track.span(h.start, h.end)
        frames += [(part.time(i), f) for i, f in enumerate(part.f0_hz)]
    voiced = [(t, semitones(f, speaker_hz)) for t, f in frames if f]
    if len(voiced) < 3 or len(voiced) < cfg.tune_min_voiced_share * len(frames):
        return False
    pitch = sorted(p for _, p in voiced)
    low, high = _percentile(pitch, 0.1), _percentile(pitch, 0.9)
    if high - low > cfg.tune_max_range_st or median(pitch) > -cfg.tune_min_below_speaker_st:
        return False
    return _slope(voiced) <= cfg.tune_max_slope_st_per_s


def tune_test(track: PitchTrack | None, cfg: AlignmentConfig) -> Callable[[Sequence[Interval]], bool] | None:
    """`held stretches -> has a filled pause's tune`, against this answer's
    own median pitch; None without a pitch track (then nothing is judged by
    its tune)."""
    pitches = [f for f in track.f0_hz if f] if track is not None else []
    if len(pitches) < 3:
        return None
    speaker_hz = median(pitches)
    return lambda held: filled_pause_tune(track, held, speaker_hz, cfg)


def promote_tuned_held_voice(
    words: list[AlignedWord], steady: Sequence[Interval] | None, tune, cfg: AlignmentConfig
) -> int:
    """Raise each possible filled pause found on held voice alone
    (confidence `confidence_steady`) to `confidence_held_tune` when its held
    stretches have a filled pause's tune (`tune`, from `tune_test`), unless
    it is a sentence's last word drawn out before a break. Returns how many
    were raised."""
    if not steady or tune is None:
        return 0
    lexical = [w for w in words if w.kind == WORD and w.start is not None]
    raised = 0
    for w in words:
        if w.kind != FILLER or w.source != "audio" or w.confidence != cfg.confidence_steady:
            continue
        held = [Interval(max(w.start, s.start), min(w.end, s.end)) for s in steady
                if min(w.end, s.end) - max(w.start, s.start) > 0]
        if not held or _lengthened_before_a_break(w, held[0].start, lexical, cfg):
            continue
        if tune(held):
            w.confidence = cfg.confidence_held_tune
            raised += 1
    return raised


def _lengthened_before_a_break(w: AlignedWord, held_start: float, lexical: Sequence[AlignedWord],
                               cfg: AlignmentConfig) -> bool:
    """The held sound goes straight on from a sentence's last word, and no
    word follows before a pause: that word drawn out before the break (how
    phrases end), not a filler. "corpus. uh, and" goes on at once: a filler."""
    tolerance = cfg.edge_tolerance_s / 2
    after_sentence = any(abs(x.end - held_start) <= tolerance and x.text.rstrip("\"')")[-1:] in ".!?" for x in lexical)
    if not after_sentence:
        return False
    return not any(w.end - tolerance <= x.start <= w.end + cfg.break_after_held_s for x in lexical)


def _percentile(ordered: Sequence[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope (semitones per second)."""
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mp = sum(p for _, p in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (p - mp) for t, p in points) / var if var > 0 else 0.0
