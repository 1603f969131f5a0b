"""`pip install .` gives a working tool: the wheel carries the question banks
and the sample answers, and `voice-mock demo` and `voice-mock banks` work from
any folder.

The wheel is built offline from a copy of the source (`pip wheel --no-deps
--no-build-isolation --no-index`), installed with `--no-deps --no-index` into
a fresh virtual environment, and run from an empty folder elsewhere. The fresh
environment gets the project's dependencies (not voice_mock itself) through
one `.pth` line naming the project's site-packages: a directory added that way
is not scanned for `.pth` files, so the editable install of the repo stays
invisible, and the test checks that the voice_mock that runs is the wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO

COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "tests", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".demo-data",
    "test-artifacts",
)


def _run(argv, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL, **kwargs)
    assert result.returncode == 0, f"{argv[:4]}... exit {result.returncode}\n{result.stdout[-1500:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv folder, environment) with the freshly built wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(REPO, src, symlinks=True, ignore=COPY_IGNORE)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", str(tmp / "dist"), str(src)])
    wheels = list((tmp / "dist").glob("voice_mock-*.whl"))
    assert len(wheels) == 1, wheels
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
          str(wheels[0])])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["VOICE_MOCK_HOME"] = str(tmp / "data")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return venv, env, elsewhere


def test_the_wheel_carries_banks_and_samples(installed):
    venv, env, elsewhere = installed
    code = (
        "import voice_mock, voice_mock.bundled as b\n"
        "print(voice_mock.__file__); print(b.PROMPTS); print(b.SAMPLES)\n"
        "print(len(list(b.PROMPTS.glob('*.toml'))), len(list(b.PROMPTS.glob('companies/*.toml'))), "
        "len(list(b.SAMPLES.glob('*.flac'))), len(list(b.SAMPLES.glob('*.json'))))\n"
    )
    out = _run([str(venv / "bin" / "python"), "-c", code], env=env, cwd=elsewhere).stdout.splitlines()
    package, prompts, samples, counts = out
    assert Path(package).is_relative_to(venv), f"ran {package}, not the wheel's voice_mock"
    assert Path(prompts).is_relative_to(venv) and Path(samples).is_relative_to(venv)
    assert not Path(prompts).is_symlink() and not Path(samples).is_symlink()
    repo_counts = [len(list((REPO / "prompts").glob("*.toml"))), len(list((REPO / "prompts").glob("companies/*.toml"))),
                   len(list((REPO / "samples").glob("*.flac"))), len(list((REPO / "samples").glob("*.json")))]
    assert [int(n) for n in counts.split()] == repo_counts and min(repo_counts) > 0


def test_banks_from_another_folder(installed):
    venv, env, elsewhere = installed
    out = _run([str(venv / "bin" / "voice-mock", ), "banks"], env=env, cwd=elsewhere).stdout
    for bank in sorted((REPO / "prompts").glob("*.toml")):
        assert bank.stem in out, f"bank {bank.stem} missing from `voice-mock banks`"
    assert "tiger-conservation" in out


@pytest.mark.model
def test_demo_from_another_folder(installed):
    venv, env, elsewhere = installed
    result = _run([str(venv / "bin" / "voice-mock"), "demo", "--count", "1", "--voice", "none"], env=env, cwd=elsewhere)
    assert "Session saved" in result.stdout
    sessions = list((Path(env["VOICE_MOCK_HOME"]) / "sessions").glob("*/q01-*/feedback.json"))
    assert len(sessions) == 1
    assert list(elsewhere.iterdir()) == []  # nothing written in the working folder


def _one_line_error(result) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr
    return result.stderr


def test_evaluate_names_the_data_the_wheel_does_not_carry(installed):
    """The real recordings and the labelled answers stay in the repository: asking for them from an
    installed wheel is one line that says so and how to point at them, never a traceback."""
    venv, env, elsewhere = installed
    tool = str(venv / "bin" / "voice-mock")
    real = subprocess.run([tool, "evaluate", "--set", "real"], capture_output=True, text=True, env=env, cwd=elsewhere,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert "real recordings are not installed" in _one_line_error(real) and "--real" in real.stderr
    content = subprocess.run([tool, "evaluate", "--content"], capture_output=True, text=True, env=env, cwd=elsewhere,
                             timeout=300, stdin=subprocess.DEVNULL)
    assert "labelled answers are not installed" in _one_line_error(content) and "--answers" in content.stderr


@pytest.mark.model
def test_evaluate_all_from_the_wheel_skips_real_speech_with_a_note(installed, tmp_path):
    venv, env, elsewhere = installed
    one = tmp_path / "one-sample"
    one.mkdir()
    for suffix in (".flac", ".json"):
        shutil.copy(REPO / "samples" / f"hard-quiet{suffix}", one)
    result = _run([str(venv / "bin" / "voice-mock"), "evaluate", "--samples", str(one), "--json"], env=env, cwd=elsewhere)
    out = json.loads(result.stdout)
    assert [s["id"] for s in out["synthetic"]["samples"]] == ["hard-quiet"] and "real" not in out
    assert "real speech not evaluated" in result.stderr and "Traceback" not in result.stderr
