"""Pacing figures on hand-computed examples."""

import pytest
from test_analysis_helpers import say, speech_of

from voice_mock.analysis import analyze
from voice_mock.types import Interval, Question, Word

THIRTY = " ".join(f"w{k}" for k in range(30))


def two_groups(pause_s: float = 2.0):
    """15 words 0.4 s long every 0.5 s (0.0-7.4 s), a pause, 15 more."""
    first = say(" ".join(f"a{k}" for k in range(15)), 0.0, 0.4, 0.1)
    second = say(" ".join(f"b{k}" for k in range(15)), 7.4 + pause_s, 0.4, 0.1)
    return first + second


def test_speech_rate_and_articulation_rate():
    words = two_groups(2.0)  # span 0.0-16.8 s, one 2.0 s silent pause
    fb = analyze(words, speech_of(words), 18.0)
    p = fb.pacing
    assert p.duration_s == pytest.approx(16.8)
    assert p.words_per_minute == pytest.approx(30 / 16.8 * 60)  # 107.14
    assert p.articulation_wpm == pytest.approx(30 / 14.8 * 60)  # 121.62
    assert p.band == "slow"


def test_short_gaps_do_not_count_as_pauses_for_articulation():
    words = say(THIRTY, 0.0, 0.4, 0.1)  # span 0-14.9, gaps of 0.1 s
    fb = analyze(words, speech_of(words), 15.0)
    assert fb.pacing.words_per_minute == pytest.approx(30 / 14.9 * 60)
    assert fb.pacing.articulation_wpm == pytest.approx(fb.pacing.words_per_minute)


def test_fillers_are_not_counted_as_words():
    words = say(THIRTY, 0.0, 0.4, 0.1)
    with_fillers = words[:10] + [Word("um", 4.95, 4.95)] + words[10:]
    a = analyze(words, speech_of(words), 15.0).pacing
    b = analyze(with_fillers, speech_of(words), 15.0).pacing
    assert a.words_per_minute == b.words_per_minute and b.word_count == 30


def test_leading_and_trailing_silence_do_not_dilute_the_rate():
    words = say(THIRTY, 3.0, 0.4, 0.1)  # first speech at 3 s, recording 30 s
    p = analyze(words, speech_of(words), 30.0, response_latency_s=3.2).pacing
    assert p.words_per_minute == pytest.approx(30 / 14.9 * 60)
    assert p.leading_silence_s == pytest.approx(3.0)
    assert p.response_latency_s == 3.2


def fast_then_slow():
    """60 words in 0-20 s (180 wpm), then 30 words in 20-40 s (90 wpm)."""
    fast = [Word(f"f{k}", k / 3, k / 3 + 0.25) for k in range(60)]
    slow = [Word(f"s{k}", 20 + 2 * k / 3, 20 + 2 * k / 3 + 0.4) for k in range(30)]
    return fast + slow, [Interval(0.0, 40.0)]


def test_windows_stretches_and_variation():
    words, speech = fast_then_slow()
    p = analyze(words, speech, 40.0).pacing
    assert [(w.start, w.end) for w in p.windows] == [(0, 10), (10, 20), (20, 30), (30, 40)]
    assert [round(w.wpm) for w in p.windows] == [180, 180, 90, 90]
    assert p.words_per_minute == pytest.approx(135)
    assert p.variation_wpm == pytest.approx(45)
    kinds = [(s.kind, s.start, s.end, round(s.wpm)) for s in p.stretches]
    assert kinds == [("fast", 0, 20, 180), ("slow", 20, 40, 90)]


def test_stretches_become_findings_with_times():
    words, speech = fast_then_slow()
    fb = analyze(words, speech, 40.0)
    stretch = [f for f in fb.findings if f.rule == "pace.stretch"]
    assert {(f.start, f.end) for f in stretch} == {(0, 20), (20, 40)}
    assert any("sped up to 180" in f.message and "0:00 to 0:20" in f.message for f in stretch)
    assert any(f.rule == "pace.uneven" for f in fb.findings)


def test_partial_last_window_is_spread_over_equal_windows():
    words = say(" ".join(["w"] * 70), 0.0, 0.3, 0.05)  # span 0-24.45 s
    p = analyze(words, speech_of(words), 25.0).pacing
    assert len(p.windows) == 2
    assert p.windows[0].end - p.windows[0].start == pytest.approx(24.45 / 2)
    assert sum(w.words for w in p.windows) == 70


def test_answer_length_against_question_target():
    words = say(THIRTY, 0.0, 0.4, 0.1)  # 14.9 s
    q = Question("q", "Tell me about yourself.", target_seconds=(60.0, 120.0))
    fb = analyze(words, speech_of(words), 15.0, q)
    assert fb.pacing.length_verdict == "short"
    assert fb.pacing.target_seconds == [60.0, 120.0]
    (f,) = [f for f in fb.findings if f.rule == "answer.length"]
    assert f.severity == "medium" and "60-120 s" in f.message  # < half the low bound
    ok = Question("q", "Quick one?", target_seconds=(10.0, 20.0))
    assert analyze(words, speech_of(words), 15.0, ok).pacing.length_verdict == "within"


def test_fast_answer_is_flagged():
    words = say(" ".join(["go"] * 60), 0.0, 0.2, 0.05)  # 60 words in 14.95 s: 241 wpm
    fb = analyze(words, speech_of(words), 15.0)
    assert fb.pacing.band == "fast"
    assert fb.findings[0].rule == "pace.overall" and fb.findings[0].severity == "high"


def test_long_latency_is_mentioned():
    words = say(THIRTY, 0.0, 0.4, 0.1)
    fb = analyze(words, speech_of(words), 15.0, response_latency_s=8.0)
    assert any(f.rule == "latency.long" and "8.0 s" in f.message for f in fb.findings)


def test_one_word_is_not_rated():
    words = [Word("Yes.", 1.0, 1.4)]
    fb = analyze(words, [Interval(1.0, 1.4)], 3.0)
    assert fb.pacing.words_per_minute is None and not fb.pacing.measured
    assert fb.pacing.word_count == 1
    assert fb.scores.pacing is None and fb.scores.hesitation is None
    assert any(n.item == "pacing" and "1 word" in n.reason for n in fb.measured.not_measured)
