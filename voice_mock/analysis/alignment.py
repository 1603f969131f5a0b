"""Reconcile transcribed words with the speech measured on the audio.

Whisper and the audio disagree in known ways (FIELD-NOTES §2): it invents
words in silence ("Thank you." after the last speech), it stamps fillers with
zero length beside the voiced island where the "uh" really was, and it drops
some fillers altogether. The rules, in order:

1. A lexical word lying wholly in silence (no speech interval within
   `edge_tolerance_s`) is dropped as a hallucination, and so is one Whisper
   doubted (probability < 0.5) that only grazes speech (less than 0.1 s and
   a quarter of its span). A kept word's span is trimmed to the speech it
   overlaps (drift absorbs silence into words). When the audio was measured
   (`steady`, voice_mock.speech.acoustics), a doubtful word that starts on a steady
   voiced stretch and has time left after it for itself is moved to start
   after the stretch: Whisper folded an "um" into it ("On" for "um, first").
2. Voiced islands are the parts of speech intervals no lexical word covers,
   at least `min_island_s` long: the candidates for filled pauses.
3. Fillers and zero-length lexical words (collapsed stamps) move onto
   islands, globally nearest pairs first: a zero-length item or a filler in
   silence may move up to `max_snap_s` (words `max_word_snap_s`); a filler
   with its own span in speech only onto an island it overlaps. An island
   holds one item per `min_filler_s`; items sharing one split it in their
   order, except that fillers take its steady voiced stretches (one each,
   the ones left over are filled pauses too); a second filler stamped on a full island is a duplicate ("Ah, um"
   for one "um"). Unplaced items stay where they are if they are in speech
   (fillers with lower confidence) and are dropped if they are in silence
   (the filler prompt makes Whisper add extra fillers).
4. An island nothing took that holds a steady voiced stretch is a filled
   pause "[um?]" (confidence 0.7: uncovered and held, two signs agree).
   Otherwise it becomes a guessed filled pause "[um?]" when it
   lasts at most `max_unlabelled_island_s` and either at least `min_guess_s`
   (confidence 0.5: on the samples every uncovered stretch that long was a
   filler Whisper left out) or is a whole speech interval, a burst of voice
   between silences (confidence 0.4, listed but not counted). "um"/"uh" last
   about 0.2-0.8 s; a longer untranscribed stretch is more likely missed
   words, laughter or noise, so it is only reported. Short uncovered slivers
   at word edges are timestamp slop, not fillers. When the audio was
   measured and the island holds no steady voice, the guess is only
   listed (0.4): such islands were squeezed words ("the team").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable, Sequence

from voice_mock.types import Interval, Word

from .config import AlignmentConfig
from .intervals import IntervalIndex, merge, subtract
from .words import FILLER, GUESSED_FILLER_TEXT, WORD, AlignedWord, classify


@dataclass
class Alignment:
    words: list[AlignedWord] = field(default_factory=list)  # kept, by start time
    dropped: list[AlignedWord] = field(default_factory=list)  # in silence
    islands: list[Interval] = field(default_factory=list)  # uncovered voiced stretches
    untranscribed: list[Interval] = field(default_factory=list)  # long, no word
    speech: list[Interval] = field(default_factory=list)  # merged, clipped to the recording
    duplicates: list[AlignedWord] = field(default_factory=list)  # second filler on one island


def align(
    words: Sequence[Word],
    speech: Sequence[Interval],
    duration_s: float,
    config: AlignmentConfig | None = None,
    steady: Sequence[Interval] | None = None,
    tune: Callable[[Sequence[Interval]], bool] | None = None,
) -> Alignment:
    """`steady`: steady voiced stretches measured on the audio
    (voice_mock.speech.acoustics), the acoustic evidence of held "um"/"uh"; None
    when not measured (then uncovered voice is judged by its length only).
    `tune(held stretches)`: whether held voice has a filled pause's pitch
    (held_pitch.py); a word Whisper stamped with no length is not moved onto
    such voice ("corpus. [uh] and" written "corpus. Uh, and" with "and" at one
    instant after the "uh": without the "Uh," the "and" took its place) when
    the island leaves room for the word beside it (`min_word_after_filler_s`,
    as in step 1). With no room the held sound is the word's own, drawn out:
    "cold, sooo" was stamped "so" at one instant 0.07 s after its held vowel
    (0.09 s of the island either side of it), low and falling like an "uh"
    (cold_corpus3 in tests/data/real)."""
    cfg = config or AlignmentConfig()
    limit = duration_s if duration_s > 0 else float("inf")
    speech_index = IntervalIndex(
        Interval(max(0.0, s.start), min(limit, s.end)) for s in speech
    )
    raw = sorted(words, key=lambda w: (w.start, w.end))
    kinds = classify([w.text for w in raw])
    result = Alignment(speech=speech_index.intervals)
    lexical: list[AlignedWord] = []
    fillers: list[AlignedWord] = []
    for w, (kind, form) in zip(raw, kinds):
        start = min(max(0.0, w.start), limit)
        end = min(max(start, w.end), limit)
        aligned = AlignedWord(w.text, start, end, w.probability, kind, filler=form)
        (fillers if kind == FILLER else lexical).append(aligned)

    # Lexical words stamped with zero length (Whisper collapses some, e.g.
    # "hiring," at one instant beside the island where it was said) are
    # placed with the fillers below, so they can share an island with them.
    collapsed = [w for w in lexical if w.end <= w.start]
    for w in lexical:
        if w.end <= w.start:
            continue
        if _in_silence(w, speech_index, cfg.edge_tolerance_s) or _doubtful_graze(w, speech_index, cfg):
            result.dropped.append(w)
        else:
            _trim_to_speech(w, speech_index)
            result.words.append(w)
    held_measured = steady is not None
    steady = [iv for iv in merge(steady or ()) if speech_index.overlapping(iv.start, iv.end)]
    _uncover_absorbed_fillers(result.words, steady, speech_index, cfg)

    covered = merge(Interval(w.start, w.end) for w in result.words)
    uncovered = subtract(speech_index.intervals, covered)
    result.islands = [iv for iv in uncovered if iv.duration >= cfg.min_island_s]
    movers = collapsed + fillers
    steady_index = IntervalIndex(steady)
    held = [_held_sounds(island, steady_index, cfg) for island in result.islands]
    tuned = {k for k, h in enumerate(held) if h and tune is not None
             and _room_beside(result.islands[k], h) >= cfg.min_word_after_filler_s and tune(h)}
    used, duplicates, unclaimed = _place_on_islands(movers, result.islands, held, speech_index, cfg, tuned)
    # Fillers said in a row and written once ("is, um, uh, um," written
    # "is, um,"): the island's other held stretches are fillers too.
    result.words += [_guessed_filler(span, cfg.confidence_unclaimed_held) for span in unclaimed]
    for i, w in enumerate(movers):
        tolerance = cfg.edge_tolerance_s if w.kind == WORD else 0.0
        if i in duplicates:
            result.duplicates.append(w)
        elif w.retimed or not _in_silence(w, speech_index, tolerance):
            result.words.append(w)
        else:
            result.dropped.append(w)

    whole = set(speech_index.intervals)
    for k, island in enumerate(result.islands):
        if k in used:
            continue
        confidence = _guess_confidence(island, island in whole, cfg)
        if held_measured and not held[k] and confidence is not None:
            # Measured and not held: more likely words Whisper squeezed
            # ("the team" stamped into 0.08 s beside it on hard-restart).
            confidence = min(confidence, cfg.confidence_audio_only)
        if held[k] and island.duration > cfg.max_unlabelled_island_s:
            # A long untranscribed stretch holding steady voice: the filler
            # is where the voice is held, not the whole stretch.
            spans = held[k]
        elif held[k] or confidence is not None:
            spans = [island]
        else:
            spans = []
        for span in spans:
            # Held voice alone is also a drawn-out word, laughter or a
            # breathy vowel: only listed as possible.
            result.words.append(_guessed_filler(span, cfg.confidence_steady if held[k] else confidence))
        if not spans and island.duration > cfg.max_unlabelled_island_s:
            result.untranscribed.append(island)
    result.words.sort(key=lambda w: (w.start, w.end))
    return result


def _guessed_filler(span: Interval, confidence: float) -> AlignedWord:
    return AlignedWord(GUESSED_FILLER_TEXT, span.start, span.end, None, FILLER, confidence, "audio", filler="um?")


def _room_beside(island: Interval, held: Sequence[Interval]) -> float:
    """The longest part of `island` before or after its held stretches: room
    for a word said beside them."""
    return max(held[0].start - island.start, island.end - held[-1].end)


def _held_sounds(island: Interval, steady: IntervalIndex, cfg: AlignmentConfig) -> list[Interval]:
    """The steady voiced stretches lying mostly inside an island no word
    took: voice held for a few hundred ms with no word there is a filled
    pause (vowels of fluent speech last 50-150 ms, speech/acoustics.py)."""
    out = []
    for s in steady.overlapping(island.start, island.end):
        inside = min(s.end, island.end) - max(s.start, island.start)
        if inside >= cfg.min_steady_share * s.duration:
            out.append(Interval(max(s.start, island.start), min(s.end, island.end)))
    return out


def _uncover_absorbed_fillers(
    words: list[AlignedWord], steady: Sequence[Interval], speech: IntervalIndex, cfg: AlignmentConfig
) -> None:
    """Give back to the audio a filler that Whisper folded into the next word.

    Whisper often leaves an "um" out and starts the following word early
    over it ("um, first" written "On first", "uh, we" as "We" stretched over
    both), with a low probability. When a steady voiced stretch sits at the
    start of such a doubtful word and enough of the word is left after it
    for a word to be said in, the word is made to start after the stretch;
    the stretch is then uncovered voice and becomes a filled pause (step 4),
    or takes a filler word stamped beside it (step 3). A word that only
    holds the steady stretch ("out." drifting over a long final vowel) is
    left alone: there would be no time left for the word itself (time left
    counts speech only: drift stretches words over the next silence).
    Likewise a filler after a word, stretched over by the word's end.
    """
    starts = sorted(w.start for w in words)
    for s in steady:
        for w in words:
            if w.start - cfg.edge_tolerance_s > s.start:
                break
            if w.kind != WORD or w.end <= s.start or w.probability is None:
                continue
            later = bisect_right(starts, w.start)
            next_start = starts[later] if later < len(starts) else float("inf")
            doubtful = w.probability < cfg.doubtful_probability
            at_start = s.start - w.start <= cfg.edge_tolerance_s
            if doubtful and at_start and _speech_within(speech, s.end, w.end) >= cfg.min_word_after_filler_s:
                w.start = s.end
            elif (s.end > w.end + cfg.edge_tolerance_s and s.end <= next_start + cfg.edge_tolerance_s
                  and s.start - w.start >= cfg.min_word_after_filler_s):
                # The held sound begins inside the word and outlasts it into
                # voice no word covers ("is," stretched over the start of the
                # "um" after it): the word ends where the holding starts.
                w.end = s.start


def _speech_within(speech: IntervalIndex, start: float, end: float) -> float:
    return sum(max(0.0, min(end, iv.end) - max(start, iv.start)) for iv in speech.overlapping(start, end))


def _in_silence(w: AlignedWord, speech: IntervalIndex, tolerance: float) -> bool:
    return not speech.overlapping(w.start, w.end, tolerance)


def _doubtful_graze(w: AlignedWord, speech: IntervalIndex, cfg: AlignmentConfig) -> bool:
    """A word Whisper itself doubted that only grazes speech: "Thank" (p =
    0.01) stamped over 0.54 s of which 0.09 s touch the end of the last
    speech interval, on samples/hard-quiet. Drifted real words keep most of
    their span, or at least 0.1 s, in speech and are not doubted."""
    if w.probability is None or w.probability >= cfg.doubtful_probability or w.end <= w.start:
        return False
    inside = _speech_within(speech, w.start, w.end)
    return inside < min(cfg.min_speech_overlap_s, cfg.min_speech_share * (w.end - w.start))


def _trim_to_speech(w: AlignedWord, speech: IntervalIndex) -> None:
    """Cut silence absorbed at either end of a word (timestamp drift)."""
    touching = speech.overlapping(w.start, w.end)
    if not touching:
        return  # near speech within the tolerance: leave as stamped
    start = max(w.start, touching[0].start)
    end = min(w.end, touching[-1].end)
    if end >= start and (start, end) != (w.start, w.end):
        w.start, w.end = start, end


def _distance(a_start: float, a_end: float, b: Interval) -> float:
    if a_end < b.start:
        return b.start - a_end
    if b.end < a_start:
        return a_start - b.end
    return 0.0


def _guess_confidence(island: Interval, whole: bool, cfg: AlignmentConfig) -> float | None:
    """Confidence that a voiced island no word covers is a filled pause.

    Measured on the samples (Whisper tiny.en, Silero VAD): uncovered parts of
    speech intervals of 0.4 s or more were all real fillers that Whisper left
    out, shorter ones were mostly timestamp slop at word edges (<= 0.32 s).
    A whole speech interval (a burst of voice between silences) is a filler
    candidate from min_island_s, but with the lower confidence.
    """
    if island.duration > cfg.max_unlabelled_island_s:
        return None
    if island.duration >= cfg.min_guess_s:
        return cfg.confidence_audio_only_long
    if whole:
        return cfg.confidence_audio_only
    return None


def _candidate_pairs(
    items: list[AlignedWord], islands: list[Interval], speech: IntervalIndex, cfg: AlignmentConfig
) -> list[tuple[float, int, int]]:
    """(distance, item, island) for each island an item may move onto: any
    within reach for a zero-length item or one lying in silence, only
    islands it overlaps otherwise. Nearest first."""
    starts = [iv.start for iv in islands]
    ends = [iv.end for iv in islands]
    pairs = []
    for i, w in enumerate(items):
        movable = w.end - w.start <= 0 or _in_silence(w, speech, 0.0)
        reach_s = cfg.max_snap_s if w.kind == FILLER else cfg.max_word_snap_s
        reach = reach_s if movable else 0.0
        lo = bisect_left(ends, w.start - reach)
        hi = bisect_right(starts, w.end + reach)
        for k in range(lo, hi):
            d = _distance(w.start, w.end, islands[k])
            if d <= reach:
                pairs.append((d, w.kind != FILLER, i, k))
    # At equal distance a filler goes first: a collapsed word ("and" at one
    # instant) must not take the island of the "Uh," stamped over it.
    return [(d, i, k) for d, _, i, k in sorted(pairs)]


def _share_islands(
    items: list[AlignedWord], islands: list[Interval], held: list[list[Interval]], pairs, per_item_s: float,
    tuned: set[int] = frozenset(),
) -> tuple[dict[int, list[int]], set[int]]:
    """Assign items to islands, nearest pairs first; an island holds one item
    per `per_item_s` of its length, or per held stretch if it has more. An
    item with its own span on an island that is full is a duplicate.
    Returns ({island: items}, duplicates)."""
    assigned: dict[int, list[int]] = {}
    placed: set[int] = set()
    duplicates: set[int] = set()
    for d, i, k in pairs:
        if i in placed or i in duplicates or (k in tuned and items[i].kind == WORD):
            continue
        holders = assigned.setdefault(k, [])
        if len(holders) < max(1, int(islands[k].duration / per_item_s), len(held[k])):
            holders.append(i)
            placed.add(i)
        elif d == 0.0 and items[i].end > items[i].start and any(items[h].kind == FILLER for h in holders):
            duplicates.add(i)
    return {k: h for k, h in assigned.items() if h}, duplicates


def _retime(
    items: list[AlignedWord], islands: list[Interval], held: list[list[Interval]], assigned: dict[int, list[int]]
) -> list[Interval]:
    """Fillers take the island's held stretches in order (where each "um"
    really is); otherwise items sharing an island split it equally, in
    their original order. Returns the held stretches no filler took."""
    unclaimed: list[Interval] = []
    for k, holders in assigned.items():
        holders.sort(key=lambda i: (items[i].start, i))
        slots = held[k]
        if slots and len(holders) <= len(slots) and all(items[i].kind == FILLER for i in holders):
            for i, slot in zip(holders, slots):
                items[i].start, items[i].end, items[i].retimed = slot.start, slot.end, True
            unclaimed += slots[len(holders):]
            continue
        size = islands[k].duration / len(holders)
        for n, i in enumerate(holders):
            w = items[i]
            w.start = islands[k].start + n * size
            w.end = islands[k].end if n == len(holders) - 1 else w.start + size
            w.retimed = True
    return unclaimed


def _place_on_islands(
    items: list[AlignedWord],
    islands: list[Interval],
    held: list[list[Interval]],
    speech: IntervalIndex,
    cfg: AlignmentConfig,
    tuned: set[int] = frozenset(),
) -> tuple[set[int], set[int], list[Interval]]:
    """Move items onto islands and set the fillers' confidence. An island
    holds one item per `min_filler_s` ("um, uh, um" said in a row is often
    one voiced island); a second filler stamped on a full island ("Ah, um"
    written for one "um") is a duplicate. Returns (islands used, duplicates,
    held stretches of used islands that no filler took)."""
    pairs = _candidate_pairs(items, islands, speech, cfg)
    assigned, duplicates = _share_islands(items, islands, held, pairs, cfg.min_filler_s, tuned)
    unclaimed = _retime(items, islands, held, assigned)
    for f in items:
        if f.kind != FILLER:
            continue
        if f.retimed:
            f.confidence = cfg.confidence_on_island
        elif f.end - f.start <= 0:
            f.confidence = cfg.confidence_zero_length
        else:
            f.confidence = cfg.confidence_in_speech
    return set(assigned), duplicates, unclaimed
