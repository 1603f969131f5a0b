"""Fault cases: damaged audio is never analysed silently, and what reaches
the terminal or a Markdown report cannot carry control codes or markup."""

import json
import re

import numpy as np
import pytest
import soundfile as sf

from conftest import SAMPLES, run_cli
from test_review import make_session


def flac_header_only(path):
    """The sample's FLAC metadata blocks and no audio frames."""
    data = (SAMPLES / "career-aspirations.flac").read_bytes()
    pos = 4
    while True:
        last, size = data[pos] & 0x80, int.from_bytes(data[pos + 1:pos + 4], "big")
        pos += 4 + size
        if last:
            break
    path.write_bytes(data[:pos])
    return path


def test_fault_header_only_flac_is_an_error(tmp_path):  # found before the model loads
    result = run_cli("analyze", flac_header_only(tmp_path / "header.flac"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "header.flac" in result.stderr and "no audio" in result.stderr
    assert "speech" not in result.stdout


@pytest.mark.model
def test_fault_truncated_flac_is_analysed_with_a_warning(tmp_path):
    data = (SAMPLES / "career-aspirations.flac").read_bytes()
    half = tmp_path / "half.flac"
    half.write_bytes(data[: len(data) // 2])
    declared = sf.info(str(SAMPLES / "career-aspirations.flac")).duration
    result = run_cli("analyze", half, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["words"]
    warning = [line for line in result.stderr.splitlines() if "half.flac" in line]
    assert warning and "warning" in warning[0], result.stderr
    assert f"of {declared:.1f} s" in warning[0]


@pytest.mark.model
def test_fault_audio_without_speech_is_not_a_typed_answer(tmp_path):
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(16000 * 4, dtype=np.float32), 16000)
    result = run_cli("analyze", silence)
    assert result.returncode == 0, result.stderr
    assert "typed answer" not in result.stdout
    assert "no speech" in result.stdout.lower()


def test_fault_escape_codes_in_typed_text_are_neutralised(tmp_path):
    text = "I want to lead \x1b[2J\x1b]0;owned\x07 a team \x1b[31mred\x9b31m in five years"
    result = run_cli("analyze", "--text", text, "--question", "career-aspirations")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout
    assert "lead" in result.stdout and "team" in result.stdout
    typed = tmp_path / "answer.txt"
    typed.write_text(text)
    result = run_cli("analyze", "--text-file", typed)
    assert result.returncode == 0 and "\x1b" not in result.stdout
    result = run_cli("analyze", "--text", text, "--json")  # JSON keeps the text, escaped
    assert result.returncode == 0 and "\x1b" not in result.stdout and "\x9b" not in result.stdout
    assert json.loads(result.stdout)["transcript"] == " ".join(text.split())


def test_fault_escape_codes_from_a_session_file_are_neutralised():
    import os
    from pathlib import Path

    home = Path(os.environ["VOICE_MOCK_HOME"])
    path = make_session(home, "20260101-100000-s")
    meta = json.loads((path / "session.json").read_text())
    meta["answers"][0]["question"] = "What \x1b[2J are your aspirations?"
    (path / "session.json").write_text(json.dumps(meta))
    for args in (["replay", "latest"], ["history"], ["report", "latest", "--markdown", "-"],
                 ["report", "latest", "--json", "-"]):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout + result.stderr, args


def test_fault_markdown_report_escapes_score_keys():
    import os
    from pathlib import Path

    home = Path(os.environ["VOICE_MOCK_HOME"])
    path = make_session(home, "20260101-100000-s")
    feedback = path / "q01-career-aspirations" / "feedback.json"
    data = json.loads(feedback.read_text())
    data["scores"]["<img src=x onerror=alert(1)>"] = 5
    feedback.write_text(json.dumps(data))
    result = run_cli("report", "latest", "--markdown", "-")
    assert result.returncode == 0, result.stderr
    assert "\\<img src=x onerror=alert(1)\\>" in result.stdout
    assert not re.search(r"(?<!\\)<img", result.stdout)  # never raw
