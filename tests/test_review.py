"""replay --reanalyze, history, compare, report exports and retry, on
sessions built here from synthetic words (the analysis is pure and fast)."""

import json
import os
from pathlib import Path

import numpy as np
import soundfile as sf

from voice_mock.review import compare, export, history, report_html
from voice_mock.analysis import analyze
from voice_mock.banks import load_banks
from voice_mock.cli.main import main
from voice_mock.review.history import load_all, load_checked
from voice_mock.cli.interview import retry_questions
from voice_mock.cli.replay import follow_words
from voice_mock.review.session import Store, write_json_atomic
from voice_mock.types import Interval, Word

QUESTION_ID = "career-aspirations"
GOOD = ("In five years I want to grow into a team lead role and mentor other engineers . "
        "My long term aspiration is to become a thought leader in data engineering .")


def make_words(text: str, fillers: int = 0, start: float = 1.0, step: float = 0.4) -> list[Word]:
    """Words every `step` s; `fillers` "um"s spread through; a 1.5 s pause half way."""
    tokens = text.split()
    for i in range(fillers):
        tokens.insert((i + 1) * len(tokens) // (fillers + 1), "um,")
    words, t = [], start
    for i, tok in enumerate(tokens):
        if i == len(tokens) // 2:
            t += 1.5
        words.append(Word(tok, round(t, 2), round(t + step * 0.8, 2), 0.95))
        t += step
    return words


def speech_of(words: list[Word]) -> list[Interval]:
    """Speech where the words are, split at gaps over 0.3 s."""
    spans = []
    for w in words:
        if spans and w.start - spans[-1][1] <= 0.3:
            spans[-1][1] = w.end
        else:
            spans.append([w.start, w.end])
    return [Interval(s, e) for s, e in spans]


def make_session(home: Path, sid: str, answers=None, company=None) -> Path:
    """A session folder as `practice` writes it. answers: [(question_id, question text, words)]."""
    from voice_mock.banks import find_question
    from voice_mock.speech.prosody import pitch_track

    banks = load_banks()
    answers = answers or [(QUESTION_ID, None, make_words(GOOD))]
    path = home / "sessions" / sid
    path.mkdir(parents=True)
    entries = []
    for i, (qid, text, words) in enumerate(answers, start=1):
        try:
            question = find_question(banks, qid)
        except Exception:
            question = None
        folder = path / f"q{i:02d}-{qid}"
        folder.mkdir()
        duration = (words[-1].end if words else 0) + 1.0
        speech = speech_of(words)
        # Audible where the words are, so the timeline and the player have something real.
        rate = 16000
        audio = np.zeros(int(duration * rate), dtype=np.float32)
        for s in speech:
            n = np.arange(int(s.start * rate), int(s.end * rate))
            audio[n] = 0.2 * np.sin(2 * np.pi * 180 * n / rate)
        sf.write(folder / "answer.wav", audio, rate, subtype="PCM_16")
        prosody = pitch_track(audio, rate, speech)  # as practice measures and saves it
        fb = analyze(words, speech, duration, question=question, response_latency_s=1.0, prosody=prosody).to_dict()
        transcript = {"schema_version": 1, "duration_s": duration,
                      "words": [{"text": w.text, "start": w.start, "end": w.end, "probability": w.probability} for w in words],
                      "speech": [{"start": s.start, "end": s.end} for s in speech], "prosody": prosody.to_dict()}
        write_json_atomic(folder / "transcript.json", transcript)
        write_json_atomic(folder / "feedback.json", fb)
        entries.append({"index": i, "question_id": qid, "question": text or (question.text if question else qid),
                        "bank": question.bank if question else "", "folder": folder.name, "skipped": False,
                        "end_reason": "finished", "duration_s": duration, "scores": fb["scores"]})
    write_json_atomic(path / "session.json", {
        "schema_version": 1, "started": "2026-01-01T10:00:00+0000", "finished": True, "mode": "practice",
        "bank": "aspirations", "company": company, "model": "test", "voice": "none", "settings": {},
        "versions": {"voice_mock": "test"}, "answers": entries})
    return path


def home() -> Path:
    return Path(os.environ["VOICE_MOCK_HOME"])


# ---------------------------------------------------------------- history


def test_latest_and_history_order_sessions_of_one_second_by_their_number():
    names = ["20260101-100000-practice", "20260101-100000-practice-9", "20260101-100000-practice-10",
             "20260101-095959-practice-12"]
    for name in names:
        make_session(home(), name)
    store = Store(home())
    expected = [names[3], names[0], names[1], names[2]]
    assert [p.name for p in store.list_sessions()] == expected
    assert store.resolve("latest").name == "20260101-100000-practice-10"
    sessions, problems = load_all(store)
    assert problems == [] and [s["path"].name for s in sessions] == expected


def test_sessions_of_one_second_order_by_when_they_really_started():
    """Two labels started in the same second ('practice' at .1 s, then 'demo' at .7 s): by the start time
    session.json records, not by label ('demo' sorts first); sessions without it keep their name order."""
    import shutil
    import time
    from types import SimpleNamespace

    from voice_mock.audio.endpoint import EndpointSettings
    from voice_mock.interview.session_file import SessionFile

    ctx = SimpleNamespace(session_dir=home(), mode="practice", bank="b", company=None, voice=None,
                          transcriber=SimpleNamespace(name="tiny.en"),
                          settings=SimpleNamespace(endpoint=EndpointSettings()))
    before = time.time()
    written = SessionFile(ctx, started="2026-01-01T10:00:00+0000").meta["started_unix"]
    assert before - 1e-6 <= written <= time.time() + 1e-6  # the real start, to the microsecond

    starts = {"20260101-100000-practice": 1767261600.1, "20260101-100000-demo": 1767261600.7,
              "20260101-100000-mock-2": 1767261600.4, "20260101-095959-zz": None, "20260101-100001-aa": None}
    for name, started in starts.items():
        path = make_session(home(), name)
        if started is not None:
            meta = json.loads((path / "session.json").read_text())
            (path / "session.json").write_text(json.dumps(dict(meta, started_unix=started)))
    expected = ["20260101-095959-zz", "20260101-100000-practice", "20260101-100000-mock-2", "20260101-100000-demo",
                "20260101-100001-aa"]
    store = Store(home())
    assert [p.name for p in store.list_sessions()] == expected
    shutil.rmtree(home() / "sessions" / "20260101-100001-aa")
    assert store.resolve("latest").name == "20260101-100000-demo"
    sessions, problems = load_all(store)
    assert problems == [] and [s["path"].name for s in sessions] == expected[:-1]


def test_history_measures_and_baseline_message(capsys):
    for n, fillers in enumerate([6, 6, 6, 2], start=1):
        make_session(home(), f"2026010{n}-100000-practice", [(QUESTION_ID, None, make_words(GOOD, fillers))])
    sessions, problems = load_all(Store(home()))
    assert problems == [] and len(sessions) == 4
    summaries = [history.summarize(s) for s in sessions]
    assert summaries[0].measures["fillers_per_min"] > summaries[-1].measures["fillers_per_min"] > 0
    assert 100 < summaries[0].measures["wpm"] < 200
    fillers = next(t for t in history.trends(summaries) if t.measure == "fillers_per_min")
    assert fillers.baseline_n == 3
    assert "fillers per minute down" in fillers.message and "since your first three sessions" in fillers.message
    assert fillers.message.endswith(": better")

    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "20260104-100000-practice" in out and "fillers per minute down" in out
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["sessions"]) == 4 and data["skipped"] == []
    assert any(t["measure"] == "fillers_per_min" and t["change"] < -0.3 for t in data["trends"])


def test_trend_needs_two_sessions_and_says_same():
    assert "not enough sessions" in history.trend("overall", [None, 70]).message
    assert "about the same" in history.trend("overall", [70, 72]).message
    assert "up 8 points since your first session (60 → 68): better" in history.trend("overall", [60, 68]).message
    t = history.trend("wpm", [200, 200, 200, 150])
    assert "down 25%" in t.message and "closer to the 120-160 wpm target" in t.message


def test_trend_of_a_rate_that_was_zero():
    """No fillers in the first session and none now read 'fillers per minute: 0.0/min now, from 0 in your
    first session'; it is about the same. From none to some is said with its direction and verdict."""
    assert history.trend("fillers_per_min", [0.0, 0.0]).message == \
        "fillers per minute about the same as in your first session (0.0/min → 0.0/min)"
    assert history.trend("fillers_per_min", [0.0, 1.5]).message == \
        "fillers per minute up from 0.0/min in your first session to 1.5/min: worse"


def test_history_empty_data_dir(capsys):
    assert main(["history"]) == 0
    assert "No sessions yet" in capsys.readouterr().out


def test_history_reports_bad_sessions_in_one_line_and_goes_on(capsys):
    good = make_session(home(), "20260101-100000-good")
    corrupt = make_session(home(), "20260102-100000-corrupt")
    (corrupt / "session.json").write_text("{not json")
    old = make_session(home(), "20260103-100000-old")
    meta = json.loads((old / "session.json").read_text())
    meta["schema_version"] = 0
    (old / "session.json").write_text(json.dumps(meta))
    missing = make_session(home(), "20260104-100000-missing")
    (missing / "q01-career-aspirations" / "feedback.json").unlink()
    malformed = make_session(home(), "20260105-100000-malformed")
    meta = json.loads((malformed / "session.json").read_text())
    del meta["answers"][0]["folder"]
    (malformed / "session.json").write_text(json.dumps(meta))
    (home() / "sessions" / "20260106-100000-empty").mkdir()

    sessions, problems = load_all(Store(home()))
    assert [s["path"].name for s in sessions] == [good.name, missing.name]
    assert len(problems) == 5
    assert all("\n" not in p for p in problems)
    joined = "\n".join(problems)
    for text in ("corrupt JSON", "another version", "feedback.json: missing", "malformed", "no session.json"):
        assert text in joined

    assert main(["history"]) == 0
    captured = capsys.readouterr().out
    assert "20260101-100000-good" in captured
    for bad in (corrupt, old, missing, malformed):
        assert bad.name in captured
    assert main(["history", "--html", str(home() / "progress.html")]) == 0
    page = (home() / "progress.html").read_text()
    assert "<svg" in page and "corrupt JSON" in page
    # one bad session does not stop a report of it: a one-line error, not a traceback
    assert main(["report", corrupt.name]) == 1
    assert "Traceback" not in capsys.readouterr().err


# ---------------------------------------------------------------- compare


def test_compare_two_takes(capsys):
    make_session(home(), "20260101-100000-a", [(QUESTION_ID, None, make_words(GOOD, fillers=6))])
    make_session(home(), "20260102-100000-b", [(QUESTION_ID, None, make_words(GOOD, fillers=1))])
    a = load_checked(home() / "sessions" / "20260101-100000-a")[0]["answers"][0]
    b = load_checked(home() / "sessions" / "20260102-100000-b")[0]["answers"][0]
    rows = {r[0].split(" (")[0]: r for r in compare.compare_rows(a, b)}
    assert rows["fillers per minute"][3].endswith("better")
    assert "(6 vs 1)" in next(r[0] for r in compare.compare_rows(a, b) if r[0].startswith("fillers"))
    assert any(r[0].strip() == "A concrete near-term goal" for r in compare.compare_rows(a, b))

    assert main(["compare", "20260101-100000-a:1", "latest:1"]) == 0
    out = capsys.readouterr().out
    assert "fillers per minute" in out and "better" in out
    assert main(["compare", "latest:7", "latest:1"]) == 2
    assert "has no question 7" in capsys.readouterr().err
    assert main(["compare", "latest", "latest:1"]) == 2


# ---------------------------------------------------------------- replay --reanalyze


def test_reanalyze_keeps_old_feedback_and_shows_changes(capsys):
    path = make_session(home(), "20260101-100000-re", [(QUESTION_ID, None, make_words(GOOD, fillers=2))])
    folder = path / "q01-career-aspirations"
    fresh = json.loads((folder / "feedback.json").read_text())
    # Pretend an older analysis: other scores, a finding today's rules do not make.
    old = json.loads(json.dumps(fresh))
    old["scores"]["overall"] = 12
    old["findings"].append({"rule": "old.rule", "severity": "low", "message": "An old finding", "start": None, "end": None})
    write_json_atomic(folder / "feedback.json", old)

    assert main(["replay", path.name, "--reanalyze"]) == 0
    out = capsys.readouterr().out
    assert "overall score: 12 →" in out and "finding gone: An old finding" in out
    kept = list(folder.glob("feedback-*.json"))
    assert len(kept) == 1 and json.loads(kept[0].read_text()) == old
    new = json.loads((folder / "feedback.json").read_text())
    # Today's rules on the same words: the same transcript and delivery; content
    # may now also be matched by meaning (voice_mock/meaning), which the session
    # made here without the model did not do.
    assert {k: v for k, v in new.items() if k not in ("content", "scores", "findings")} == \
        {k: v for k, v in fresh.items() if k not in ("content", "scores", "findings")}
    assert all(t["method"] in ("keyword", "meaning", "") for t in new["content"]["talking_points"])
    meta = json.loads((path / "session.json").read_text())
    assert meta["answers"][0]["scores"] == new["scores"] and "reanalyzed" in meta["answers"][0]


def test_reanalyze_twice_in_one_second_keeps_every_old_feedback(capsys, monkeypatch):
    """Both re-analyses name their backup feedback-<the same second>.json: the second must not
    overwrite the first (it held the original feedback)."""
    import time

    path = make_session(home(), "20260101-100000-twice")
    folder = path / "q01-career-aspirations"
    original = json.loads((folder / "feedback.json").read_text())
    original["scores"]["overall"] = 12
    write_json_atomic(folder / "feedback.json", original)
    monkeypatch.setattr(time, "strftime", lambda fmt, *a: "20260101-100500")
    assert main(["replay", path.name, "--reanalyze"]) == 0
    first = json.loads((folder / "feedback.json").read_text())
    assert main(["replay", path.name, "--reanalyze"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "kept as feedback-20260101-100500.json" in out and "kept as feedback-20260101-100500-2.json" in out
    assert json.loads((folder / "feedback-20260101-100500.json").read_text()) == original
    assert json.loads((folder / "feedback-20260101-100500-2.json").read_text()) == first


FAST_BANDS = "[pacing]\nslow_wpm = 60\ntarget_low_wpm = 70\ntarget_high_wpm = 80\nfast_wpm = 90\n"


def test_reanalyze_uses_the_config_file_as_a_fresh_analysis_does(capsys, tmp_path):
    """The thresholds of DATA_DIR/config.toml (or --config FILE) apply to a
    re-analysis exactly as to `analyze`: the same words give the same pace verdict."""
    from voice_mock.analysis.config import AnalysisConfig
    from voice_mock.banks import find_question

    words = make_words(GOOD)  # about 135 words a minute: fine by default, fast for FAST_BANDS
    path = make_session(home(), "20260101-100000-cfg", [(QUESTION_ID, None, words)])
    folder = path / "q01-career-aspirations"
    default = json.loads((folder / "feedback.json").read_text())
    question = find_question(load_banks(), QUESTION_ID)
    configured = analyze(words, speech_of(words), (words[-1].end + 1.0), question=question,
                         response_latency_s=1.0, config=AnalysisConfig.from_dict({"pacing": {
                             "slow_wpm": 60, "target_low_wpm": 70, "target_high_wpm": 80, "fast_wpm": 90}})).to_dict()
    assert configured["scores"]["pacing"] < default["scores"]["pacing"]  # the bands do change the verdict

    (home() / "config.toml").write_text(FAST_BANDS)
    assert main(["replay", path.name, "--reanalyze"]) == 0
    new = json.loads((folder / "feedback.json").read_text())
    assert new["pacing"] == configured["pacing"] and new["scores"]["pacing"] == configured["scores"]["pacing"]
    assert "pacing score: " in capsys.readouterr().out

    # --config FILE overrides DATA_DIR/config.toml, as for `analyze` and `practice`
    (tmp_path / "defaults.toml").write_text("[pacing]\ntarget_high_wpm = 160\n")
    assert main(["replay", path.name, "--reanalyze", "--config", str(tmp_path / "defaults.toml")]) == 0
    again = json.loads((folder / "feedback.json").read_text())
    assert again["scores"]["pacing"] == default["scores"]["pacing"]


def test_reanalyze_with_a_bad_config_file_is_one_line(capsys):
    path = make_session(home(), "20260101-100000-badcfg")
    (home() / "config.toml").write_text("[pacing]\nslow_wpm = 'fast'\n")
    before = (path / "q01-career-aspirations" / "feedback.json").read_bytes()
    assert main(["replay", path.name, "--reanalyze"]) == 2
    err = capsys.readouterr().err
    assert "config.toml" in err and "slow_wpm" in err and "Traceback" not in err
    assert (path / "q01-career-aspirations" / "feedback.json").read_bytes() == before


def test_feedback_changes_none_when_equal():
    path = make_session(home(), "20260101-100000-same")
    fb = json.loads((path / "q01-career-aspirations" / "feedback.json").read_text())
    assert compare.feedback_changes(fb, fb) == []


# ---------------------------------------------------------------- exports


NASTY = "<script>alert('x')</script> & *bold* [link](http://x) `code` #tag |pipe|"


def nasty_session() -> Path:
    words = make_words(GOOD) + [Word(NASTY, 40.0, 40.5, 0.9)]
    return make_session(home(), "20260101-100000-nasty", [(QUESTION_ID, "Why <b>us</b>? & more", words)])


def test_json_and_markdown_round_trip(tmp_path):
    path = nasty_session()
    assert main(["report", path.name, "--json", str(tmp_path / "s.json"), "--markdown", str(tmp_path / "s.md")]) == 0
    data = json.loads((tmp_path / "s.json").read_text())
    session = load_checked(path)[0]
    # JSON: everything the report shows comes back equal, and reads back as a session
    assert data == json.loads(json.dumps(export.session_export(session)))
    assert data["answers"][0]["feedback"] == json.loads((path / "q01-career-aspirations" / "feedback.json").read_text())
    again = export.export_as_session(data)
    assert export.session_export(again) == data
    # Markdown: the same file from the session and from its JSON export
    md = (tmp_path / "s.md").read_text()
    assert md == export.session_markdown(again)
    assert "<script>" not in md and "\\<script\\>" in md
    transcript = md.split("### Transcript\n\n", 1)[1].strip()
    assert NASTY in export.md_unescape(transcript)
    assert export.md_unescape(export.md_escape(NASTY)) == NASTY


def test_html_escapes_everything_from_transcripts_and_banks(tmp_path):
    path = nasty_session()
    html = report_html.session_html(load_checked(path)[0])
    assert html.count("<script") == 1  # ours, at the end
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Why &lt;b&gt;us&lt;/b&gt;? &amp; more" in html
    assert "<b>us</b>" not in html


def test_report_writes_html_into_the_session_folder(capsys):
    path = make_session(home(), "20260101-100000-r")
    assert main(["report", "latest"]) == 0
    assert f"written to {path / 'report.html'}" in capsys.readouterr().out
    html = (path / "report.html").read_text()
    assert "data:audio/mpeg;base64," in html and "<svg class=tl" in html and "http://" not in html.split("<script>")[0]
    assert report_html.write_session_report(path) == path / "report.html"


def test_report_shows_progress_while_it_writes_the_html():
    """Encoding the answers' audio into the page takes about a second: a terminal sees a spinner (on
    stderr), as after `practice`; stdout keeps only the result line."""
    import subprocess
    import sys

    path = make_session(home(), "20260101-100000-rp")
    env = {**os.environ, "VOICE_MOCK_HOME": str(home()), "TTY_INTERACTIVE": "1", "TTY_COMPATIBLE": "1"}
    done = subprocess.run([sys.executable, "-m", "voice_mock", "report", path.name], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Writing the HTML report" in done.stderr
    assert done.stdout.strip() == f"HTML report written to {path / 'report.html'}"


# ---------------------------------------------------------------- retry and replay


def test_retry_questions():
    make_session(home(), "20260101-100000-retry",
                 [(QUESTION_ID, None, make_words(GOOD)), ("gone-question", "A question no bank has now?", make_words(GOOD))])
    store, banks = Store(home()), load_banks()
    qs = retry_questions(store, "latest", banks)
    assert [q.id for q in qs] == [QUESTION_ID, "gone-question"]
    assert qs[0].talking_points and qs[1].text == "A question no bank has now?"
    assert [q.id for q in retry_questions(store, "20260101-100000-retry:1", banks)] == [QUESTION_ID]


def test_follow_words_waits_for_each_word_on_the_clock():
    now = [0.0]
    seen = []
    words = [{"text": "a", "start": 0.0}, {"text": "um", "start": 1.0, "kind": "filler"}, {"text": "b", "start": 2.5}]

    def emit(text, filler):
        seen.append((text, filler, now[0]))

    def sleep(s):
        now[0] += max(s, 0.01)

    assert follow_words(words, emit, clock=lambda: now[0], sleep=sleep) == 3
    assert [(t, f) for t, f, _ in seen] == [("a", False), ("um", True), ("b", False)]
    assert seen[1][2] >= 1.0 and seen[2][2] >= 2.5 and seen[2][2] < 2.6
    # playback over: the rest at once
    seen.clear()
    now[0] = 0.0
    follow_words(words, emit, clock=lambda: now[0], sleep=sleep, done=lambda: True)
    assert len(seen) == 3 and seen[-1][2] == 0.0


def test_replay_shows_a_session(capsys):
    make_session(home(), "20260101-100000-show")
    assert main(["replay", "latest", "--question", "1"]) == 0
    assert "career aspirations" in capsys.readouterr().out.lower()
    assert main(["replay", "latest", "--question", "5"]) == 2


def test_play_answer_prints_words_as_heard_without_markup(tmp_path):
    from rich.console import Console

    from voice_mock.cli.render import ConsoleUI
    from voice_mock.cli.replay import play_answer

    path = make_session(home(), "20260101-100000-play", [(QUESTION_ID, None, make_words("[bold]odd[/] words here ok", start=0.0, step=0.05))])
    answer = load_checked(path)[0]["answers"][0]
    played = []

    class FakePlayer:
        def play(self, audio):
            played.append(len(audio))

    console = Console(file=open(tmp_path / "out.txt", "w"), width=100, force_terminal=False)
    play_answer(FakePlayer(), answer, ConsoleUI(console, live=False))
    console.file.close()
    assert played and played[0] > 16000
    assert "[bold]odd[/]" in (tmp_path / "out.txt").read_text()


def test_play_answer_raises_player_errors_in_the_caller():
    import pytest

    from voice_mock.audio.formats import AudioError
    from voice_mock.cli.render import ConsoleUI
    from voice_mock.cli.replay import play_answer

    path = make_session(home(), "20260101-100000-fail")
    answer = load_checked(path)[0]["answers"][0]

    class BrokenPlayer:
        def play(self, audio):
            raise AudioError("cannot play audio: no device")

    with pytest.raises(AudioError):
        play_answer(BrokenPlayer(), answer, ConsoleUI(live=False))


def test_terminal_counts_filled_pauses_as_the_scores_do(tmp_path):
    """The feedback's line and the session summary said 'filled pauses 2' for two fillers only listed as
    possible ([um?]), while the scores and `history` counted 0: they show the count, the possible apart."""
    from types import SimpleNamespace

    from rich.console import Console

    from voice_mock.cli.render import ConsoleUI, render_feedback

    path = make_session(home(), "20260101-100000-um", [(QUESTION_ID, None, make_words(GOOD, fillers=1))])
    fb = load_checked(path)[0]["answers"][0]["feedback"]
    hes = fb["hesitation"]
    assert hes["filled_pause_count"] == 1 and len(hes["filled_pauses"]) == 1
    possible = dict(hes["filled_pauses"][0], text="[um?]", confidence=0.45)
    hes["filled_pauses"] += [possible, possible]
    console = Console(file=open(tmp_path / "out.txt", "w"), width=200, force_terminal=False)
    render_feedback(console, fb)
    record = SimpleNamespace(index=1, question=SimpleNamespace(id=QUESTION_ID), analysis=object(), feedback=fb)
    ConsoleUI(console, live=False).summary([record], path)
    console.file.close()
    out = (tmp_path / "out.txt").read_text()
    assert "filled pauses 1 (+2 possible)" in out
    row = next(line for line in out.splitlines() if QUESTION_ID in line and "│" in line)
    assert [c.strip() for c in row.split("│")][5] == "1 +2?"
