"""Batch scoring without the speech model: inputs, result keys and atomic folders, resuming,
failures as rows, the summary and the overview. The engine here runs the real task function
(decoding, voice activity, analysis) in this process with a stand-in transcriber."""

import csv
import io
import json

import numpy as np
import pytest

from voice_mock.audio.formats import write_wav
from voice_mock.banks import find_question, load_banks
from voice_mock.batch.inputs import collect_jobs
from voice_mock.batch.outputs import index_html, summary_csv
from voice_mock.batch.results import PARTIAL_PREFIX, RESULT_FILE, ResultStore
from voice_mock.batch.runner import run_batch
from voice_mock.batch.task import model_fingerprint, score
from voice_mock.errors import UsageError, VoiceMockError
from voice_mock.types import Word

BANKS = load_banks()


class StandInTranscriber:
    """Words spread over the first seconds of any clip: enough for the analysis to run."""

    name = "stand-in"

    def transcribe(self, audio):
        text = "I listened to both designers and we agreed on a plan to ship it together".split()
        return [Word(w, 0.4 + 0.5 * i, 0.7 + 0.5 * i) for i, w in enumerate(text)]


class InProcessEngine:
    def __init__(self, stop_after=None, errors_for=()):
        self.scored, self.stop_after, self.errors_for = [], stop_after, set(errors_for)

    def describe(self):
        return "in this process"

    def run(self, payloads, on_result):
        for payload in payloads:
            if self.stop_after is not None and len(self.scored) >= self.stop_after:
                raise KeyboardInterrupt
            self.scored.append(payload.label)
            if any(payload.label.endswith(name) for name in self.errors_for):
                on_result(payload, {"key": payload.key, "status": "error", "error": "the worker died"})
            else:
                on_result(payload, score(payload, StandInTranscriber()))


class Quiet:
    def __init__(self):
        self.rows = []

    def start(self, total, done_before, engine):
        self.total, self.done_before = total, done_before

    def advance(self, row, audio_s):
        self.rows.append(row)

    def stop(self):
        pass


@pytest.fixture
def answers(tmp_path, espeak_speech):
    """Three real (espeak) answers, each different, and a file that is not audio."""
    folder = tmp_path / "answers"
    folder.mkdir()
    for i, name in enumerate(["a.wav", "b.wav", "c.flac"]):
        gap = np.zeros(8000, np.float32)
        audio = np.concatenate([np.zeros(1600 * (i + 1), np.float32), espeak_speech, gap, espeak_speech, gap, espeak_speech])
        if name.endswith(".flac"):
            import soundfile
            soundfile.write(folder / name, audio, 16000)
        else:
            write_wav(folder / name, audio)
    (folder / "broken.wav").write_bytes(b"RIFF....WAVEfmt " + bytes(200))
    return folder


def batch(inputs, out, engine=None, question="conflict", company=None):
    from voice_mock.banks import find_company, load_companies

    companies = load_companies()
    engine = engine or InProcessEngine()
    report = run_batch(collect_jobs([str(i) for i in inputs], question, company), out,
                       find_question=lambda q: find_question(BANKS, q),
                       find_company=lambda c: find_company(companies, c),
                       model=model_fingerprint(None), config=None, engine=engine, progress=Quiet())
    return report, engine


def read_summary(out):
    with open(out / "summary.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def result_files(out):
    return {p: p.stat().st_mtime_ns for p in (out / "results").rglob("*") if p.is_file()}


# -- inputs -------------------------------------------------------------------

def test_folders_are_searched_and_csv_rows_bring_their_own_question(tmp_path, answers):
    (answers / "sub").mkdir()
    (answers / "sub" / "d.MP3").write_bytes(b"x")
    (answers / ".hidden.wav").write_bytes(b"x")
    (answers / "notes.txt").write_text("not audio")
    listing = tmp_path / "list.csv"
    listing.write_text("file,question,company\n# a comment\nanswers/a.wav,leadership,hospital\nanswers/b.wav,,\n")
    jobs = collect_jobs([str(answers), str(listing)], "conflict", None)
    names = [(j.path.name, j.question_id, j.company_id) for j in jobs]
    assert names[:5] == [("a.wav", "conflict", None), ("b.wav", "conflict", None), ("broken.wav", "conflict", None),
                         ("c.flac", "conflict", None), ("d.MP3", "conflict", None)]
    # From the CSV: paths relative to it; a blank question takes --question; b.wav is already listed.
    assert names[5:] == [("a.wav", "leadership", "hospital")]
    assert jobs[5].path == answers / "a.wav"


def test_csv_without_header_and_bad_lists(tmp_path, answers):
    good = tmp_path / "plain.csv"
    good.write_text(f"{answers / 'a.wav'},why-leaving\n\n")
    assert [(j.path.name, j.question_id) for j in collect_jobs([str(good)])] == [("a.wav", "why-leaving")]
    bad = tmp_path / "bad.csv"
    bad.write_text("file,question,grade\na.wav,conflict,A\n")
    with pytest.raises(UsageError, match="unknown CSV column 'grade'"):
        collect_jobs([str(bad)])
    with pytest.raises(UsageError, match="no such file or folder"):
        collect_jobs([str(tmp_path / "typo")], "conflict")
    with pytest.raises(UsageError, match="--question"):
        collect_jobs([str(answers)])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no audio files"):
        collect_jobs([str(tmp_path / "empty")], "conflict")


# -- a batch ------------------------------------------------------------------

def test_a_failing_file_is_a_row_and_the_rest_are_scored(tmp_path, answers):
    out = tmp_path / "out"
    report, engine = batch([answers], out)
    rows = read_summary(out)
    assert [r["file"].split("/")[-1] for r in rows] == ["a.wav", "b.wav", "broken.wav", "c.flac"]
    assert report.failed == 1
    broken = rows[2]
    assert "not a readable audio file" in broken["status"] and broken["feedback"] == ""
    for row in rows[:2] + rows[3:]:
        assert row["status"] == "ok"
        assert float(row["duration_s"]) > 1 and float(row["words_per_minute"]) > 0
        assert row["score_overall"] != "" and int(row["talking_points_judged"]) > 0
        feedback = json.loads((out / row["feedback"]).read_text())
        assert feedback["schema_version"] == 1 and feedback["words"]
        folder = (out / row["feedback"]).parent
        assert json.loads((folder / "transcript.json").read_text())["speech"]
        assert "listened" in (folder / "transcript.txt").read_text()
        assert "listened" in (out / row["report"]).read_text()
    index = (out / "index.html").read_text()
    assert index.count("<tr") == 5 and 'href=\'results/' in index


def test_a_rerun_does_no_work_and_touches_no_result(tmp_path, answers):
    out = tmp_path / "out"
    batch([answers], out)
    before, rows = result_files(out), read_summary(out)
    report, engine = batch([answers], out)
    assert engine.scored == [] and report.skipped == 4
    assert result_files(out) == before
    assert read_summary(out) == rows


def test_results_are_keyed_by_content_and_settings(tmp_path, answers):
    out = tmp_path / "out"
    batch([answers], out)
    _, engine = batch([answers], out, question="leadership")
    assert len(engine.scored) == 4  # another question: everything again
    _, engine = batch([answers], out, company="hospital")
    assert len(engine.scored) == 4
    (answers / "b.wav").write_bytes((answers / "a.wav").read_bytes() + bytes(3200))  # new content
    _, engine = batch([answers], out)
    assert [s.split("/")[-1] for s in engine.scored] == ["b.wav"]


def test_same_content_twice_is_scored_once(tmp_path, answers):
    (answers / "copy.wav").write_bytes((answers / "a.wav").read_bytes())
    out = tmp_path / "out"
    _, engine = batch([answers / "a.wav", answers / "copy.wav"], out)
    assert len(engine.scored) == 1
    rows = read_summary(out)
    assert [r["status"] for r in rows] == ["ok", "ok"] and rows[0]["score_overall"] == rows[1]["score_overall"]


def test_an_interrupted_batch_keeps_whole_results_only_and_resumes(tmp_path, answers):
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        batch([answers], out, engine=InProcessEngine(stop_after=2))
    folders = [p for p in (out / "results").iterdir()]
    assert len(folders) == 2 and all((p / RESULT_FILE).is_file() for p in folders)
    rows = read_summary(out)
    assert [r["status"] for r in rows].count("not scored (interrupted)") == 2
    _, engine = batch([answers], out)
    assert len(engine.scored) == 2
    assert [r["status"] == "ok" for r in read_summary(out)] == [True, True, False, True]


def test_a_torn_result_or_a_partial_folder_is_redone(tmp_path, answers):
    out = tmp_path / "out"
    batch([answers], out)
    row = read_summary(out)[0]
    (out / row["feedback"]).parent.joinpath(RESULT_FILE).unlink()  # as if killed mid-write
    (out / "results" / f"{PARTIAL_PREFIX}x-123").mkdir()
    _, engine = batch([answers], out)
    assert [s.split("/")[-1] for s in engine.scored] == ["a.wav"]
    assert not any(p.name.startswith(PARTIAL_PREFIX) for p in (out / "results").iterdir())
    assert read_summary(out)[0]["status"] == "ok"


def test_worker_errors_are_not_kept_so_a_rerun_retries_them(tmp_path, answers):
    out = tmp_path / "out"
    report, _ = batch([answers], out, engine=InProcessEngine(errors_for={"b.wav"}))
    assert report.retry_later and read_summary(out)[1]["status"] == "the worker died"
    _, engine = batch([answers], out)
    assert [s.split("/")[-1] for s in engine.scored] == ["b.wav"]


def test_unknown_question_in_a_csv_row_fails_that_row_only(tmp_path, answers):
    listing = tmp_path / "list.csv"
    listing.write_text("file,question\nanswers/a.wav,no-such-question\nanswers/b.wav,conflict\n")
    out = tmp_path / "out"
    report, engine = batch([listing], out, question=None)
    rows = read_summary(out)
    assert "no-such-question" in rows[0]["status"] and rows[1]["status"] == "ok"
    assert len(engine.scored) == 1


def test_one_batch_at_a_time_per_output_folder(tmp_path, answers):
    import fcntl
    import os

    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / ".lock", os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(VoiceMockError, match="another batch"):
            batch([answers], out)
    finally:
        os.close(fd)


# -- outputs ------------------------------------------------------------------

def test_summary_cells_cannot_run_as_spreadsheet_formulas():
    text = summary_csv([{"file": "=HYPERLINK(\"x\")", "status": "-bad", "duration_s": 1.5}])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["file"] == "'=HYPERLINK(\"x\")" and row["status"] == "'-bad" and row["duration_s"] == "1.5"


def test_overview_escapes_file_names_and_messages():
    page = index_html([{"file": "<img src=x onerror=alert(1)>.wav", "status": "<b>bad</b>"},
                       {"file": "ok'.wav", "status": "ok", "score_overall": 70, "report": "results/o'k/report.html"}])
    assert "<img src=x" not in page and "<b>bad" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.wav" in page
    assert "href='results/o&#x27;k/report.html'" in page


def test_result_folder_is_replaced_whole(tmp_path):
    store = ResultStore(tmp_path)
    folder = store.folder("x.wav", "ab" * 32)
    store.write(folder, {"feedback.json": "{}"}, {"key": "ab" * 32, "status": "ok"})
    store.write(folder, {"feedback.json": "{\"new\": 1}"}, {"key": "ab" * 32, "status": "ok"})
    assert json.loads((folder / "feedback.json").read_text()) == {"new": 1}
    assert store.load(folder, "ab" * 32)["status"] == "ok"
    assert store.load(folder, "cd" * 32) is None  # other settings: not this result
    assert sorted(p.name for p in store.root.iterdir()) == [folder.name]


# -- the command's bad input: one line, before any work --------------------------

@pytest.mark.parametrize("extra,code,needle", [
    (["--jobs", "0"], 2, "--jobs must be at least 1"),
    (["--ray-address", "127.0.0.1:1"], 2, "--ray-address needs --engine ray"),
    (["--question", "no-such-question"], 2, "no-such-question"),
    (["--company", "no-such-company"], 2, "no-such-company"),
])
def test_batch_bad_options_give_one_line(tmp_path, answers, extra, code, needle):
    from conftest import run_cli

    args = ["batch", answers, "--out", tmp_path / "out", *extra]
    if "--question" not in extra:
        args += ["--question", "conflict"]
    result = run_cli(*args)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and needle in result.stderr
    assert not (tmp_path / "out" / "results").exists()


def test_batch_missing_input_and_missing_ray(tmp_path, answers):
    from conftest import run_cli

    result = run_cli("batch", tmp_path / "typo", "--question", "conflict", "--out", tmp_path / "out")
    assert result.returncode == 2 and "typo: no such file or folder" in result.stderr
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "ray.py").write_text("raise ImportError('no ray in this environment')\n")
    result = run_cli("batch", answers, "--question", "conflict", "--out", tmp_path / "out", "--engine", "ray",
                     env={"PYTHONPATH": str(shim)})
    assert result.returncode == 2 and "pip install 'voice-mock[cluster]'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_local_ray_keeps_its_files_in_the_data_dir_or_says_why_it_cannot(tmp_path, monkeypatch):
    """Ray's own folder (default /tmp/ray) goes under the data dir; a data dir too long for Ray's
    socket paths (107 bytes) is one line saying what to do; RAY_TMPDIR is the user's choice."""
    from voice_mock.batch.ray_engine import RAY_ADDS, SOCKET_PATH_MAX, local_temp_dir

    monkeypatch.delenv("RAY_TMPDIR", raising=False)
    assert local_temp_dir(tmp_path / ".." / "data") == (tmp_path.parent / "data" / "ray")  # absolute, as Ray wants
    fits = "/" + "d" * (SOCKET_PATH_MAX - RAY_ADDS - len("/ray") - 1)
    assert len(str(local_temp_dir(fits))) + RAY_ADDS == SOCKET_PATH_MAX
    with pytest.raises(UsageError, match=r"too long for them \(44 characters, at most 43\).*--data-dir.*RAY_TMPDIR"):
        local_temp_dir(fits + "d")
    monkeypatch.setenv("RAY_TMPDIR", "/somewhere/short")
    assert local_temp_dir(fits + "d") is None  # Ray then uses RAY_TMPDIR/ray


def test_batch_on_ray_with_a_data_dir_too_long_for_ray_stops_before_any_work(tmp_path, answers):
    from conftest import run_cli

    pytest.importorskip("ray")
    long_home = tmp_path / ("x" * 60)
    result = run_cli("batch", answers, "--question", "conflict", "--out", tmp_path / "out", "--engine", "ray",
                     "--data-dir", long_home, env={"RAY_TMPDIR": ""})
    assert result.returncode == 2, result.stderr
    assert "too long for them" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() and not (long_home / "ray").exists()


def test_the_longest_answers_are_sent_first_by_length_not_bytes(tmp_path, espeak_speech):
    """A short 48 kHz stereo WAV has more bytes than a long 16 kHz FLAC: the FLAC goes first (a
    long answer started last finishes alone while the other workers idle)."""
    import soundfile

    folder = tmp_path / "mixed"
    folder.mkdir()
    long_flac = np.concatenate([espeak_speech] * 6)
    soundfile.write(folder / "long.flac", long_flac, 16000)
    short = np.repeat(espeak_speech, 3)  # the same speech at 48 kHz, stereo 16-bit
    soundfile.write(folder / "short-big.wav", np.stack([short, short], axis=1), 48000, subtype="PCM_16")
    soundfile.write(folder / "medium.wav", np.concatenate([espeak_speech] * 3), 16000, subtype="PCM_16")
    assert (folder / "short-big.wav").stat().st_size > (folder / "long.flac").stat().st_size
    _, engine = batch([folder], tmp_path / "out")
    assert [label.rsplit("/", 1)[-1] for label in engine.scored] == ["long.flac", "medium.wav", "short-big.wav"]
