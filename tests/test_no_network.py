"""No network, ever: the commands run in a network namespace with no network
(`unshare -n`, as root) under a fresh HOME, traced with `strace -f`. Any
attempt to reach an internet address (AF_INET/AF_INET6 other than loopback:
DNS lookups included) fails the test, and so does any file written under HOME
outside the data dir (onnxruntime's telemetry queue in ~/.cache/Microsoft/
was one), and any file left in a fresh TMPDIR (a local Ray's $TMPDIR/ray was
one; temporary files a command removes, e.g. the TTS voice's, are fine).
Local sockets (AF_UNIX: PulseAudio, nscd) and loopback are fine.
Covered: demo, analyze, evaluate, practice (on the PulseAudio server of
tests/pulse.py) and batch on a local Ray (loopback up in the namespace).

The environment is scrubbed of the variables that switch telemetry off, so it
is the package itself that must switch it off. A first test runs the same
harness on a program that does connect and write, to show it catches both.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES

DATA_DIR = Path(".local/share/voice-mock")  # the default data dir, under HOME
TRACED = "connect,sendto,sendmsg"
ADDRESS = re.compile(
    r"sa_family=AF_INET6?, .*?(?:inet_addr\(\"(?P<v4>[^\"]+)\"\)|inet_pton\(AF_INET6, \"(?P<v6>[^\"]+)\")"
)


def _require_tools() -> None:
    missing = [t for t in ("unshare", "strace") if not shutil.which(t)]
    reason = None
    if os.geteuid() != 0:
        reason = "needs root for `unshare -n`"
    elif missing:
        reason = f"needs {' and '.join(missing)} (scripts/setup.sh --test installs them)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI runs as root with setup.sh done: never skip there
        pytest.skip(reason)


def _clean_env(home: Path) -> dict[str, str]:
    drop = ("ORT_", "HF_", "XDG_", "PULSE_", "VOICE_MOCK", "DO_NOT_TRACK", "DISABLE_TELEMETRY", "TRANSFORMERS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["HOME"] = str(home)
    return env


def internet_connects(strace_log: str) -> list[str]:
    """Lines of an strace log that address a non-loopback internet address."""
    found = []
    for line in strace_log.splitlines():
        m = ADDRESS.search(line)
        if not m:
            continue
        address = ipaddress.ip_address(m.group("v4") or m.group("v6"))
        address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:127.0.0.1 is loopback too
        if not address.is_loopback:
            found.append(line.strip())
    return found


def files_outside_data_dir(home: Path) -> list[str]:
    return sorted(
        str(p.relative_to(home)) for p in home.rglob("*")
        if not p.is_dir() and not p.relative_to(home).is_relative_to(DATA_DIR)
    )


def left_in_tmpdir(temp: Path) -> list[str]:
    """What a command left in its TMPDIR (temporary files it removed are fine)."""
    return sorted(f"$TMPDIR/{p.relative_to(temp)}" for p in temp.rglob("*"))


def run_offline(tmp_path: Path, argv: list[str], name: str, loopback: bool = False,
                home: Path | None = None) -> tuple[subprocess.CompletedProcess, list[str], list[str]]:
    """Run argv with no network under a fresh HOME and a fresh TMPDIR; (result, internet connects,
    stray files: under HOME outside the data dir, or left in TMPDIR). `loopback`: with the
    namespace's loopback interface up (a local Ray talks to itself over it). `home`: an empty
    folder to use as HOME (default: a new one in tmp_path)."""
    if home is None:
        home = tmp_path / f"home-{name}"
        home.mkdir()
    temp = tmp_path / f"tmp-{name}"
    temp.mkdir()
    # A login session's runtime folder, as every desktop has: without one the sound system's client
    # library (libpulse, under sounddevice) makes its runtime folder in TMPDIR instead.
    runtime = tmp_path / f"run-{name}"
    runtime.mkdir(mode=0o700)
    log = tmp_path / f"strace-{name}.log"
    work = tmp_path / f"cwd-{name}"
    work.mkdir()
    result = subprocess.run(
        ["unshare", "-n", *(["sh", "-c", 'ip link set lo up && exec "$@"', "sh"] if loopback else []),
         "strace", "-f", "-qq", "-e", f"trace={TRACED}", "-o", str(log), *argv],
        capture_output=True, text=True, env=_clean_env(home) | {"TMPDIR": str(temp), "XDG_RUNTIME_DIR": str(runtime)}, cwd=work, timeout=600,
        stdin=subprocess.DEVNULL,
    )
    strays = files_outside_data_dir(home) + left_in_tmpdir(temp)
    return result, internet_connects(log.read_text(errors="replace")), strays


def voice_mock(*args) -> list[str]:
    return [sys.executable, "-m", "voice_mock", *map(str, args)]


def test_the_harness_catches_a_connect_and_a_stray_file(tmp_path):
    _require_tools()
    # 192.0.2.1 is a documentation address (TEST-NET-1); inside the empty
    # namespace the connect fails at once and nothing leaves the machine.
    code = (
        "import os, socket, pathlib\n"
        "s = socket.socket(); s.settimeout(1); s.connect_ex(('192.0.2.1', 443))\n"
        "u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.connect_ex(('::1', 53))\n"
        "u.connect_ex(('::ffff:127.0.0.1', 53))\n"
        "p = pathlib.Path.home() / '.cache' / 'tracker' / 'id'; p.parent.mkdir(parents=True); p.write_text('x')\n"
        "import tempfile; (pathlib.Path(tempfile.gettempdir()) / 'left').write_text('x')\n"
    )
    result, connects, files = run_offline(tmp_path, [sys.executable, "-c", code], "probe")
    assert result.returncode == 0, result.stderr
    assert len(connects) == 1 and "192.0.2.1" in connects[0], connects  # ::1 and ::ffff:127.0.0.1 (loopback) are allowed
    assert files == [".cache/tracker/id", "$TMPDIR/left"]


def _assert_offline(result, connects, files) -> None:
    assert result.returncode == 0, result.stderr[-2000:]
    assert connects == [], "tried the network:\n" + "\n".join(connects)
    assert files == [], f"wrote outside the data dir: {files}"


@pytest.mark.model
def test_demo_makes_no_connection_and_writes_no_telemetry(tmp_path):
    _require_tools()
    result, connects, files = run_offline(tmp_path, voice_mock("demo", "--count", "1"), "demo")
    _assert_offline(result, connects, files)
    assert "Session saved" in result.stdout


@pytest.mark.model
def test_analyze_makes_no_connection_and_writes_no_telemetry(tmp_path):
    _require_tools()
    argv = voice_mock("analyze", SAMPLES / "hard-quiet.flac", "--question", "tell-me-about-yourself")
    result, connects, files = run_offline(tmp_path, argv, "analyze")
    _assert_offline(result, connects, files)
    assert "pace" in result.stdout


@pytest.mark.model
def test_evaluate_makes_no_connection_and_writes_no_telemetry(tmp_path):
    _require_tools()
    one = tmp_path / "one-sample"
    one.mkdir()
    for suffix in (".flac", ".json"):
        shutil.copy(SAMPLES / f"hard-quiet{suffix}", one)
    result, connects, files = run_offline(tmp_path, voice_mock("evaluate", "--set", "synthetic", "--samples", one, "--json"), "evaluate")
    _assert_offline(result, connects, files)
    assert [s["id"] for s in json.loads(result.stdout)["synthetic"]["samples"]] == ["hard-quiet"]


@pytest.mark.model
def test_batch_on_a_local_ray_makes_no_connection_and_writes_nothing_in_home(tmp_path, short_dir):
    """Ray's daemons ask cloud metadata addresses which cloud they run on, a recent Ray keeps a
    token under ~/.ray, and a local Ray keeps its sockets, logs and session files in $TMPDIR/ray
    (/tmp/ray): `batch --engine ray` must do none of it (batch/ray_engine.py). HOME is short
    (short_dir): Ray's folder goes in the data dir under it, and socket paths have 107 bytes."""
    _require_tools()
    try:
        import ray  # noqa: F401
    except ImportError:
        pytest.fail("Ray is not installed: scripts/setup.sh --test installs the 'cluster' extra")
    if not shutil.which("ip"):
        pytest.fail("needs ip (iproute2; scripts/setup.sh --test installs it)")
    answers = tmp_path / "answers"
    answers.mkdir()
    shutil.copy(SAMPLES / "hard-like-verb.flac", answers)
    argv = voice_mock("batch", answers, "--question", "conflict", "--out", tmp_path / "out", "--engine", "ray")
    result, connects, files = run_offline(tmp_path, argv, "batch-ray", loopback=True, home=short_dir)
    _assert_offline(result, connects, files)  # nothing left in TMPDIR either: Ray's default is $TMPDIR/ray
    assert "1 ok" in result.stderr and "a local Ray with" in result.stderr
    assert not (tmp_path / "tmp-batch-ray" / "ray").exists()
    ray_dir = short_dir / DATA_DIR / "ray"
    assert ray_dir.is_dir(), "Ray's folder was not in the data dir"
    assert not list(ray_dir.glob("session_2*")), "the local Ray's session folder was left behind"


@pytest.mark.model
@pytest.mark.audio
def test_practice_makes_no_connection_and_writes_no_telemetry(tmp_path):
    """`practice` on the real PulseAudio server of tests/pulse.py (its socket is a file, so it is
    reachable from inside the namespace): the question, the microphone, the answer and its
    feedback, with no network and a fresh HOME."""
    _require_tools()
    from pulse import PulseServer, wait_for

    server = PulseServer(tmp_path / "pulse").start()
    try:
        home = tmp_path / "home-practice"
        home.mkdir()
        log = tmp_path / "strace-practice.log"
        env = _clean_env(home) | {k: v for k, v in server.env.items() if k != "HOME"}
        temp = tmp_path / "tmp-practice"
        temp.mkdir()
        env |= {"PULSE_COOKIE": str(tmp_path / "pulse" / ".config" / "pulse" / "cookie"), "PYTHONUNBUFFERED": "1",
                "TMPDIR": str(temp)}
        proc = subprocess.Popen(
            ["unshare", "-n", "strace", "-f", "-qq", "-e", f"trace={TRACED}", "-o", str(log),
             *voice_mock("practice", "--question", "why-leaving", "--voice", "none", "--end-silence", "2.0")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env,
            cwd=tmp_path,
        )
        try:
            lines: list[str] = []
            wait_for(proc, "Listening", lines, timeout=180)
            server.speak_into_mic(SAMPLES / "why-leaving.flac")
            out, err = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    finally:
        server.stop()
    assert proc.returncode == 0, ("".join(lines) + out)[-2000:] + err[-2000:]
    traced = log.read_text(errors="replace")
    assert "pulse/native" in traced  # the trace saw the microphone's connection (a local socket)
    connects = internet_connects(traced)
    assert connects == [], "tried the network:\n" + "\n".join(connects)
    strays = files_outside_data_dir(home) + left_in_tmpdir(temp)
    assert strays == [], strays
    assert list((home / DATA_DIR / "sessions").glob("*/q01-*/feedback.json")), "no answer was saved"
