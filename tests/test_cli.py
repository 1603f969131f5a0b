"""The command line as a user meets it: one clear line and an exit code for
bad input, never a traceback; and the demo loop end to end."""

import json

import numpy as np
import pytest

from conftest import SAMPLES, run_cli
from voice_mock.audio.formats import write_wav


def assert_one_line_error(result, code, *needles):
    assert result.returncode == code, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert lines and lines[-1].startswith("voice-mock: error:") or result.returncode == 2, result.stderr
    for needle in needles:
        assert needle in result.stderr


def test_help_and_no_command():
    assert run_cli("--help").returncode == 0
    assert run_cli().returncode == 2


@pytest.mark.parametrize(
    "args,code,needle",
    [
        (["analyze"], 2, "give exactly one of"),
        (["analyze", "--text", "   ", "--question", "career-aspirations"], 2, "empty"),
        (["analyze", "--text", "hi", "--question", "no-such-question"], 2, "unknown question"),
        (["analyze", "--text", "hi", "--company", "no-such-company"], 2, "no-such-company"),
        # an unknown name on the command line is usage (2) everywhere, as `banks --bank` said (was 1 here)
        (["practice", "--bank", "no-such-bank", "--voice", "none"], 2, "unknown bank 'no-such-bank'"),
        (["banks", "--bank", "no-such-bank"], 2, "unknown bank 'no-such-bank'"),
        (["demo", "--count", "0"], 2, "--count"),
        (["replay", "nope"], 1, "no session"),
        (["replay", "../../etc"], 2, "is not a session"),
        (["practice", "--voice", "robot"], 2, "invalid choice"),
    ],
)
def test_bad_input_gives_one_line(args, code, needle):
    assert_one_line_error(run_cli(*args), code, needle)


def test_bad_audio_files(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("these are my notes, not audio\n" * 20)
    assert_one_line_error(run_cli("analyze", text), 1, "not a readable audio file")
    empty = tmp_path / "empty.flac"
    empty.write_bytes(b"")
    assert_one_line_error(run_cli("analyze", empty), 1, "empty")
    header_only = tmp_path / "cut.flac"
    header_only.write_bytes((SAMPLES / "hard-restart.flac").read_bytes()[:40])
    assert_one_line_error(run_cli("analyze", header_only), 1, "cut.flac")
    # Cut mid-way: what is there is analysed, like a recording stopped by a crash.
    half = tmp_path / "half.flac"
    data = (SAMPLES / "hard-restart.flac").read_bytes()
    half.write_bytes(data[: len(data) // 2])
    result = run_cli("analyze", half, "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert json.loads(result.stdout)["words"]
    assert_one_line_error(run_cli("analyze", tmp_path / "missing.wav"), 1, "no such file")


def test_unwritable_data_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_cli("demo", "--data-dir", blocker / "data", "--voice", "none")
    assert_one_line_error(result, 1, "cannot write to the data dir")


def test_unknown_model_name_is_one_line(tmp_path):
    result = run_cli("analyze", SAMPLES / "hard-restart.flac", "--model", "no-such-model")
    assert_one_line_error(result, 1, "no-such-model")


def test_typed_answer_content_feedback_json():
    result = run_cli(
        "analyze", "--json", "--question", "career-aspirations", "--company", "tiger-conservation", "--text",
        "In ten years I want to be the best big-game hunter in the world, and in two years a team lead.",
    )
    assert result.returncode == 0, result.stderr
    fb = json.loads(result.stdout)
    flags = {f["id"] for f in fb["content"]["red_flags"]}
    assert "mission_conflict" in flags
    covered = {p["id"] for p in fb["content"]["talking_points"] if p["covered"]}
    assert "near_term_goal" in covered


@pytest.mark.model
def test_silent_answer_says_what_it_could_not_measure(tmp_path):
    path = tmp_path / "silence.wav"
    write_wav(path, np.zeros(16000 * 4, dtype=np.float32))
    result = run_cli("analyze", path, "--json")
    assert result.returncode == 0, result.stderr
    fb = json.loads(result.stdout)
    assert fb["words"] == []
    assert fb["pacing"]["words_per_minute"] is None
    assert any(n["item"] == "pacing" for n in fb["measured"]["not_measured"])


@pytest.mark.model
def test_analyze_sample_json_contract():
    result = run_cli("analyze", SAMPLES / "career-aspirations.flac", "--question", "career-aspirations", "--json")
    assert result.returncode == 0, result.stderr
    fb = json.loads(result.stdout)
    for key in ("schema_version", "transcript", "words", "pacing", "hesitation", "content", "findings", "scores"):
        assert key in fb
    assert 140 < fb["pacing"]["words_per_minute"] < 190
    assert {w["kind"] for w in fb["words"]} <= {"word", "filler"}
    assert "thought leader" in fb["transcript"].lower()
    # The Piper voice of the samples speaks at about 90 Hz, not flat.
    assert 80 < fb["delivery"]["pitch"]["median_hz"] < 100
    assert fb["delivery"]["pitch"]["range_st"] > 5 and fb["delivery"]["monotone"] is False


@pytest.mark.model
def test_demo_end_to_end_then_replay_and_report(tmp_path):
    home = tmp_path / "home"
    env = {"VOICE_MOCK_HOME": str(home), "COLUMNS": "120"}
    result = run_cli("demo", "--count", "3", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Question ") >= 3
    sessions = list((home / "sessions").iterdir())
    assert len(sessions) == 1 and sessions[0].name in result.stdout
    session = json.loads((sessions[0] / "session.json").read_text())
    assert session["finished"] and len(session["answers"]) == 3
    for answer in session["answers"]:
        folder = sessions[0] / answer["folder"]
        for name in ("question.wav", "answer.wav", "transcript.json", "feedback.json"):
            assert (folder / name).is_file(), f"{folder.name}/{name}"
    assert (sessions[0] / "report.html").is_file()
    # Each bundled sample's timeline draws its pitch contour (saved in transcript.json).
    html = (sessions[0] / "report.html").read_text()
    assert html.count("pitch (median") == 3 and html.count("stroke='#8e44ad'") >= 3
    assert all("prosody" in json.loads((sessions[0] / a["folder"] / "transcript.json").read_text())
               for a in session["answers"])
    replay = run_cli("replay", sessions[0].name, env=env)
    assert replay.returncode == 0, replay.stderr
    assert "Question 3" in replay.stdout and "Transcript" in replay.stdout
    assert replay.stdout.count("voice: pitch") == 3


def test_banks_lists_everything_and_skips_a_broken_user_bank(tmp_path):
    home = tmp_path / "home"
    (home / "banks").mkdir(parents=True)
    (home / "banks" / "bad.toml").write_text('id = "x"\ntitle = "X"\nbogus = 1\n')
    result = run_cli("banks", env={"VOICE_MOCK_HOME": str(home), "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "bad.toml: unknown key 'bogus'" in result.stderr
    assert "career-aspirations" in result.stdout and "tiger-conservation" in result.stdout


def test_every_model_option_names_the_packaged_models():
    """batch's --model help named only 'a faster-whisper model folder or name', though it takes base too."""
    from voice_mock.cli.main import MODEL_HELP, build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    with_model = {name: next(a for a in p._actions if "--model" in a.option_strings)
                  for name, p in commands.items() if any("--model" in a.option_strings for a in p._actions)}
    assert {"practice", "demo", "analyze", "evaluate", "batch"} <= set(with_model)
    assert all(a.help == MODEL_HELP for a in with_model.values()), {n: a.help for n, a in with_model.items()}


def test_practice_without_any_microphone_says_so_in_one_line(tmp_path):
    """No sound card and no sound server (PulseAudio unreachable): PortAudio's 'Error querying device -1'
    meant nothing to a user; the line says there is no microphone and where to look."""
    env = {"PULSE_SERVER": f"unix:{tmp_path}/no-server", "VOICE_MOCK_HOME": str(tmp_path / "home")}
    devices = run_cli("devices", env=env)
    if devices.returncode == 0:
        pytest.skip("this machine has a sound card PortAudio reaches without a sound server")
    assert_one_line_error(devices, 1, "no audio devices found", "voice-mock demo")  # was a bare line on stdout
    assert_one_line_error(run_cli("practice", "--voice", "none", "--count", "1", env=env, input=""), 1,
                          "no microphone found", "voice-mock devices")


def test_typed_answer_without_a_question_says_content_was_not_judged(tmp_path):
    """`analyze --text` with no --question printed the words and nothing else: now it says why."""
    result = run_cli("analyze", "--text", "I want to grow into a team lead", env={"VOICE_MOCK_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "no question given: talking points, red flags, structure and relevance not judged" in said
    assert "pitch and loudness" not in said  # a typed answer has no voice: not worth a line
