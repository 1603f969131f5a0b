"""`voice-mock batch` as a user runs it, with the real model: six bundled samples and a corrupt
file give seven rows and exit 1; a re-run does no work; a killed batch leaves no half-written
result; `--engine ray` (a local Ray with 2 CPUs) gives the same rows; Ray listens on loopback only."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, SAMPLES, run_cli

# The six shortest samples (13-18 s each), so the test stays quick.
SHORT = ["hard-like-verb", "hard-fillers-first", "hard-silence-end", "hard-quiet", "hard-fast", "hard-restart"]


@pytest.fixture
def folder(tmp_path):
    answers = tmp_path / "answers"
    answers.mkdir()
    for name in SHORT:
        (answers / f"{name}.flac").write_bytes((SAMPLES / f"{name}.flac").read_bytes())
    (answers / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(3000))
    return answers


def rows_of(out):
    with open(out / "summary.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def snapshot(out):
    return {p.relative_to(out): (p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / "results").rglob("*")}


@pytest.mark.model
def test_folder_with_a_corrupt_file_then_a_rerun_that_does_no_work(tmp_path, folder):
    out = tmp_path / "out"
    first = run_cli("batch", folder, "--question", "conflict", "--out", out, "--jobs", "2")
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr
    rows = rows_of(out)
    assert len(rows) == 7
    by_name = {os.path.basename(r["file"]): r for r in rows}
    assert "not a readable audio file" in by_name["corrupt.wav"]["status"]
    for name in SHORT:
        row = by_name[f"{name}.flac"]
        truth = json.loads((SAMPLES / f"{name}.json").read_text())
        assert row["status"] == "ok"
        assert abs(float(row["duration_s"]) - truth["duration_s"]) < 0.05
        assert 0 < float(row["words_per_minute"]) < 300 and row["score_overall"]
        feedback = json.loads((out / row["feedback"]).read_text())
        assert feedback["scores"]["overall"] == int(row["score_overall"])
        assert (out / row["report"]).is_file()
    index = (out / "index.html").read_text()
    assert all(f"{name}.flac" in index for name in SHORT) and "corrupt.wav" in index

    before = snapshot(out)
    again = run_cli("batch", folder, "--question", "conflict", "--out", out, "--jobs", "2")
    assert again.returncode == 1
    assert "7 files already scored" in again.stderr and "Scoring" not in again.stderr
    assert snapshot(out) == before  # nothing rewritten
    assert rows_of(out) == rows


@pytest.mark.model
def test_a_killed_batch_leaves_no_half_written_result(tmp_path, folder):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "voice_mock", "batch", str(folder), "--question", "conflict", "--out", str(out),
           "--jobs", "1"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            done = [p for p in (out / "results").glob("*") if not p.name.startswith(".")] if (out / "results").is_dir() else []
            if len(done) >= 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the batch ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, mid-batch
    finally:
        proc.wait()
    finished = [p for p in (out / "results").iterdir() if not p.name.startswith(".")]
    assert 2 <= len(finished) < 7
    for result in finished:
        data = json.loads((result / "result.json").read_text())
        if data["status"] == "ok":
            for name in ("feedback.json", "transcript.json"):
                json.loads((result / name).read_text())  # whole, parseable
    rerun = run_cli("batch", folder, "--question", "conflict", "--out", out, "--jobs", "1")
    assert rerun.returncode == 1, rerun.stderr
    assert f"{len(finished)} files already scored" in rerun.stderr
    assert len(rows_of(out)) == 7 and sum(r["status"] == "ok" for r in rows_of(out)) == 6
    assert not any(p.name.startswith(".") for p in (out / "results").iterdir())


def _ray():
    try:
        import ray  # noqa: F401
    except ImportError:
        pytest.fail("Ray is not installed: scripts/setup.sh --test installs the 'cluster' extra")


@pytest.mark.model
def test_ray_engine_gives_the_same_rows(tmp_path, folder):
    _ray()
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    first = run_cli("batch", folder, "--question", "conflict", "--out", local, "--jobs", "2")
    assert first.returncode == 1, first.stderr
    result = run_cli("batch", folder, "--question", "conflict", "--out", on_ray, "--engine", "ray")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "a local Ray with" in result.stderr
    assert rows_of(on_ray) == rows_of(local)
    workers = {json.loads(p.read_text())["worker"] for p in (on_ray / "results").glob("*/result.json")}
    assert len(workers) == 2  # two actors, each loading the model once


LISTENERS = r"""
import json, sys
def listening():
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(name).read().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found.add(fields[1])
    return found
from voice_mock.batch.ray_engine import RayEngine, import_ray
ray = import_ray(local=True)
before = listening()
engine = RayEngine(None, None, 1, cpus=2, model=None)
engine._start(ray)
try:
    new = listening() - before
    print(json.dumps({"new": sorted(new), "node_ip": ray.util.get_node_ip_address()}))
finally:
    ray.shutdown()
"""
LOOPBACK = ("0100007F:", "00000000000000000000000001000000:", "0000000000000000FFFF00000100007F:")


def test_local_ray_listens_on_loopback_only():
    """Every server a local Ray starts listens on 127.0.0.1 (as /proc/net/tcp shows it), never on
    all interfaces or the machine's address."""
    _ray()
    result = subprocess.run([sys.executable, "-c", LISTENERS], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["new"], "Ray started no server?"
    assert [a for a in found["new"] if not a.startswith(LOOPBACK)] == []
    assert found["node_ip"] == "127.0.0.1"
