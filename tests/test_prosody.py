"""Pitch and loudness measured on audio (speech/prosody.py) and the delivery
verdicts on it: synthetic voices of known pitch, and espeak-ng speech read
flat and lively."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from voice_mock.analysis.config import DeliveryConfig
from voice_mock.analysis.delivery import measure_delivery
from voice_mock.speech.prosody import pitch_track
from voice_mock.types import Interval

RATE = 16000


def voice(f0: np.ndarray, amp: float = 0.3, rate: int = RATE) -> np.ndarray:
    """A glottal-pulse-like tone: harmonics falling 6 dB an octave (a
    sawtooth, as the glottal source plus lip radiation), following the F0
    contour `f0` (Hz per sample) exactly through its phase."""
    phase = 2 * np.pi * np.cumsum(f0) / rate
    out = np.zeros(len(f0))
    for k in range(1, 40):
        audible = (k * f0 < 0.45 * rate).astype(float)
        out += audible * np.sin(k * phase) / k
    return (amp * out / np.abs(out).max()).astype(np.float32)


def voiced(track):
    return np.array([f for f in track.f0_hz if f is not None])


@pytest.mark.parametrize("hz", [95.0, 120.0, 210.0, 330.0])
def test_median_of_a_steady_voice_is_its_pitch(hz):
    track = pitch_track(voice(np.full(3 * RATE, hz)))
    f0 = voiced(track)
    assert len(f0) * track.hop_s > 2.5  # nearly all of it is voiced
    assert abs(np.median(f0) - hz) < 0.01 * hz


def test_range_of_a_glide_is_its_range_in_semitones():
    # One octave up over 4 s, exponentially: 5th to 95th percentile = 0.9 octave.
    seconds = 4.0
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 110.0 * 2 ** (t / seconds)
    track = pitch_track(voice(f0))
    d = measure_delivery(track, [], [Interval(0.0, seconds)], Interval(0.0, seconds), DeliveryConfig())
    assert d.measured
    assert abs(d.pitch.range_st - 0.9 * 12) < 0.5
    assert abs(d.pitch.median_hz - 110.0 * 2 ** 0.5) < 3.0
    # The contour follows the glide frame by frame.
    for t_s, hz in track.voiced()[5:-5:20]:
        assert abs(12 * np.log2(hz / (110.0 * 2 ** (t_s / seconds)))) < 0.3


def test_silence_and_noise_are_not_voiced_and_levels_follow_the_signal():
    rng = np.random.default_rng(1)
    audio = np.concatenate([np.zeros(RATE), 0.05 * rng.standard_normal(RATE), voice(np.full(RATE, 150.0), amp=0.1)])
    track = pitch_track(audio.astype(np.float32))
    first, second, third = track.span(0.1, 0.9), track.span(1.1, 1.9), track.span(2.1, 2.9)
    assert not first.voiced() and not second.voiced()
    assert len(third.voiced()) >= 0.9 * len(third)
    assert max(first.level_db) <= -99.0
    assert abs(np.median(second.level_db) - 20 * np.log10(0.05)) < 1.0


def test_speech_intervals_limit_where_pitch_is_tracked():
    audio = voice(np.full(3 * RATE, 150.0))
    track = pitch_track(audio, RATE, speech=[Interval(1.0, 2.0)])
    times = [t for t, _ in track.voiced()]
    assert times and min(times) >= 0.9 and max(times) <= 2.1
    assert len(track.level_db) == len(track.f0_hz)  # level everywhere


def test_short_or_empty_audio_gives_an_empty_track():
    assert len(pitch_track(np.zeros(100, dtype=np.float32))) == 0
    assert not pitch_track(np.zeros(RATE, dtype=np.float32)).voiced()


TEXT = (
    "In my last role I led a small team that rebuilt our data pipeline. We cut the nightly run "
    "from six hours to forty minutes, and I learned how much a clear plan helps everyone. Since "
    "then I have mentored two junior engineers, and both now own parts of the system. I would "
    "like to bring that same focus on results to your team, where I can keep growing as a leader."
)


def espeak_ssml(tmp_path, pitch_range: str) -> np.ndarray:
    from voice_mock.audio.formats import load_audio

    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is not installed (scripts/setup.sh installs it)")
    path = tmp_path / f"{pitch_range}.wav"
    ssml = f'<speak><prosody range="{pitch_range}">{TEXT}</prosody></speak>'
    subprocess.run(["espeak-ng", "-m", "-w", str(path), ssml], check=True)
    return load_audio(path)


def test_the_same_answer_read_flat_and_lively(tmp_path):
    from voice_mock.audio.vad import speech_intervals

    results = {}
    for pitch_range in ("x-low", "x-high"):
        audio = espeak_ssml(tmp_path, pitch_range)
        speech = speech_intervals(audio)
        track = pitch_track(audio, RATE, speech)
        span = Interval(speech[0].start, speech[-1].end)
        results[pitch_range] = measure_delivery(track, [], speech, span, DeliveryConfig())
    flat, lively = results["x-low"], results["x-high"]
    assert flat.monotone is True and lively.monotone is False
    assert lively.pitch.range_st - flat.pitch.range_st >= 3.0
    assert [f.kind for f in flat.findings] == ["monotone"]
    assert not [f for f in lively.findings if f.kind == "monotone"]


REAL = Path(__file__).resolve().parent / "data" / "real"


def real_clip(clip_id):
    from voice_mock.audio.formats import load_audio

    clip = next(c for c in json.loads((REAL / "manifest.json").read_text())["clips"] if c["id"] == clip_id)
    return clip, load_audio(REAL / clip["audio"])


@pytest.mark.parametrize("clip_id", ["whisper", "whisper2"])
def test_real_whispered_speech_is_said_to_be_not_measured(clip_id):
    from voice_mock.analysis.words import AlignedWord
    from voice_mock.audio.vad import speech_intervals

    clip, audio = real_clip(clip_id)
    speech = speech_intervals(audio)
    # The words as a recogniser would stamp them: spread over the clip (the
    # VAD hears little of a whisper).
    texts = clip["transcript"].split()
    step = (clip["duration_s"] - 1.0) / len(texts)
    words = [AlignedWord(t, 0.5 + k * step, 0.5 + (k + 0.9) * step) for k, t in enumerate(texts)]
    span = Interval(words[0].start, words[-1].end)
    d = measure_delivery(pitch_track(audio, RATE, speech), words, speech, span, DeliveryConfig())
    assert not d.measured and d.monotone is None
    assert d.reason.startswith("whispered, breathy or hoarse speech")


def test_a_real_voice_is_measured():
    from voice_mock.audio.vad import speech_intervals

    clip, audio = real_clip("acoustic_corpus")
    speech = speech_intervals(audio)
    d = measure_delivery(pitch_track(audio, RATE, speech), [], speech,
                         Interval(*clip["speaking_span"]), DeliveryConfig())
    # Praat's own speech settings over the whole clip give a median of 103 Hz.
    assert d.measured and 95 < d.pitch.median_hz < 110
    assert d.monotone is False and d.pitch.voiced_share > 0.4
