import numpy as np
import pytest

from voice_mock.speech.tts import Pyttsx3Voice, SpeakerChain, VoiceError, _check

# The text FIELD-NOTES §2 saw pyttsx3 2.99 silently fail on.
HARD_TEXT = (
    "Um, so, my long term career aspiration is to, uh, become a thought leader in data engineering. "
    "In the next five years I want to grow into a team lead role, and I think your company's mission "
    "really aligns with that."
)


@pytest.mark.parametrize("voice", ["pyttsx3", "espeak", "piper"])
def test_voices_speak_long_text(voice, capfd):
    chain = SpeakerChain(voice, warn=pytest.fail)
    audio = chain.synthesize(HARD_TEXT)
    assert chain.name == voice
    assert 6 < len(audio) / 16000 < 25
    assert np.abs(audio).max() > 0.05
    assert "Audio saved" not in capfd.readouterr().out  # pyttsx3's chatter is kept off our output


def test_repeated_questions_each_get_their_own_audio():
    chain = SpeakerChain("pyttsx3", warn=pytest.fail)
    short = chain.synthesize("Why this company?")
    long = chain.synthesize(HARD_TEXT)
    again = chain.synthesize("Why this company?")
    assert len(long) > 3 * len(short)
    assert abs(len(again) - len(short)) < 1600  # not written twice


def test_pyttsx3_waits_for_espeak_to_finish_the_file(monkeypatch):
    """The race behind a flaky run of the test above: pyttsx3's espeak driver returns from runAndWait()
    once espeak-ng has queued the text, and espeak-ng synthesises in its own thread. Here the synthesis
    starts only after runAndWait() has returned (as on a busy machine, deterministically): the voice
    must wait for the file rather than read it missing or half-written."""
    import threading

    from pyttsx3.drivers import _espeak
    from pyttsx3.engine import Engine

    returned = threading.Event()
    synth, run_and_wait = _espeak.Synth, Engine.runAndWait
    late = []

    def late_synth(*args, **kwargs):  # espeak-ng gets the text only once runAndWait() is back
        late.append(threading.Thread(target=lambda: returned.wait(10) and synth(*args, **kwargs)))
        late[-1].start()

    def run_and_wait_then_mark(self):
        returned.clear()
        run_and_wait(self)
        returned.set()

    monkeypatch.setattr(_espeak, "Synth", late_synth)
    monkeypatch.setattr(Engine, "runAndWait", run_and_wait_then_mark)
    voice = Pyttsx3Voice()
    short, long = voice.synthesize("Why this company?"), voice.synthesize(HARD_TEXT)
    for thread in late:
        thread.join()
    assert len(late) == 2  # one synthesis each: no retry was needed
    assert len(long) > 3 * len(short) > 3 * 16000 * 0.5


def test_silent_result_is_rejected_and_chain_falls_back():
    with pytest.raises(VoiceError):
        _check(np.zeros(16000, dtype=np.float32), "five words of text here", "x")
    warnings = []

    class Broken:
        name = "pyttsx3"

        def synthesize(self, text):
            raise VoiceError("wrote no audio")

    chain = SpeakerChain("pyttsx3", warn=warnings.append)
    chain._engines["pyttsx3"] = Broken()
    audio = chain.synthesize("Tell me about yourself.")
    assert chain.name == "espeak" and len(audio) > 8000
    assert "wrote no audio" in warnings[0]


def test_none_voice_is_silent_and_unknown_voice_errors():
    assert len(SpeakerChain("none").synthesize("Hello there")) == 0
    with pytest.raises(VoiceError, match="unknown voice"):
        SpeakerChain("robot")
