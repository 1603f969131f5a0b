"""Fault cases on saved sessions: bad types in session.json or feedback.json,
paths that lead out of the data dir, a full disk during `replay --reanalyze`,
and an answer interrupted before it was analysed."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from conftest import SAMPLES, run_cli
from faults import one_line_error, small_tmpfs
from test_review import make_session


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def cli(home: Path, *args, **kw):
    return run_cli(*args, env={"VOICE_MOCK_HOME": str(home)}, **kw)


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- bad types


def test_fault_feedback_json_with_wrong_types_does_not_break_history(home):
    make_session(home, "20260101-100000-good")
    bad = make_session(home, "20260102-100000-bad")
    edit_json(bad / "q01-career-aspirations" / "feedback.json", lambda d: d.update(pacing="fast", scores=[1, 2]))
    result = cli(home, "history")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "20260101-100000-good" in result.stdout
    assert "20260102-100000-bad" in result.stdout + result.stderr
    assert "feedback.json" in result.stdout + result.stderr
    for command in (["replay", bad.name], ["report", bad.name, "--markdown", "-"], ["compare", f"{bad.name}:1", "20260101-100000-good:1"]):
        run = cli(home, *command)
        assert "Traceback" not in run.stderr and "Error:" not in run.stderr, (command, run.stderr)


def test_fault_session_json_index_not_a_number(home):
    path = make_session(home, "20260101-100000-s")
    edit_json(path / "session.json", lambda d: d["answers"][0].update(index="one"))
    before = files_under(path)
    one_line_error(cli(home, "replay", path.name, "--reanalyze"), 1, "session.json", "index")
    assert files_under(path) == before  # nothing half-written


def test_fault_session_json_null_question_id(home):
    path = make_session(home, "20260101-100000-s")
    edit_json(path / "session.json", lambda d: d["answers"][0].update(question_id=None))
    one_line_error(cli(home, "practice", "--retry", path.name, "--voice", "none"), 1, "session.json", "question_id")
    result = cli(home, "history")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "question_id" in result.stdout + result.stderr


def test_fault_session_json_answers_not_a_list(home):
    path = make_session(home, "20260101-100000-s")
    edit_json(path / "session.json", lambda d: d.update(answers={"1": "x"}))
    one_line_error(cli(home, "replay", path.name), 1, "session.json", "answers")


# ---------------------------------------------------------------- out of the data dir


def test_fault_session_folder_symlinked_outside_the_data_dir(home, tmp_path):
    elsewhere = make_session(tmp_path / "other", "20260101-100000-s")
    (home / "sessions").mkdir(parents=True)
    (home / "sessions" / "20260101-100000-s").symlink_to(elsewhere)
    before = files_under(elsewhere)
    for args in (["report", "20260101-100000-s"], ["report", "latest"], ["replay", "latest", "--reanalyze"]):
        one_line_error(cli(home, *args), 1, "outside the data dir")
    history = cli(home, "history")
    assert history.returncode == 0 and "outside the data dir" in history.stdout, history.stdout + history.stderr
    assert files_under(elsewhere) == before


@pytest.mark.parametrize("kind", ["dotdot", "absolute"])
def test_fault_answer_folder_outside_the_session(home, tmp_path, kind):
    path = make_session(home, "20260101-100000-s")
    # Not a fixed /tmp path: runs of the suite side by side (worktrees) emptied each other's folder.
    folder = "../../x" if kind == "dotdot" else str(tmp_path / "elsewhere" / "x")
    target = (path / folder).resolve()
    target.mkdir(parents=True, exist_ok=True)
    for name in ("transcript.json", "feedback.json", "answer.wav"):
        (target / name).write_bytes((path / "q01-career-aspirations" / name).read_bytes())
    edit_json(path / "session.json", lambda d: d["answers"][0].update(folder=folder))
    before = files_under(target)
    one_line_error(cli(home, "replay", path.name, "--reanalyze"), 1, "outside")
    one_line_error(cli(home, "report", path.name), 1, "outside")
    assert before and files_under(target) == before


# ---------------------------------------------------------------- full disk


@pytest.fixture
def small_disk(tmp_path):
    with small_tmpfs(tmp_path / "disk", "2m") as mount:
        yield mount


def fill(disk: Path) -> None:
    """Leave no free byte on the disk."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_fault_reanalyze_on_a_full_disk_keeps_the_old_feedback(small_disk):
    home = small_disk / "home"
    path = make_session(home, "20260101-100000-s")
    feedback = path / "q01-career-aspirations" / "feedback.json"
    edit_json(feedback, lambda d: d["scores"].update(overall=1))  # so a re-analysis would change it
    old = feedback.read_bytes()
    fill(small_disk)
    result = cli(home, "replay", path.name, "--reanalyze")
    one_line_error(result, 1, "disk is full")
    assert feedback.read_bytes() == old
    assert [p.name for p in home.rglob("*") if p.name.endswith(".tmp")] == []


def test_fault_report_on_a_full_disk_leaves_no_temp_files(small_disk):
    home = small_disk / "home"
    path = make_session(home, "20260101-100000-s")
    fill(small_disk)
    one_line_error(cli(home, "report", path.name), 1, "disk is full")
    one_line_error(cli(home, "report", path.name, "--markdown", small_disk / "s.md"), 1, "disk is full")
    assert [p.name for p in small_disk.rglob("*") if p.name.endswith(".tmp") or p.name.endswith(".md")] == []


# ---------------------------------------------------------------- interrupted answers


def interrupted_session(home: Path, state: str = "recording") -> Path:
    """A session whose only answer was cut off: answer.wav on disk, nothing else."""
    path = make_session(home, "20260101-100000-s")
    folder = path / "q01-career-aspirations"
    (folder / "transcript.json").unlink()
    (folder / "feedback.json").unlink()
    audio, rate = sf.read(SAMPLES / "career-aspirations.flac", dtype="float32")
    sf.write(folder / "answer.wav", audio[: rate * 12], rate, subtype="PCM_16")
    edit_json(path / "session.json", lambda d: (d["answers"][0].pop("scores"), d["answers"][0].pop("duration_s"),
                                               d["answers"][0].update(state=state, end_reason="interrupted"),
                                               d.update(finished=False)))
    return path


def test_fault_interrupted_answer_shown_by_replay_and_history(home):
    path = interrupted_session(home)
    replay = cli(home, "replay", path.name)
    assert replay.returncode == 0, replay.stderr
    assert "interrupted" in replay.stdout.lower() and "--reanalyze" in replay.stdout
    history = cli(home, "history")
    assert history.returncode == 0, history.stderr
    assert path.name in history.stdout
    assert "interrupted" in (history.stdout + history.stderr).lower()
    assert "--reanalyze" in history.stdout + history.stderr
    compare = cli(home, "compare", f"{path.name}:1", f"{path.name}:1")
    assert compare.returncode == 1 and "interrupted" in compare.stderr and "--reanalyze" in compare.stderr


@pytest.mark.model
def test_fault_interrupted_answer_can_be_reanalyzed(home):
    path = interrupted_session(home)
    # The user's thresholds apply to a first analysis from the audio too: under 300 wpm is "slow" here.
    (home / "config.toml").write_text("[pacing]\nslow_wpm = 300\ntarget_low_wpm = 310\n"
                                      "target_high_wpm = 320\nfast_wpm = 330\n")
    result = cli(home, "replay", path.name, "--reanalyze")
    assert result.returncode == 0, result.stderr
    folder = path / "q01-career-aspirations"
    assert json.loads((folder / "transcript.json").read_text())["words"]
    feedback = json.loads((folder / "feedback.json").read_text())
    assert 60 < feedback["pacing"]["words_per_minute"] < 300 and feedback["pacing"]["band"] == "slow"
    entry = json.loads((path / "session.json").read_text())["answers"][0]
    assert entry["state"] == "analysed" and entry["scores"] == feedback["scores"]
    assert 11.0 < entry["duration_s"] < 13.0


@pytest.mark.model
def test_fault_reanalysis_of_a_session_whose_model_is_gone_says_so_and_uses_the_default(home):
    path = interrupted_session(home)
    edit_json(path / "session.json", lambda d: d.update(model="no-such-model"))
    result = cli(home, "replay", path.name, "--reanalyze")
    assert result.returncode == 0, result.stderr
    said = " ".join((result.stdout + result.stderr).split())
    assert "recorded with the model 'no-such-model'" in said and "transcribing with tiny.en" in said
    assert json.loads((path / "q01-career-aspirations" / "transcript.json").read_text())["words"]
