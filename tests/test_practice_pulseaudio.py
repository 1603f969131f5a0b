"""`voice-mock practice` end to end on a real PulseAudio server: the question
comes out of the (virtual) speaker, the answer goes into the (virtual)
microphone, and the saved session holds audio, transcript and feedback."""

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import REPO, SAMPLES
from pulse import PulseServer, wait_for
from voice_mock.audio.formats import load_audio, rms_dbfs
from voice_mock.evaluation.metrics import word_error_rate

pytestmark = [pytest.mark.audio, pytest.mark.model]


@pytest.fixture
def pulse(tmp_path):
    server = PulseServer(tmp_path / "pulse").start()
    yield server
    server.stop()


def test_practice_on_virtual_microphone_and_speaker(pulse, tmp_path):
    truth = json.loads((SAMPLES / "career-aspirations.json").read_text())
    home = tmp_path / "home"
    heard = tmp_path / "speaker.wav"
    listener = pulse.record_speaker(heard)
    env = {**os.environ, **pulse.env, "VOICE_MOCK_HOME": str(home), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_mock", "practice", "--question", "career-aspirations", "--voice", "espeak",
         "--end-silence", "2.0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=REPO,
    )
    lines: list[str] = []
    try:
        wait_for(proc, "Listening", lines, timeout=120)
        pulse.speak_into_mic(SAMPLES / "career-aspirations.flac")
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
        listener.terminate()
        listener.wait(timeout=10)
    output = "".join(lines) + out
    assert proc.returncode == 0, f"{output}\n{err}"

    # The question was really played on the speaker.
    question_heard = load_audio(heard)
    assert rms_dbfs(question_heard) > -45, "nothing came out of the speaker"

    sessions = list((home / "sessions").iterdir())
    assert len(sessions) == 1
    session = json.loads((sessions[0] / "session.json").read_text())
    assert session["finished"] and session["mode"] == "practice"
    folder = sessions[0] / session["answers"][0]["folder"]
    answer = load_audio(folder / "answer.wav")
    assert len(answer) / 16000 >= truth["duration_s"] - 0.5  # the whole answer was recorded
    assert (folder / "question.wav").is_file()
    transcript = json.loads((folder / "transcript.json").read_text())
    fillers = {"um", "uh", "er", "erm", "hmm", "ah", "mm"}
    said = " ".join(w["text"] for w in transcript["words"] if w["text"].strip(",.?!").lower() not in fillers)
    assert word_error_rate(truth["text"], said) < 0.25, said
    feedback = json.loads((folder / "feedback.json").read_text())
    assert feedback["pacing"]["words_per_minute"] > 60
    assert feedback["findings"] is not None and "scores" in feedback
    assert str(sessions[0].name) in output


def test_devices_and_a_wrong_device_name(pulse, tmp_path):
    env = {**pulse.env, "VOICE_MOCK_HOME": str(tmp_path / "home")}
    from conftest import run_cli

    listed = run_cli("devices", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "pulse" in listed.stdout and "default input" in listed.stdout
    wrong = run_cli("practice", "--input-device", "no-such-mic", "--voice", "none", env=env)
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "no input device matches 'no-such-mic'" in wrong.stderr


def interrupt_an_answer(pulse, home, interrupt, after_s: float) -> tuple[int, str, dict, object]:
    """Start `practice`, speak the why-leaving sample into the microphone, and
    call `interrupt(proc)` `after_s` seconds into the answer. Returns the exit
    code, stderr, the answer's entry in session.json and the session folder."""
    env = {**os.environ, **pulse.env, "VOICE_MOCK_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_mock", "practice", "--question", "why-leaving", "--voice", "none"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    lines: list[str] = []
    speaker = None
    try:
        wait_for(proc, "Listening", lines, timeout=120)
        speaker = subprocess.Popen(["paplay", "-d", "vmic", str(SAMPLES / "why-leaving.flac")],
                                   env={**os.environ, **pulse.env})
        time.sleep(after_s)
        interrupt(proc)
        _, err = proc.communicate(timeout=120)
    finally:
        for p in (proc, speaker):
            if p is not None and p.poll() is None:
                p.kill()
    session_dir = next((home / "sessions").iterdir())
    session = json.loads((session_dir / "session.json").read_text())
    assert session["finished"]
    return proc.returncode, err, session["answers"][0], session_dir


def test_a_line_on_stdin_ends_the_answer_like_enter(pulse, tmp_path):
    """Piped input (a script, not a terminal): a line ends the answer; what was said so far is kept."""

    def press_enter(proc):
        proc.stdin.write("\n")
        proc.stdin.flush()

    code, err, entry, session_dir = interrupt_an_answer(pulse, tmp_path / "home", press_enter, after_s=8.0)
    assert code == 0, err
    assert entry["end_reason"] == "enter"
    assert 5.0 < entry["duration_s"] < 12.0  # stopped at the line, not at the end of the sample
    words = json.loads((session_dir / entry["folder"] / "transcript.json").read_text())["words"]
    assert len(words) >= 8  # the first seconds of the answer were kept and transcribed


def test_ctrl_c_keeps_what_was_said(pulse, tmp_path):
    import signal

    code, err, entry, session_dir = interrupt_an_answer(
        pulse, tmp_path / "home", lambda proc: proc.send_signal(signal.SIGINT), after_s=7.0)
    assert "Traceback" not in err, err
    assert entry["end_reason"] == "interrupted"
    audio = load_audio(session_dir / entry["folder"] / "answer.wav")
    assert len(audio) / 16000 > 5.0 and rms_dbfs(audio) > -45
