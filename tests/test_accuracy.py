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
    # Target 5%; measured 3.8% worst (hard-long).
    assert t.worst_wpm_error <= 0.05


def test_transcript_word_error_rate(measured):
    _, t = measured
    # No target in the issue; measured 4.2% mean (tiny.en on synthetic voices).
    assert t.mean_wer <= 0.05


def test_no_words_inside_silence(measured):
    scores, t = measured
    assert t.words_in_silence == 0, [s.words_in_silence for s in scores if s.words_in_silence]
