import pytest

from conftest import run_cli
from voice_mock.errors import UsageError
from voice_mock.settings import load_user_config


def test_defaults_without_a_file(tmp_path):
    config = load_user_config(None, tmp_path)
    assert config.analysis is None and config.path is None
    assert config.endpoint_settings().end_silence_s == 6.0  # the upper bound; a finished answer ends sooner


def test_file_in_data_dir_then_command_line_on_top(tmp_path):
    (tmp_path / "config.toml").write_text(
        "[pacing]\ntarget_low_wpm = 110\n\n[endpoint]\nend_silence_s = 3.5\nmax_answer_s = 90\n"
    )
    config = load_user_config(None, tmp_path)
    assert config.analysis.pacing.target_low_wpm == 110
    settings = config.endpoint_settings(end_silence_s=None, max_answer_s=60.0)
    assert settings.end_silence_s == 3.5 and settings.max_answer_s == 60.0


@pytest.mark.parametrize(
    "text,needle",
    [
        ("[pacing]\nno_such = 1\n", "pacing.no_such"),
        ("[nonsense]\nx = 1\n", "nonsense"),
        ("[analysis.pacing]\nslow_wpm = 100\n", "expected one of: alignment, content, delivery, fillers, pacing, pauses"),
        ("[endpoint]\nend_silence = 3\n", "endpoint: unknown key end_silence"),
        ("[endpoint]\nend_silence_s = -1\n", "positive"),
        ("[pacing\n", "not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, text, needle):
    path = tmp_path / "my.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match="my.toml") as err:
        load_user_config(path, tmp_path)
    assert needle in str(err.value)


def test_bad_config_on_the_command_line_is_one_line(tmp_path):
    path = tmp_path / "my.toml"
    path.write_text("[pacing]\nfast = 'yes'\n")
    result = run_cli("analyze", "--text", "I want to lead a team.", "--config", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "my.toml" in result.stderr
    missing = run_cli("analyze", "--text", "x", "--config", tmp_path / "none.toml")
    assert missing.returncode == 2 and "no such config file" in missing.stderr


def test_the_documented_config_examples_load(tmp_path):
    """Every TOML example of a config file in the README and docs/feedback.md is one the
    tool accepts (they once showed an [analysis.pacing] prefix that it rejects)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    blocks = [b for doc in ("README.md", "docs/feedback.md")
              for b in re.findall(r"```toml\n(.*?)```", (root / doc).read_text(), re.S)
              if re.search(r"^\[(pacing|fillers|pauses|endpoint|delivery|analysis)", b, re.M)]
    assert len(blocks) >= 2
    for i, block in enumerate(blocks):
        path = tmp_path / f"example{i}.toml"
        path.write_text(block)
        assert load_user_config(path, tmp_path).analysis is not None
