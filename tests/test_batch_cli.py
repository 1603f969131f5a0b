"""`voice-mock batch` as a user runs it, with the real model: six bundled samples and a corrupt
file give seven rows and exit 1; a re-run does no work; a killed batch leaves no half-written
result; `--engine ray` gives the same rows, on a local Ray with 2 CPUs and with `--ray-address` on a
running cluster (`ray start --head`, 2 CPUs); a local Ray listens on loopback only."""

import contextlib
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import REPO, SAMPLES, run_cli

# The six shortest samples (13-18 s each), so the test stays quick.
SHORT = ["hard-like-verb", "hard-fillers-first", "hard-silence-end", "hard-quiet", "hard-fast", "hard-restart"]


def _answers(where):
    answers = where / "answers"
    answers.mkdir()
    for name in SHORT:
        (answers / f"{name}.flac").write_bytes((SAMPLES / f"{name}.flac").read_bytes())
    (answers / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(3000))
    return answers


@pytest.fixture
def folder(tmp_path):
    return _answers(tmp_path)


@pytest.fixture(scope="module")
def scored_locally(tmp_path_factory):
    """(folder, rows): the folder scored once by the local engine, for the Ray runs to match."""
    where = tmp_path_factory.mktemp("local")
    answers = _answers(where)
    first = run_cli("batch", answers, "--question", "conflict", "--out", where / "out", "--jobs", "2")
    assert first.returncode == 1, first.stderr
    return answers, rows_of(where / "out")


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


def _workers(out):
    return {json.loads(p.read_text())["worker"] for p in (out / "results").glob("*/result.json")}


@pytest.mark.model
def test_ray_engine_gives_the_same_rows(tmp_path, scored_locally, short_dir):
    _ray()
    folder, local_rows = scored_locally
    on_ray = tmp_path / "ray"
    result = run_cli("batch", folder, "--question", "conflict", "--out", on_ray, "--engine", "ray",
                     env={"VOICE_MOCK_HOME": str(short_dir / "data")})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "a local Ray with" in result.stderr
    assert rows_of(on_ray) == local_rows
    assert len(_workers(on_ray)) == 2  # two actors, each loading the model once
    # Ray's folder was in the data dir, and this run's session (logs, sockets) is gone with it.
    assert (short_dir / "data" / "ray").is_dir() and not list((short_dir / "data" / "ray").glob("session_2*"))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def ray_cluster():
    """A running Ray cluster as a user starts one (`ray start --head`, 2 CPUs, on 127.0.0.1, usage
    statistics and dashboard off, token authentication on), in its own process group and temporary
    folder: (address, its temporary folder, the environment a driver needs). Stopped after."""
    _ray()
    temp = Path(tempfile.mkdtemp(prefix="vmray-", dir="/tmp"))  # short: Ray's socket paths must fit 107 bytes
    port = _free_port()
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=os.urandom(16).hex(),
               HOME=str(temp))
    log = open(temp / "head.log", "w")
    head = subprocess.Popen(
        [str(Path(sys.executable).with_name("ray")), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
         "--port", str(port), "--num-cpus", "2", "--include-dashboard", "false", "--disable-usage-stats",
         "--temp-dir", str(temp / "ray")],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "Ray runtime started" not in (temp / "head.log").read_text():
            assert head.poll() is None and time.monotonic() < deadline, (temp / "head.log").read_text()[-3000:]
            time.sleep(0.5)
        yield f"127.0.0.1:{port}", temp, env
    finally:
        # Only what this fixture started: the head's process group (Ray's daemons and workers).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGKILL)
        head.wait()
        log.close()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.model
def test_ray_address_scores_on_a_running_cluster_with_the_same_rows(tmp_path, scored_locally, ray_cluster):
    folder, local_rows = scored_locally
    address, temp, env = ray_cluster
    out = tmp_path / "cluster"
    result = run_cli("batch", folder, "--question", "conflict", "--out", out, "--engine", "ray",
                     "--ray-address", address, env=env)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and f"the Ray cluster at {address}" in result.stderr
    assert rows_of(out) == local_rows
    # The answers were scored by the cluster's workers (their logs are in its folder), one per CPU.
    workers = {int(w.rsplit(":", 1)[1]) for w in _workers(out)}
    logged = {int(p.stem.rsplit("-", 1)[1]) for p in (temp / "ray").glob("session_*/logs/worker-*.out")}
    assert len(workers) == 2 and workers <= logged, (workers, logged)


LISTENERS = r"""
import json, os, sys
def listening():  # {socket inode: local address} of every listening TCP socket on the machine
    found = {}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(name).read().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found[fields[9]] = fields[1]
    return found
def others_sockets():
    # Socket inodes held by processes outside this one's tree: the machine is shared, and
    # another program's server started meanwhile is not Ray's.
    parent, sockets = {}, {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent[int(pid)] = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
            held = set()
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    held.add(target[8:-1])
            sockets[int(pid)] = held
        except (OSError, IndexError, ValueError):
            continue
    mine, grew = {os.getpid()}, True
    while grew:
        grew = False
        for pid, ppid in parent.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return set().union(*(held for pid, held in sockets.items() if pid not in mine))
from pathlib import Path
from voice_mock.batch.ray_engine import RayEngine, import_ray, local_temp_dir
ray = import_ray(local=True)
before = listening()
engine = RayEngine(None, None, 1, cpus=2, model=None, temp_dir=local_temp_dir(Path(sys.argv[1])))
engine._start(ray)
try:
    new = {inode: address for inode, address in listening().items() if inode not in before}
    theirs = others_sockets()
    ours = sorted(address for inode, address in new.items() if inode not in theirs)
    print(json.dumps({"new": ours, "others": sorted(new[i] for i in new if i in theirs),
                      "node_ip": ray.util.get_node_ip_address()}))
finally:
    ray.shutdown()
"""
LOOPBACK = ("0100007F:", "00000000000000000000000001000000:", "0000000000000000FFFF00000100007F:")


def test_local_ray_listens_on_loopback_only(short_dir):
    """Every server a local Ray starts listens on 127.0.0.1 (as /proc/net/tcp shows it), never on
    all interfaces or the machine's address. Only the servers of the driver's own process tree
    count: on a shared machine another program may start listening meanwhile (it once failed
    this test)."""
    _ray()
    result = subprocess.run([sys.executable, "-c", LISTENERS, str(short_dir)], capture_output=True, text=True,
                            cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["new"], "Ray started no server?"
    assert [a for a in found["new"] if not a.startswith(LOOPBACK)] == []
    assert found["node_ip"] == "127.0.0.1"


def test_progress_lines_say_how_much_faster_than_real_time(capsys):
    """Each file's line gave its speed as '9.3 audio h/h', a unit nobody says; now '9.3× real time'."""
    from voice_mock.cli.batch import BatchProgress

    progress = BatchProgress()
    progress.live = False
    progress.start(2, 0, "2 worker processes")
    progress.started -= 10.0  # as if the first file took 10 s of wall time
    progress.advance({"file": "a.wav", "status": "ok"}, audio_s=93.0)
    line = capsys.readouterr().err.splitlines()[-1]
    assert line.startswith("[1/2] a.wav: ok · ") and line.endswith("× real time") and "h/h" not in line
    float(line.split(" · ")[1].split("×")[0])  # a number before the ×
