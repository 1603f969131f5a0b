"""The analysis against the ground truth of samples/, through the product path
(recorder, streaming transcription with the real tiny.en, VAD, acoustics,
analysis): the floors of issue 3, "Accuracy, measured".

Each floor is the issue's target where we reach it; where we do not yet, it
sits just under what was measured, so that any loss fails (see the comments).
`voice-mock evaluate` prints the same figures as a table.
"""

import math

import pytest
from conftest import SAMPLES

from voice_mock.banks import load_banks
from voice_mock.evaluation.runner import evaluate

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def measured(whisper):
    scores, totals = evaluate(SAMPLES, whisper, load_banks())
    return scores, totals


def test_filled_pauses_found_and_not_invented(measured):
    _, t = measured
    # Target 0.9 both; measured 1.00 / 0.93 (26 of 28 fillers, none false).
    assert t.filler_precision >= 0.9
    assert t.filler_recall >= 0.9


def test_long_pauses_found_with_their_boundaries(measured):
    _, t = measured
    # Target: pauses of 1 s or more found 95% of the time within 150 ms.
    assert t.long_pause_recall >= 0.95
    # Measured 20 ms mean; 40 ms leaves room for one VAD frame (32 ms).
    assert not math.isnan(t.boundary_error_s) and t.boundary_error_s <= 0.04


def test_words_per_minute(measured):
    _, t = measured
    # Target 5%; measured 4.2% worst (hard-silence-end), numerals counted as spoken.
    assert t.worst_wpm_error <= 0.05


def test_transcript_word_error_rate(measured):
    _, t = measured
    # No target in the issue; measured 4.2% mean (tiny.en on synthetic voices).
    assert t.mean_wer <= 0.05


def test_no_words_inside_silence(measured):
    scores, t = measured
    assert t.words_in_silence == 0, [s.words_in_silence for s in scores if s.words_in_silence]


# ---------------------------------------------------------------- real speech

REAL = SAMPLES.parent / "tests" / "data" / "real"


@pytest.fixture(scope="module")
def real(whisper):
    from voice_mock.evaluation.real_runner import evaluate_real

    scores, totals = evaluate_real(REAL, whisper)
    return {s.id: s for s in scores}, totals


def test_real_filled_pauses_precision_first(real):
    _, totals = real
    # Issue 10 targets: precision >= 0.9, recall >= 0.85 (by count per clip).
    # Measured (tiny.en): development part 1.00 / 1.00; all 35 clips 1.00 /
    # 0.875 (14 of 16): the monologue cold_corpus (held out, seen since
    # session 5) has 5 "uh" of which 3 are found, the same in repeated runs
    # (docs/feedback.md; 0.82, 14 of 17, before its reference was corrected).
    # The recall floor is the target itself: one filler fewer fails it.
    dev, everything = totals["dev"], totals["all"]
    assert dev.filler_precision >= 0.95 and dev.filler_recall >= 0.95, dev
    assert everything.filler_precision >= 0.95, everything
    assert everything.filler_recall >= 0.85, everything
    assert everything.timed_precision >= 0.95 and everything.timed_recall >= 0.85, everything


def test_real_voice_quality_traps_have_no_counted_filler(real):
    scores, _ = real
    # creaky, breathy, whispered, falsetto, exaggerated...: none has a filler
    counted = {s.id: s.fillers_found for s in scores.values()
               if s.kind in ("elicited_disfluency", "elicited_voice_quality", "read") and s.fillers_found}
    assert counted == {}


def test_real_speech_loses_no_sentence(real):
    scores, totals = real
    # The monologues are long, disfluent and full of zero-length stamps: every
    # sentence must come out (a dropped one costs 5-15 of their ~60 words).
    for clip in ("acoustic_corpus", "cold_corpus", "cold_corpus3", "ba2_test"):
        s = scores[clip]
        assert s.found_words >= 0.9 * s.ref_words, (clip, s.found_words, s.ref_words, s.transcript)
    # Whispered speech included (no voicing: VAD hears almost none of it;
    # "whisper" kept 2 of 5 words before the sound level overruled VAD):
    # no clip comes out with fewer than half of its words.
    assert totals["all"].lost == [], totals["all"].lost
    assert scores["whisper"].found_words >= 4, scores["whisper"].transcript


def test_real_word_error_rate_against_raw_whisper(real):
    _, totals = real
    dev, everything = totals["dev"], totals["all"]
    # Measured: development part 23.8% against raw faster-whisper's 25.8%;
    # all clips 22.8% against 24.0% (held out alone, seen: 20.0% against 19.1%, one clip:
    # cold_corpus, the hoarse voice, 8 edits against 4; docs/feedback.md).
    assert dev.wer <= dev.raw_wer, (dev.wer, dev.raw_wer)
    assert everything.wer <= everything.raw_wer, (everything.wer, everything.raw_wer)


def test_real_fillers_whisper_did_not_write_are_counted_from_the_audio(whisper):
    from voice_mock.evaluation.real_runner import load_real_set
    from voice_mock.evaluation.runner import practice_analysis
    from voice_mock.evaluation.unwritten import LeftOut, left_out

    # Each "um"/"uh" Whisper wrote on the development monologues, left out of its words in turn
    # (evaluation/unwritten.py, benchmarks/unwritten_fillers.py): the held voice with a filled
    # pause's tune is counted again for 7 of the 11 (1 without the tune, analysis/held_pitch.py),
    # and no false filler is counted in any run.
    tally = LeftOut()
    for clip in load_real_set(REAL):
        if clip["split"] == "dev" and clip.get("filler_times"):
            answer = practice_analysis(clip["path"], whisper)
            tally += left_out(answer, [(a, b) for _, a, b in clip["filler_times"]])
    assert tally.written >= 10, tally
    assert tally.found >= 6, tally
    assert tally.false_as_transcribed == 0 and tally.false_left_out == 0, tally
