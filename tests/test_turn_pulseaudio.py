"""Outside in, on the virtual microphone: a one-minute answer with a 3 s thinking
pause after "...and" is not cut off there; every part of it is transcribed, and
the feedback says how the answer ended. (How soon the feedback follows the last
word is measured by benchmarks/turn_taking.py, not asserted here.)"""

import json
import os
import subprocess
import sys

import pytest
import soundfile as sf

from conftest import REPO
from pulse import PulseServer, wait_for
from spoken import spoken

pytestmark = [pytest.mark.audio, pytest.mark.model]

FIRST = ("I have worked as a data engineer for six years, first in retail and then in logistics. "
         "I built the pipelines that our planners use every morning to decide how much stock to order. "
         "Over time I became the person people ask when the numbers look wrong, and I enjoy that. "
         "Last year I rebuilt our forecasting jobs so that they finish before the planners arrive, "
         "which saved the team about an hour every day. "
         "In the next five years I want to lead the planning team and,")
SECOND = ("grow the way we forecast demand across the whole company. I have already started mentoring two "
          "analysts, and I can see how much faster they work now. I would like to keep doing that, with a bigger "
          "team and harder problems. Your company's mission is to make reliable "
          "data available to every team. That is exactly the kind of platform I want to help build. "
          "That is why I would love to grow with you.")


@pytest.fixture
def pulse(tmp_path):
    server = PulseServer(tmp_path / "pulse").start()
    yield server
    server.stop()


def test_a_thinking_pause_after_and_keeps_the_whole_answer(pulse, tmp_path):
    audio, spans = spoken([FIRST, 3.0, SECOND])
    assert 45 < len(audio) / 16000 < 80
    clip = tmp_path / "answer.wav"
    sf.write(clip, audio, 16000)
    home = tmp_path / "home"
    env = {**os.environ, **pulse.env, "VOICE_MOCK_HOME": str(home), "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_mock", "practice", "--question", "career-aspirations", "--voice", "none"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env, cwd=REPO,
    )
    lines: list[str] = []
    try:
        wait_for(proc, "Listening", lines, timeout=120)
        pulse.speak_into_mic(clip)
        out, err = proc.communicate(timeout=600)  # a loaded machine analyses slowly; nothing timed here
    finally:
        if proc.poll() is None:
            proc.kill()
    output = "".join(lines) + out
    assert proc.returncode == 0, f"{output}\n{err}"
    session_dir = next((home / "sessions").iterdir())
    entry = json.loads((session_dir / "session.json").read_text())["answers"][0]
    assert entry["end_reason"] == "finished"
    assert entry["duration_s"] > spans[-1][1]  # recorded past the pause, to the end of the answer
    transcript = json.loads((session_dir / entry["folder"] / "transcript.json").read_text())
    said = " ".join(w["text"].lower().strip(",.?!") for w in transcript["words"])
    for word in ("planning", "forecast", "mentoring", "mission", "platform", "grow with you"):
        assert word in said, said  # the words after the pause were kept
    feedback = json.loads((session_dir / entry["folder"] / "feedback.json").read_text())
    assert feedback["ending"]["message"].startswith("ended after")
    assert "ended after" in output  # and the terminal said so
