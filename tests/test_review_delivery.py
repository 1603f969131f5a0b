"""Pitch and loudness in every view: the terminal line, the HTML timeline,
history (trend and baseline), compare."""

import json
import types

from test_review import GOOD, QUESTION_ID, home, make_session, make_words

from voice_mock.cli.common import user_config
from voice_mock.cli.main import main
from voice_mock.review import compare, history, report_html
from voice_mock.review.formatting import voice_line
from voice_mock.review.history import load_all
from voice_mock.review.session import Store, write_json_atomic


def feedback_of(path):
    folder = next(p for p in path.iterdir() if p.is_dir())
    return folder, json.loads((folder / "feedback.json").read_text())


def test_voice_line_and_report_contour():
    # make_session speaks a steady 180 Hz tone where the words are: flat.
    path = make_session(home(), "20260101-100000-v")
    folder, fb = feedback_of(path)
    line = voice_line(fb)
    assert line.startswith("voice: pitch 180 Hz · range 0.0 st (monotone) · level -17 dBFS")
    html = report_html.session_html(history.load_checked(path)[0])
    assert "stroke='#8e44ad'" in html and "pitch (median 180 Hz" in html
    assert "flat pitch: within 0.0 semitones" in html and line in html


def test_report_says_when_pitch_was_not_measured():
    path = make_session(home(), "20260101-100000-n")
    folder, fb = feedback_of(path)
    transcript = json.loads((folder / "transcript.json").read_text())
    del transcript["prosody"]
    fb["delivery"] = {"measured": False, "reason": "whispered, breathy or hoarse speech"}
    write_json_atomic(folder / "transcript.json", transcript)
    write_json_atomic(folder / "feedback.json", fb)
    html = report_html.session_html(history.load_checked(path)[0])
    assert "pitch: whispered, breathy or hoarse speech" in html
    assert voice_line(fb) == "voice: not measured (whispered, breathy or hoarse speech)"


def test_terminal_feedback_shows_the_voice_line_and_one_voice_finding(capsys):
    path = make_session(home(), "20260101-100000-t")
    assert main(["replay", path.name]) == 0
    out = capsys.readouterr().out
    assert "voice: pitch 180 Hz" in out
    assert out.count("Your pitch stayed within") == 1


def test_history_trend_compare_and_baseline_of_pitch_range():
    for n in range(1, 4):
        make_session(home(), f"2026010{n}-100000-p", [(QUESTION_ID, None, make_words(GOOD, fillers=1))])
    sessions, _ = load_all(Store(home()))
    summaries = [history.summarize(s) for s in sessions]
    assert [s.measures["pitch_range_st"] for s in summaries] == [0.0, 0.0, 0.0]
    trend = next(t for t in history.trends(summaries) if t.measure == "pitch_range_st")
    assert "pitch range about the same" in trend.message and "0.0 st" in trend.message
    assert history.trend("pitch_range_st", [3.0, 7.0]).message == \
        "pitch range up 4.0 semitones since your first session (3.0 st → 7.0 st)"
    a, b = sessions[0]["answers"][0], sessions[1]["answers"][0]
    b["feedback"]["delivery"]["pitch"]["range_st"] = 5.5
    row = next(r for r in compare.compare_rows(a, b) if r[0] == "pitch range")
    assert row[1:] == ("0.0 st", "5.5 st", "+5.5")

    # Three measured answers: the analysis judges the next one against them.
    assert history.delivery_baseline(sessions[:2]) is None
    assert history.delivery_baseline(sessions) == {"baseline_range_st": 0.0, "baseline_level_dbfs": -17.0}
    args = types.SimpleNamespace(config=None)
    cfg = user_config(args, Store(home())).analysis.delivery
    assert cfg.baseline_level_dbfs == -17.0


def test_history_shows_the_pitch_range_trend(capsys):
    for n in range(1, 3):
        make_session(home(), f"2026010{n}-100000-h")
    assert main(["history"]) == 0
    assert "pitch range" in capsys.readouterr().out


def test_markdown_report_has_the_voice_line(capsys):
    make_session(home(), "20260101-100000-md")
    assert main(["report", "latest", "--markdown", "-"]) == 0
    assert "voice: pitch 180 Hz" in capsys.readouterr().out
