"""Fault cases: one bad file (bank, company profile, config, typed answer)
gives one line naming it and never breaks anything else; special files
(folders, FIFOs) get a proper message and never hang."""

import os

import pytest

from conftest import run_cli
from faults import one_line_error

DEEP = "a = " + "[" * 100_000 + "]" * 100_000 + "\n"
NOT_UTF8 = b'id = "bad"\nname = "caf\xe9 \xff"\n'
GOOD_TEXT = "I want to grow into a team lead and protect wildlife with your conservation mission."


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def test_fault_bank_not_utf8(tmp_path):
    bank = tmp_path / "latin1.toml"
    bank.write_bytes(NOT_UTF8)
    one_line_error(run_cli("banks", "--bank", bank), 1, "latin1.toml", "UTF-8")


def test_fault_bank_nested_100000_deep(tmp_path):
    bank = tmp_path / "deep.toml"
    bank.write_text(DEEP)
    one_line_error(run_cli("banks", "--bank", bank), 1, "deep.toml", "nested too deeply")


def test_fault_user_bank_not_utf8_in_data_dir_is_skipped(home):
    (home / "banks").mkdir(parents=True)
    (home / "banks" / "latin1.toml").write_bytes(NOT_UTF8)
    (home / "banks" / "deep.toml").write_text(DEEP)
    result = run_cli("banks", env={"VOICE_MOCK_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "latin1.toml" in result.stderr and "deep.toml" in result.stderr
    assert "career-aspirations" in result.stdout  # the bundled banks still work


def test_fault_company_profile_not_utf8(tmp_path):
    profile = tmp_path / "latin1.toml"
    profile.write_bytes(NOT_UTF8)
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, "--company", profile), 1, "latin1.toml", "UTF-8")


def test_fault_company_profile_nested_100000_deep(tmp_path):
    profile = tmp_path / "deep.toml"
    profile.write_text(DEEP)
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, "--company", profile), 1, "deep.toml", "nested too deeply")


def test_fault_one_broken_profile_does_not_break_the_others(home):
    (home / "companies").mkdir(parents=True)
    (home / "companies" / "latin1.toml").write_bytes(NOT_UTF8)
    (home / "companies" / "deep.toml").write_text(DEEP)
    (home / "companies" / "wrong.toml").write_text('id = "wrong"\nname = 5\n')
    result = run_cli("analyze", "--text", GOOD_TEXT, "--question", "career-aspirations",
                     "--company", "tiger-conservation", env={"VOICE_MOCK_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("latin1.toml", "deep.toml", "wrong.toml"):
        assert name in result.stderr
    assert "Talking points covered" in result.stdout


def test_fault_config_nested_100000_deep(home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text(DEEP)
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, env={"VOICE_MOCK_HOME": str(home)}), 2,
                   "config.toml", "nested too deeply")


def test_fault_analyze_missing_bank_is_an_error(tmp_path):
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, "--bank", tmp_path / "missing.toml"), 1, "missing.toml")


# ---------------------------------------------------------------- folders and FIFOs


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    return path


def test_fault_fifo_as_bank_does_not_hang(fifo):
    one_line_error(run_cli("banks", "--bank", fifo, timeout=30), 1, "pipe.toml", "not a regular file")


def test_fault_fifo_as_company_does_not_hang(fifo):
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, "--company", fifo, timeout=30), 1, "not a regular file")


def test_fault_fifo_as_text_file_does_not_hang(fifo):
    one_line_error(run_cli("analyze", "--text-file", fifo, timeout=30), 1, "not a regular file")


def test_fault_fifo_as_config_does_not_hang(fifo):
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, "--config", fifo, timeout=30), 2, "not a regular file")


def test_fault_fifo_as_audio_does_not_hang(fifo):
    one_line_error(run_cli("analyze", fifo, timeout=30), 1, "not a regular file")


def test_fault_folder_as_audio(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    one_line_error(run_cli("analyze", folder), 1, "is a folder")


def test_fault_folder_as_bank(tmp_path):
    folder = tmp_path / "bank.toml"
    folder.mkdir()
    one_line_error(run_cli("banks", "--bank", folder), 1, "is a folder")


def test_fault_folder_as_config(tmp_path):
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, "--config", tmp_path), 2, "is a folder")


def test_fault_folder_as_text_file(tmp_path):
    one_line_error(run_cli("analyze", "--text-file", tmp_path), 1, "is a folder")


# ---------------------------------------------------------------- config values


@pytest.mark.parametrize("body,needle", [
    ("[endpoint]\nthreshold = 5.0\n", "threshold"),
    ("[pacing]\nslow_wpm = -10\ntarget_low_wpm = -5\n", "slow_wpm"),
    ("[pacing]\ntarget_low_wpm = 170\ntarget_high_wpm = 120\n", "target_low_wpm"),
    ("[fillers]\ncluster_min_events = 0\n", "cluster_min_events"),
    ("[pauses]\nlong_s = nan\n", "long_s"),
], ids=["threshold-5", "negative-pace-band", "inverted-pace-band", "cluster-min-events-0", "nan-pause"])
def test_fault_config_value_out_of_range(home, body, needle):
    home.mkdir(parents=True)
    (home / "config.toml").write_text(body)
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, env={"VOICE_MOCK_HOME": str(home)}), 2, "config.toml", needle)


@pytest.mark.parametrize("body,needle", [
    ("[pacing]\ntarget_low_wpn = 110\n", "pacing.target_low_wpn (did you mean target_low_wpm?)"),
    ("[endpoint]\nend_silense_s = 3\n", "unknown key end_silense_s (did you mean end_silence_s?)"),
    ("[pauses]\nzzz = 1\n", "pauses.zzz (expected one of: counted_s, "),
], ids=["pacing-typo", "endpoint-typo", "no-near-miss"])
def test_fault_config_typo_names_the_key_meant(home, body, needle):
    home.mkdir(parents=True)
    (home / "config.toml").write_text(body)
    one_line_error(run_cli("analyze", "--text", GOOD_TEXT, env={"VOICE_MOCK_HOME": str(home)}), 2, "config.toml", needle)


def test_fault_folder_message_reads_an_audio_file(tmp_path):
    one_line_error(run_cli("analyze", tmp_path), 1, "is a folder, not an audio file")


@pytest.mark.parametrize("option", ["--end-silence", "--max-answer"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_fault_end_silence_nan(option, value):
    result = run_cli("demo", "--count", "1", "--voice", "none", option, value)
    one_line_error(result, 2, option)
