"""Words as said: a numeral counts as the words a person reads it as."""

import pytest
from test_analysis_helpers import say, speech_of

from voice_mock.analysis import analyze
from voice_mock.analysis.text import spoken_counts, spoken_word_count, spoken_words
from voice_mock.evaluation.metrics import spoken_word_total
from voice_mock.evaluation.runner import truth_wpm


@pytest.mark.parametrize(
    "token, expected",
    [
        ("revenue", 1),
        ("4", 1),  # four
        ("10", 1),  # ten
        ("20", 1),  # twenty
        ("35", 2),  # thirty five
        ("100", 2),  # one hundred
        ("101", 3),  # one hundred one
        ("2023", 4),  # two thousand twenty three (as the bundled voices read it)
        ("1999", 6),  # one thousand nine hundred ninety nine
        ("1905", 5),  # one thousand nine hundred five
        ("2010", 3),  # two thousand ten
        ("1200", 4),  # one thousand two hundred
        ("1,200", 4),
        ("2005", 3),  # two thousand five
        ("5000", 2),  # five thousand
        ("2100", 4),  # two thousand one hundred
        ("12345", 6),  # twelve thousand three hundred forty five
        ("1000000", 2),  # one million
        ("0", 1),  # zero
        ("007", 3),  # oh oh seven
        ("3.5", 3),  # three point five
        ("$1.5", 4),  # one point five dollars
        ("10%", 2),  # ten percent
        ("3rd", 1),  # third
        ("21st", 2),  # twenty first
    ],
)
def test_spoken_word_count(token, expected):
    assert spoken_word_count(token) == expected


def test_spoken_words_of_text():
    assert spoken_words("I grew revenue by 35% in 2023.") == 4 + 2 + 1 + 1 + 4
    assert spoken_words("thirty-five") == 2  # a hyphen splits words, as in the truth
    assert spoken_words("we had 1,200 accounts") == 7
    assert spoken_words("") == 0


def test_truth_counts_numerals_as_said():
    text = "I grew revenue by 35 percent in 2023."
    assert spoken_word_total(text) == 4 + 2 + 1 + 1 + 4
    assert spoken_word_total("$5 and 3.5 times") == 2 + 1 + 3 + 1
    truth = {"text": text, "speech": [{"start": 1.0, "end": 7.0}], "fillers": []}
    assert truth_wpm(truth) == pytest.approx(12 / 6.0 * 60)


def test_speech_rate_does_not_depend_on_digits_or_words():
    digits = say("we grew by 35 percent in 2023 and hired 4 analysts across 1200 accounts", 0.0, 0.4, 0.1)
    spelled = "we grew by thirty five percent in two thousand twenty three and hired four analysts across one thousand two hundred accounts"
    words = say(spelled, 0.0, 0.3, 0.05)
    # same span for both: the digits version has fewer, longer written words
    span_end = words[-1].end
    step = span_end / len(digits)
    digits = [w.__class__(w.text, round(k * step, 4), round(k * step + step * 0.8, 4)) for k, w in enumerate(digits)]
    a = analyze(digits, speech_of(digits, join_s=1.0), span_end + 1.0).pacing
    b = analyze(words, speech_of(words, join_s=1.0), span_end + 1.0).pacing
    said = len(spelled.split())
    assert b.words_per_minute == pytest.approx(said / b.duration_s * 60)
    assert a.words_per_minute == pytest.approx(said / a.duration_s * 60)
    assert sum(w.words for w in a.windows) == said


def test_words_with_letters_and_digits_count_once():
    assert spoken_words("w0 b2b a15") == 3


def test_a_number_split_at_its_thousands_comma_counts_once():
    # faster-whisper writes "1,200" as the words "1" and ",200"
    assert spoken_counts(["over", "1", ",200", "accounts"]) == [1, 4, 0, 1]
    assert spoken_counts(["1", ",200", ",000"]) == [5, 0, 0]  # one million two hundred thousand
    assert spoken_counts(["team,", ",200"]) == [1, 2]  # not after a number
    assert spoken_counts(["35", "%"]) == [2, 1]  # every written word counts at least once
