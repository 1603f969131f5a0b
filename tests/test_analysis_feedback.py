"""The JSON contract, configuration, ranking, scores and edge cases."""

import json

import pytest
from test_analysis_helpers import say, speech_of

from voice_mock.analysis import AnalysisConfig, Feedback, analyze, analyze_text
from voice_mock.analysis.scoring import hesitation_score
from voice_mock.types import Cue, Interval, Question, Word

QUESTION = Question(
    id="leadership",
    text="Tell me about a time you led a team.",
    target_seconds=(10.0, 60.0),
    talking_points=(Cue("led", "What you led", ("i led", "leading")),
                    Cue("result", "The result", ("result", "outcome"))),
    red_flags=(Cue("blame", "Blaming others", ("their fault",)),),
)


def answer():
    words = say("Um, so I led a team of 5 engineers and, like, we shipped the new billing system.", 0.8)
    words += say("The result was a 30% drop in churn.", 7.0)
    words += [Word("Thank", 12.0, 12.2), Word("you.", 12.2, 12.5)]  # hallucination
    speech = speech_of([w for w in words if w.start < 12.0])
    return words, speech


def test_contract_keys_and_types():
    words, speech = answer()
    d = analyze(words, speech, 14.0, QUESTION, response_latency_s=0.8).to_dict()
    assert d["schema_version"] == 1
    assert list(d) == ["schema_version", "transcript", "words", "pacing", "hesitation", "content",
                       "delivery", "findings", "scores", "measured"]
    assert d["transcript"].startswith("Um, so I led") and "Thank" not in d["transcript"]
    assert set(d["words"][0]) == {"text", "start", "end", "probability", "kind"}
    assert d["words"][0]["kind"] == "filler" and d["words"][1]["kind"] == "word"
    assert {"words_per_minute", "articulation_wpm", "duration_s", "response_latency_s", "windows"} <= set(d["pacing"])
    assert set(d["pacing"]["windows"][0]) >= {"start", "end", "wpm"}
    h = d["hesitation"]
    assert {"filled_pauses", "filler_phrases", "pauses", "repetitions"} <= set(h)
    assert set(h["filled_pauses"][0]) >= {"text", "start", "end", "confidence"}
    assert set(h["filler_phrases"][0]) >= {"text", "start", "end"}
    assert set(h["pauses"][0]) >= {"start", "end", "duration_s"}
    c = d["content"]
    assert {"talking_points", "red_flags", "company"} <= set(c)
    assert set(c["talking_points"][0]) >= {"id", "label", "covered", "evidence"}
    assert all(set(f) == {"rule", "severity", "message", "start", "end"} for f in d["findings"])
    assert {"measured", "reason", "pitch", "loudness", "monotone", "monotone_reason", "findings"} <= set(d["delivery"])
    assert {"median_hz", "range_st", "variation_st"} <= set(d["delivery"]["pitch"])
    assert set(d["scores"]) == {"pacing", "hesitation", "content", "overall"}
    assert all(s is None or 0 <= s <= 100 for s in d["scores"].values())
    json.dumps(d)  # plain JSON data


def test_times_are_rounded_to_two_decimals():
    words = [Word(w.text, w.start + 0.001234, w.end + 0.004321) for w in say("one two three four five six seven eight nine ten")]
    d = analyze(words, speech_of(words), 5.0).to_dict()
    for w in d["words"]:
        assert w["start"] == round(w["start"], 2) and w["end"] == round(w["end"], 2)
    assert d["pacing"]["words_per_minute"] == round(d["pacing"]["words_per_minute"], 2)


def test_from_dict_round_trip():
    words, speech = answer()
    fb = analyze(words, speech, 14.0, QUESTION)
    d = fb.to_dict()
    again = Feedback.from_dict(json.loads(json.dumps(d)))
    assert again.to_dict() == d
    assert again.pacing.windows[0].wpm == d["pacing"]["windows"][0]["wpm"]
    assert again.content.talking_points[0].evidence[0].text == "I led"


def test_from_dict_rejects_other_schema_versions():
    with pytest.raises(ValueError, match="schema_version"):
        Feedback.from_dict({"schema_version": 2})


def test_every_finding_points_at_evidence_and_is_ranked():
    words, speech = answer()
    words += say("It was their fault, honestly.", 10.0)
    speech = speech_of([w for w in words if w.start < 12.0])
    fb = analyze(words, speech, 14.0, QUESTION)
    assert fb.findings[0].rule == "content.red_flag"
    severities = [f.severity for f in fb.findings]
    order = {"high": 0, "medium": 1, "low": 2}
    assert severities == sorted(severities, key=order.get)
    assert all(f.start is not None and f.end is not None for f in fb.findings)
    assert fb.top(3) == fb.findings[:3]


def test_no_words_no_speech():
    fb = analyze([], [], 5.0, QUESTION)
    d = fb.to_dict()
    assert d["words"] == [] and d["transcript"] == ""
    assert d["pacing"]["words_per_minute"] is None
    assert [f["rule"] for f in d["findings"]] == ["speech.none"]
    assert d["scores"] == {"pacing": None, "hesitation": None, "content": None, "overall": None}
    assert {"speech", "pacing", "scores.content"} <= {n["item"] for n in d["measured"]["not_measured"]}


def test_speech_but_no_words():
    fb = analyze([], [Interval(1.0, 3.0)], 5.0)
    assert fb.findings[0].rule == "speech.none"
    assert fb.pacing.words_per_minute is None


def test_zero_duration_recording():
    fb = analyze([], [], 0.0)
    assert fb.findings[0].rule == "speech.none" and fb.findings[0].end is None


def test_question_and_company_none():
    words, speech = answer()
    fb = analyze(words, speech, 14.0)
    assert fb.content.talking_points == [] and fb.scores.content is None
    assert fb.scores.overall is not None  # from pacing and hesitation
    assert fb.content.company.judged is False


def test_ten_minute_answer():
    sentence = "So um I think we we built the, like, data platform and then it scaled well."
    words, speech = [], []
    t = 0.0
    while t < 600:
        chunk = say(sentence, t, 0.25, 0.05)
        words += chunk
        speech += speech_of(chunk)
        t = chunk[-1].end + 0.6
    words.append(Word("Thanks", 605.0, 605.5))
    fb = analyze(words, speech, 610.0, QUESTION)  # speed: benchmarks/latency.py
    assert len(fb.words) > 1500
    assert 55 <= len(fb.pacing.windows) <= 60
    assert fb.hesitation.filled_pause_count > 100
    assert "Thanks" not in fb.transcript


def test_config_overrides_and_errors():
    cfg = AnalysisConfig.from_dict({"pacing": {"fast_wpm": 130, "target_high_wpm": 125}, "pauses": {"long_s": 0.5}})
    assert cfg.pacing.fast_wpm == 130.0 and cfg.pauses.long_s == 0.5
    assert cfg.pacing.slow_wpm == 110.0  # untouched default
    with pytest.raises(ValueError, match="pacing.fastest"):
        AnalysisConfig.from_dict({"pacing": {"fastest": 1}})
    with pytest.raises(ValueError, match="tempo"):
        AnalysisConfig.from_dict({"tempo": {}})
    with pytest.raises(ValueError, match="must be a number"):
        AnalysisConfig.from_dict({"pauses": {"long_s": "long"}})
    with pytest.raises(ValueError, match="slow_wpm"):
        AnalysisConfig.from_dict({"pacing": {"slow_wpm": 200}})


def test_config_changes_the_verdict():
    words = say(" ".join(["word"] * 30), 0.0, 0.4, 0.1)  # 121 wpm
    speech = speech_of(words)
    assert analyze(words, speech, 15.0).pacing.band == "target"
    strict = AnalysisConfig.from_dict({"pacing": {"target_low_wpm": 130, "slow_wpm": 125}})
    assert analyze(words, speech, 15.0, config=strict).pacing.band == "slow"


def test_hesitation_score_formula():
    fb = analyze_text("x")  # only to get a Hesitation to fill in by hand
    h = fb.hesitation
    h.filled_pauses_per_min, h.filler_phrases_per_min = 5.0, 2.0  # F = 7
    h.weighted_long_pauses_per_min = 1.5
    h.repetitions_per_100_words = 4.0
    # 100 - 5 * (7 - 3) - 10 * 1.5 - 3 * (4 - 2) = 59
    assert hesitation_score(h, AnalysisConfig()) == 59


def test_analyze_text():
    fb = analyze_text("Um, I led the team and, you know, the result was great.", QUESTION)
    assert [f.text for f in fb.hesitation.filled_pauses] == ["um"]
    assert [p.text for p in fb.hesitation.filler_phrases] == ["you know"]
    assert fb.pacing.words_per_minute is None and fb.scores.pacing is None
    assert fb.scores.content is not None and fb.scores.overall == fb.scores.content
    assert all(t.covered for t in fb.content.talking_points)
    assert fb.words[0].start is None and fb.words[0].kind == "filler"


def test_analyze_text_empty():
    fb = analyze_text("   ")
    assert fb.findings[0].rule == "speech.none" and fb.scores.overall is None


def test_top_three_are_different_things():
    q = Question("q", "Tell me about a time you led a team.", target_seconds=(10.0, 60.0),
                 talking_points=tuple(Cue(f"p{k}", f"Point {k}", (f"zebra{k}",)) for k in range(4)))
    words, speech = [], []
    t = 0.0
    for k in range(6):  # 6 sentences with an "um" island before each
        speech.append(Interval(t, t + 0.4))
        chunk = say("we built the new tool for our team today.", t + 1.0)
        words += [Word("um,", t + 0.9, t + 0.9)] + chunk
        speech += speech_of(chunk)
        t = chunk[-1].end + 0.5
    fb = analyze(words, speech, t + 1.0, q)
    top = [f.rule for f in fb.top(3)]
    # 13 'um' a minute is high; then the medium ones, one per rule first
    assert top == ["fillers.filled_pauses", "content.talking_point", "content.relevance"]
    assert [f.rule for f in fb.findings].count("content.talking_point") == 4
