"""The delivery rules on hand-made pitch contours (no audio): monotone
stretches, uptalk, trailing off, quiet, not measured, and the JSON."""

import math

from voice_mock.analysis import Feedback, analyze, analyze_text
from voice_mock.analysis.config import AnalysisConfig, DeliveryConfig
from voice_mock.analysis.delivery import delivery_findings, measure_delivery, monotone_threshold, sentences
from voice_mock.analysis.words import AlignedWord
from voice_mock.types import Interval, PitchTrack, Word

HOP = 0.02


def track(seconds, f0=lambda t: 120.0, level=lambda t: -20.0, voiced=lambda t: True):
    n = int(seconds / HOP)
    times = [HOP / 2 + i * HOP for i in range(n)]
    return PitchTrack(HOP, HOP / 2, tuple(f0(t) if voiced(t) else None for t in times),
                      tuple(level(t) for t in times))


def lively(t):
    return 120.0 * 2 ** (0.5 * math.sin(2 * math.pi * t / 3.0))  # +-6 st every 3 s


def words(texts_and_times):
    return [AlignedWord(text, a, b) for text, a, b in texts_and_times]


def measure(tr, ws=(), seconds=None, cfg=None):
    seconds = seconds or len(tr) * HOP
    return measure_delivery(tr, list(ws), [Interval(0.0, seconds)], Interval(0.0, seconds), cfg or DeliveryConfig())


def test_flat_answer_is_monotone_with_its_stretch_and_words():
    tr = track(30, f0=lambda t: 120.0 * 2 ** (0.05 * math.sin(t)))  # +-0.6 st
    ws = words([("We", 1.0, 1.2), ("rebuilt", 1.3, 1.8), ("the", 1.9, 2.0), ("pipeline.", 2.1, 2.8)])
    d = measure(tr, ws)
    assert d.measured and d.monotone is True
    assert abs(d.pitch.median_hz - 120.0) < 1.0 and d.pitch.range_st < 1.5
    (stretch,) = [f for f in d.findings if f.kind == "monotone"]
    assert stretch.start < 0.5 and stretch.end > 29.0
    assert "We rebuilt the pipeline." in stretch.words


def test_lively_answer_is_not_monotone_and_a_flat_part_is_a_stretch():
    d = measure(track(30, f0=lively))
    assert d.monotone is False and d.pitch.range_st > 9.0
    assert not [f for f in d.findings if f.kind == "monotone"]
    # Flat for the first 15 s only: one stretch there, but not a monotone answer.
    d = measure(track(30, f0=lambda t: 120.0 if t < 15 else lively(t)))
    (stretch,) = [f for f in d.findings if f.kind == "monotone"]
    assert stretch.start < 0.5 and 14.0 <= stretch.end <= 17.0
    assert d.monotone is False


def test_short_answer_has_no_monotone_verdict_but_its_figures():
    d = measure(track(6, f0=lively))
    assert d.measured and d.pitch.median_hz is not None
    assert d.monotone is None and "shorter than 10 s" in d.monotone_reason


def test_baseline_moves_the_monotone_threshold():
    assert monotone_threshold(DeliveryConfig()) == 4.0
    assert monotone_threshold(DeliveryConfig(baseline_range_st=12.0)) == 6.0
    assert monotone_threshold(DeliveryConfig(baseline_range_st=4.0)) == 3.0
    five_st = track(30, f0=lambda t: 120.0 * 2 ** ((2.5 / 12) * math.sin(2 * math.pi * t / 3.0)))
    assert measure(five_st).monotone is False
    d = measure(five_st, cfg=DeliveryConfig(baseline_range_st=12.0))
    assert d.monotone is True and d.baseline_used


def rising_end(t):
    return 110.0 * 2 ** ((min(t, 5.0) - 4.5) * 5 / 12 / 0.5) if t > 4.5 else 110.0  # +5 st over the last 0.5 s


SENTENCE = [("I", 0.5, 0.6), ("led", 0.7, 1.0), ("the", 1.1, 1.2), ("data", 1.3, 2.0),
            ("team", 2.1, 3.0), ("for", 3.1, 3.4), ("three", 3.5, 4.0), ("years.", 4.1, 5.0)]


def test_rising_end_of_a_statement_is_uptalk_not_of_a_question():
    d = measure(track(5.2, f0=rising_end), words(SENTENCE))
    assert d.uptalk_count == 1 and d.statements == 1
    (up,) = [f for f in d.findings if f.kind == "uptalk"]
    assert 4.0 <= up.value <= 6.0 and up.words == "for three years."
    question = SENTENCE[:-1] + [("years?", 4.1, 5.0)]
    d = measure(track(5.2, f0=rising_end), words(question))
    assert d.uptalk_count == 0 and d.statements == 0 and d.endings[0].rise_st > 4.0
    falling = measure(track(5.2, f0=lambda t: 110.0 * 2 ** (-(t - 4.5) * 4 / 12 / 0.5) if t > 4.5 else 110.0),
                      words(SENTENCE))
    assert falling.uptalk_count == 0 and falling.endings[0].rise_st == 0.0


def test_a_fading_end_is_trailing_off_an_even_one_is_not():
    fading = track(5.2, level=lambda t: -20.0 if t < 4.05 else -34.0)  # the whole last word
    d = measure(fading, words(SENTENCE))
    assert d.trailing_off_count == 1
    (trail,) = [f for f in d.findings if f.kind == "trailing_off"]
    assert 13.0 <= trail.value <= 15.0
    assert measure(track(5.2), words(SENTENCE)).trailing_off_count == 0
    # Its last syllable alone fading is not trailing off: the word was heard.
    assert measure(track(5.2, level=lambda t: -20.0 if t < 4.6 else -34.0), words(SENTENCE)).trailing_off_count == 0


def test_ranked_findings_count_uptalk_and_trailing_off_and_rise_to_medium_when_a_habit():
    cfg = DeliveryConfig()
    once = measure(track(5.2, f0=rising_end), words(SENTENCE))
    ((rule, severity, message, start, end),) = delivery_findings(once, cfg)
    assert (rule, severity) == ("delivery.uptalk", "low")
    assert message.startswith("1 of 1 statements ended with a rising pitch") and start == 4.1 and end == 5.0
    # The same sentence twice, both fading: a habit, so medium.
    twice = SENTENCE + [(w, a + 5.0, b + 5.0) for w, a, b in SENTENCE]
    fading = track(10.2, level=lambda t: -34.0 if 4.05 <= t < 5.0 or t >= 9.05 else -20.0)
    found = {rule: (severity, message) for rule, severity, message, *_ in delivery_findings(measure(fading, words(twice)), cfg)}
    assert found["delivery.trailing_off"][0] == "medium"
    assert found["delivery.trailing_off"][1].startswith("2 of 2 sentences trailed off")
    assert "delivery.uptalk" not in found


def test_sentences_follow_end_punctuation_and_skip_fillers():
    ws = words([("I", 0, 1), ("lead.", 1, 2), ("um", 2, 3), ("Then", 3, 4), ("what?", 4, 5), ("So", 5, 6)])
    ws[2].kind = "filler"
    assert [[w.text for w in s] for s in sentences(ws)] == [["I", "lead."], ["Then", "what?"], ["So"]]


def test_quiet_recording_and_quiet_voice_are_told_apart():
    d = measure(track(12, f0=lively, level=lambda t: -52.0))
    assert d.quiet == "recording"
    assert "microphone" in d.findings[-1].message
    cfg = DeliveryConfig(baseline_level_dbfs=-20.0)
    d = measure(track(12, f0=lively, level=lambda t: -28.0), cfg=cfg)
    assert d.quiet == "voice" and "8 dB" in d.findings[-1].message
    assert measure(track(12, f0=lively, level=lambda t: -22.0), cfg=cfg).quiet is None


def test_whisper_and_too_little_voice_are_not_measured():
    whisper = track(12, voiced=lambda t: int(t * 10) % 10 == 0)  # 10% voiced
    d = measure(whisper)
    assert not d.measured and d.monotone is None and "whispered" in d.reason
    d = measure(track(1.5))
    assert not d.measured and "too little voiced speech" in d.reason
    assert not measure_delivery(None, [], [], None, DeliveryConfig()).measured


def timed_words(n=40):
    return [Word(f"word{i}." if i % 8 == 7 else f"word{i}", 0.5 + i * 0.5, 0.9 + i * 0.5) for i in range(n)]


def test_feedback_json_carries_delivery_and_reads_back():
    fb = analyze(timed_words(), [Interval(0.4, 20.5)], 21.0, prosody=track(21, f0=lambda t: 150.0))
    data = fb.to_dict()
    assert data["delivery"]["pitch"]["median_hz"] == 150.0
    assert data["delivery"]["pitch"]["range_st"] == 0.0
    assert data["delivery"]["monotone"] is True
    assert "delivery.monotone" in [f["rule"] for f in data["findings"]]
    assert Feedback.from_dict(data).delivery.pitch.median_hz == 150.0
    # Older feedback without delivery still loads, as not measured.
    del data["delivery"]
    assert Feedback.from_dict(data).delivery.monotone is None


def test_typed_and_unmeasured_answers_say_so():
    typed = analyze_text("I led the team and we shipped it on time.").to_dict()
    assert typed["delivery"]["monotone"] is None and "typed answer" in typed["delivery"]["monotone_reason"]
    assert any(n["item"] == "delivery" for n in typed["measured"]["not_measured"])
    spoken = analyze(timed_words(), [Interval(0.4, 20.5)], 21.0).to_dict()
    assert spoken["delivery"]["pitch"]["median_hz"] is None
    assert any(n["item"] == "delivery" and "not measured" in n["reason"] for n in spoken["measured"]["not_measured"])


def test_config_file_can_set_delivery_thresholds():
    cfg = AnalysisConfig.from_dict({"delivery": {"monotone_range_st": 3, "quiet_recording_dbfs": -50}})
    assert cfg.delivery.monotone_range_st == 3.0 and cfg.delivery.quiet_recording_dbfs == -50.0
