"""Every threshold the analysis uses, with where it comes from.

Sources are the norms collected in ../shared/FIELD-NOTES.md §3 (cited here by
author); where a figure is our own choice it says so and why. Overrides come
from a TOML table shaped like the dataclasses, e.g.::

    [pacing]
    slow_wpm = 100

    [fillers]
    fine_per_min = 2

`AnalysisConfig.from_dict({"pacing": {"slow_wpm": 100}})` merges such a dict
over the defaults; an unknown section or key raises ValueError naming it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from voice_mock.errors import closest


@dataclass(frozen=True)
class PacingConfig:
    # Bands in lexical words per minute. Conversation averages about 150 wpm
    # (NCVS); guideline bands call < 110 slow and > 160 fast, and coaching
    # tools target 120-145 (Orai), 100-165 (Speaker Coach), 120-180 (Poised).
    # We target 120-160 and flag only beyond 110 / 170: interview answers are
    # slower than chat, and a 10-wpm margin between "target" and "flag" keeps
    # small measurement errors (the issue allows 5%) from flipping the verdict.
    slow_wpm: float = 110.0
    target_low_wpm: float = 120.0
    target_high_wpm: float = 160.0
    fast_wpm: float = 170.0
    # A running rate settles after about 9 s or 40 syllables (Arantes).
    window_s: float = 10.0
    # Window wpm spread (std) above this is reported as uneven pace. Our
    # choice: about a fifth of a 150-wpm pace.
    uneven_std_wpm: float = 30.0
    # Below these a rate is noise, not a measurement (our choice).
    min_words_for_rate: int = 5
    min_seconds_for_rate: float = 3.0
    # Silence before the first word: interviews allow thinking time, so only
    # more than this is mentioned (our choice; conversation turns take about
    # 200 ms, Levinson & Torreira 2015, but a question invites reflection).
    long_latency_s: float = 5.0


@dataclass(frozen=True)
class PauseConfig:
    # Silent pause thresholds. 200 ms suits monologue, 350 ms predicted rated
    # fluency in dialogue (Language Testing 42(3), 2025); we count from
    # 250 ms, between the two. Long > 1 s (Campione & Veronis 2002); very long
    # from 3 s (our choice: a pause a listener notices as a stall).
    counted_s: float = 0.25
    long_s: float = 1.0
    very_long_s: float = 3.0
    # Pauses inside clauses hurt rated fluency most (Kormos & Denes 2004;
    # Bosker et al. 2013): weights used by the score and the pause finding.
    weight_within_clause: float = 1.5
    weight_between_clauses: float = 1.0
    weight_between_sentences: float = 0.5
    very_long_factor: float = 2.0


@dataclass(frozen=True)
class FillerConfig:
    # Fillers per minute: up to 5 a minute did not hurt perceived
    # effectiveness, 12 a minute did (Laske & DiGennaro Reed, JABA 2024);
    # about 1 a minute is cited as ideal, so <= 3 is "fine".
    fine_per_min: float = 3.0
    work_per_min: float = 5.0
    serious_per_min: float = 12.0
    # Filled pauses with lower confidence (found on the audio only) are
    # listed but not counted in rates, findings or scores (our choice:
    # wrong filler counts teach users to ignore the tool).
    min_confidence: float = 0.5
    # Disfluencies of all kinds: 6-10 per 100 words is ordinary (Li & Tilsen
    # 2015), fillers being most of them; repetitions + restarts above 2 per
    # 100 words are noted (our share of that budget).
    repetitions_per_100_words: float = 2.0
    # A filler finding needs at least this many fillers: in a short answer
    # one "um" is already "5 a minute" (our choice).
    min_count_for_finding: int = 3
    # Hesitation events closer than this form a cluster on the timeline;
    # a cluster needs at least `cluster_min_events` (our choice).
    cluster_gap_s: float = 3.0
    cluster_min_events: int = 3


@dataclass(frozen=True)
class AlignmentConfig:
    # Voiced stretches no word covers, shorter than this, are timing noise;
    # a filled pause lasts a few hundred ms (our choice, ~120 ms).
    min_island_s: float = 0.12
    # An uncovered island with no filler word becomes a guessed filled pause
    # only up to this length: "um"/"uh" last about 0.2-0.8 s; longer voiced
    # stretches are more likely untranscribed words, laughter or noise.
    max_unlabelled_island_s: float = 0.8
    # An island holds one filler per this many seconds ("um, uh, um" in a row
    # is often one island); fillers in the samples last 0.32-0.55 s.
    min_filler_s: float = 0.35
    # Uncovered voiced stretches at least this long are guessed to be
    # fillers even inside speech: measured on the samples, every one of
    # 0.4 s or more was a filler Whisper left out, while word-edge slop
    # reached 0.32 s.
    min_guess_s: float = 0.4
    # How far a filler word may be moved onto an island (Whisper stamps
    # fillers beside the island, FIELD-NOTES §2).
    max_snap_s: float = 1.5
    # A lexical word stamped with zero length may move this far onto an
    # island (Whisper collapses some words, e.g. "hiring," at one instant
    # 0.2 s after the island where it was said).
    max_word_snap_s: float = 0.5
    # A word Whisper doubted (probability below this) that only grazes speech
    # (less than min_speech_overlap_s and min_speech_share of its span in
    # speech) is a hallucination: "Thank" (p 0.01) over the end of the last
    # speech, 0.09 s of 0.54 s, on samples/hard-quiet.
    doubtful_probability: float = 0.5
    min_speech_overlap_s: float = 0.1
    min_speech_share: float = 0.25
    # A word within this distance of speech is not "in silence": VAD edges
    # and word stamps disagree by tens of ms.
    edge_tolerance_s: float = 0.1
    # Confidence given to each kind of filled pause (our choice, ordered by
    # how many independent signals agree).
    confidence_on_island: float = 0.9  # text says filler, audio has an island
    confidence_in_speech: float = 0.8  # filler with its own span inside speech
    confidence_zero_length: float = 0.6  # zero-length filler inside speech
    confidence_audio_only_long: float = 0.4  # island >= min_guess_s, no word: "[um?]"
    confidence_audio_only: float = 0.4  # short whole interval, no word: "[um?]"
    # Held voiced sound on the audio with no word on it: "[um?]". Alone it is
    # only listed (a possible filler): drawn-out words, laughter, breathy
    # vowels and words Whisper skipped hold too (measured on real speech,
    # tests/data/real; on the synthetic samples they were all fillers).
    confidence_steady: float = 0.45
    # ... counted when a filler was written on the same island: "is, um, uh,
    # um" written "is, um," (the text and the audio agree there are fillers).
    confidence_unclaimed_held: float = 0.6
    # A steady voiced stretch (voice_mock.speech.acoustics: voiced, spectrum
    # unchanged for >= 0.2 s) counts for an island when at least this share
    # of it lies inside the island: it may straddle a VAD or word edge.
    min_steady_share: float = 0.5
    # A doubtful word starting on a steady stretch is moved to after it when
    # at least this much of the word is left: the shortest words of the
    # samples ("a", "I") last 0.06-0.15 s in Whisper's stamps; "out." over
    # a long final vowel leaves 0.06 s and is not a filler.
    min_word_after_filler_s: float = 0.15
    # Held voice with no word on it is counted (confidence_held_tune) when
    # its pitch has a filled pause's tune (held_pitch.py): small F0 movement
    # (Goto et al. 1999), low in the speaker's range and level or falling
    # (O'Shaughnessy 1992; Shriberg & Lickley 1993). On the development part
    # of tests/data/real the written fillers' held voice moved 0.2-1.6
    # semitones, sat 2.3-4.5 below the speaker's median and fell.
    tune_max_range_st: float = 2.0
    tune_min_below_speaker_st: float = 1.5
    tune_max_slope_st_per_s: float = 0.0
    tune_min_voiced_share: float = 0.5
    # ... unless it goes straight on from a sentence's last word and no word
    # follows within this long (a counted pause, pauses.counted_s): that is
    # the word drawn out before the break.
    break_after_held_s: float = 0.25
    confidence_held_tune: float = 0.7


@dataclass(frozen=True)
class ContentConfig:
    # Distinct company terms (single content words) needed to call a
    # company-judged point covered when none of its cue phrases matched
    # (our choice: one shared common word is chance).
    min_company_terms: int = 2
    # Meaning model (voice_mock/meaning): a sentence covers a talking point /
    # raises a red flag the keywords missed at this probability or more.
    # Calibrated on the banks' examples and near misses, left out one at a
    # time, with the near-miss veto: the lowest threshold at which at most 10%
    # of near misses trigger (scripts/calibrate_meaning.py, docs/meaning.md).
    # With both models (the cascade: a re-scored sentence's score is the mean
    # of the two); the small model alone when the second is not installed.
    meaning_point_threshold: float = 0.45
    meaning_flag_threshold: float = 0.50
    meaning_point_threshold_one_model: float = 0.15
    meaning_flag_threshold_one_model: float = 0.40
    # A company clash raised only by the profile's clash words is dropped when
    # the meaning model scores every sentence of the answer for that clash
    # below this: the word is used in another sense ("I hunt bugs"). Chosen on
    # the profiles' examples and near misses, left out one at a time
    # (docs/meaning.md).
    meaning_look_alike_threshold: float = 0.20
    # Hedges per 100 words worth a note / worth working on (our choice).
    hedges_per_100_words_low: float = 2.0
    hedges_per_100_words_medium: float = 4.0
    # Answers shorter than this get no specificity/relevance verdict.
    min_words_for_content: int = 20
    # Relevance (share of question keywords touched) below this is flagged.
    low_relevance: float = 0.2
    # STAR guidance (common advice, not in FIELD-NOTES): situation + task
    # about a fifth to a third of the answer; above this share it is flagged.
    max_setup_share: float = 0.5


@dataclass(frozen=True)
class DeliveryConfig:
    """Pitch and loudness rules (analysis/delivery.py); sources in docs/feedback.md."""

    # Monotone: F0 range (5th-95th percentile, semitones) under this over a
    # window of `window_s`. Ordinary speech spreads F0 with an SD of about
    # 2-3 semitones, more in lively speech (Traunmuller & Eriksson 1995), so
    # a 5-95% range of about 7-10 st; 4 st is an SD near 1.2 st. Hincks
    # (2005) measured liveliness over 10 s windows; Speaker Coach and Orai
    # flag monotone pitch too. Our choice, between espeak's flat (1.3 st)
    # and plain (6 st) readings.
    monotone_range_st: float = 4.0
    window_s: float = 10.0
    # A window counts when it holds this much voiced speech (our choice).
    min_voiced_in_window_s: float = 2.0
    # The answer is called monotone when flat windows cover this share of
    # the windows measured (our choice: most of the answer).
    monotone_share: float = 0.5
    # Not measured below these (our choice): too little voiced speech for
    # percentiles, and whisper (voiced frames are a small share of the
    # speech: 0-17% on the real whispered and hoarse clips of tests/data/real,
    # 30-79% on its other clips, creaky and breathy ones included, 41-71% on
    # the samples).
    min_voiced_s: float = 2.0
    min_voiced_share: float = 0.2
    # Uptalk: a statement whose last word rises by this much from its lowest
    # point to its end, ending above the sentence's median pitch. Rises of
    # uptalk are typically 3-7 st and more (Warren 2016, "Uptalk"); 3 st is
    # also about what listeners need to hear a rise as a question.
    uptalk_rise_st: float = 3.0
    # A rise larger than this is an octave error of the tracker, not a voice.
    max_rise_st: float = 10.0
    # Trailing off: the last word this much quieter than the sentence's
    # typical word. Utterance-final lowering is a few dB in ordinary speech
    # (declination, Vaissiere 1983); 10 dB is a tenth of the power, heard as
    # fading away (our choice).
    trailing_drop_db: float = 10.0
    # The recording level (not the voice): speech below this (median level
    # of voiced frames, dBFS) is about 20 dB under the -26 dBov nominal level
    # of ITU-T P.56: the microphone gain or distance.
    quiet_recording_dbfs: float = -46.0
    # The voice against your own baseline (history): this much quieter than
    # your usual level is a quiet answer (our choice: 6 dB, half the sound
    # pressure).
    quiet_voice_drop_db: float = 6.0
    # Your baseline, set from history by the commands (0 = none yet): the
    # median pitch range and level of your earlier answers. With a baseline
    # the monotone threshold is half your usual range, kept within 3-6 st.
    baseline_range_st: float = 0.0
    baseline_level_dbfs: float = 0.0


@dataclass(frozen=True)
class AnalysisConfig:
    pacing: PacingConfig = field(default_factory=PacingConfig)
    pauses: PauseConfig = field(default_factory=PauseConfig)
    fillers: FillerConfig = field(default_factory=FillerConfig)
    alignment: AlignmentConfig = field(default_factory=AlignmentConfig)
    content: ContentConfig = field(default_factory=ContentConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> "AnalysisConfig":
        """Defaults with the overrides in `d` (a parsed TOML table)."""
        return cls().merged(d or {})

    def merged(self, d: Mapping[str, Any]) -> "AnalysisConfig":
        """A copy with the overrides in `d`; unknown keys raise ValueError."""
        sections = {f.name: getattr(self, f.name) for f in fields(self)}
        changes = {}
        for name, overrides in d.items():
            if name not in sections:
                raise ValueError(f"unknown analysis config section: {name!r} "
                                 f"(expected one of: {', '.join(sorted(sections))})")
            if not isinstance(overrides, Mapping):
                raise ValueError(f"analysis config section {name!r} must be a table")
            changes[name] = _merge_section(name, sections[name], overrides)
        config = replace(self, **changes)
        config.validate()
        return config

    def validate(self) -> None:
        for section in fields(self):
            values = getattr(self, section.name)
            for f in fields(values):
                problem = _value_problem(f.name, getattr(values, f.name))
                if problem:
                    raise ValueError(f"{section.name}.{f.name} {problem}")
        p = self.pacing
        if not p.slow_wpm <= p.target_low_wpm <= p.target_high_wpm <= p.fast_wpm:
            raise ValueError(
                "pacing bands must satisfy slow_wpm <= target_low_wpm <= "
                "target_high_wpm <= fast_wpm"
            )
        q = self.pauses
        if not 0 < q.counted_s <= q.long_s <= q.very_long_s:
            raise ValueError("pauses must satisfy 0 < counted_s <= long_s <= very_long_s")
        if p.window_s <= 0:
            raise ValueError("pacing.window_s must be positive")


def _merge_section(section: str, current: Any, overrides: Mapping[str, Any]) -> Any:
    known = {f.name: f for f in fields(current)}
    changes = {}
    for key, value in overrides.items():
        if key not in known:
            raise ValueError(f"unknown analysis config key: {section}.{key} ({did_you_mean(key, known)})")
        default = getattr(current, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"analysis config {section}.{key} must be a number, got {value!r}")
        if isinstance(default, int) and value != int(value):
            raise ValueError(f"analysis config {section}.{key} must be a whole number, got {value!r}")
        changes[key] = int(value) if isinstance(default, int) else float(value)
    return replace(current, **changes)


def did_you_mean(key: str, known) -> str:
    """'did you mean X?' for a near miss (a typo), else the keys there are."""
    close = closest(key, known)
    return f"did you mean {close}?" if close else f"expected one of: {', '.join(sorted(known))}"


# Values that are shares of one (probabilities, confidences, proportions).
_FRACTIONS = ("confidence", "probability", "share", "low_relevance")
# Values that divide or step something, so zero would break the analysis.
_NON_ZERO = ("wpm", "window_s", "min_filler_s", "counted_s")


def _value_problem(name: str, value: float) -> str | None:
    """What is wrong with one threshold, or None (ranges: see docs/feedback.md)."""
    if not math.isfinite(value) or (value < 0 and not name.endswith("_dbfs")):  # dBFS levels are negative
        return f"must not be negative, got {value!r}"
    if isinstance(value, int) and value < 1:
        return f"must be at least 1, got {value!r}"
    if value == 0 and any(part in name for part in _NON_ZERO):
        return f"must be positive, got {value!r}"
    if value > 1 and any(part in name for part in _FRACTIONS):
        return f"is a share: between 0 and 1, got {value!r}"
    return None
