"""Steady voiced stretches on synthetic sounds: held vowels found, changing
sounds, noise and quiet voice not; fast enough to run after the answer."""


import numpy as np
import pytest

from voice_mock.speech.acoustics import steady_voiced
from voice_mock.interview.pipeline import AnswerAnalysis, steady_from_dict
from voice_mock.types import Interval

RATE = 16000


def vowel(seconds: float, f0: float = 120.0, formants=(700.0, 1200.0, 2600.0), amp: float = 0.2) -> np.ndarray:
    """A held vowel: harmonics of f0 weighted by resonances at the formants."""
    t = np.arange(int(seconds * RATE)) / RATE
    out = np.zeros_like(t)
    for k in range(1, int(4000 / f0)):
        f = k * f0
        gain = sum(1.0 / (1.0 + ((f - fm) / 120.0) ** 2) for fm in formants)
        out += gain * np.sin(2 * np.pi * f * t)
    return (amp * out / np.max(np.abs(out))).astype(np.float32)


def syllables(seconds: float) -> np.ndarray:
    """Lexical-like voice: a different vowel every 70 ms (fluent speech moves
    from sound to sound far faster than a held 'um')."""
    shapes = [(300.0, 2300.0, 3000.0), (700.0, 1100.0, 2500.0), (500.0, 900.0, 2400.0), (400.0, 1900.0, 2600.0)]
    n = int(seconds / 0.07)
    return np.concatenate([vowel(0.07, 110.0 + 8 * (i % 5), shapes[i % len(shapes)]) for i in range(n)])


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def test_held_vowel_between_changing_speech_is_found_with_its_span():
    audio = np.concatenate([syllables(1.0), vowel(0.5), syllables(1.0)])
    found = steady_voiced(audio)
    assert len(found) == 1
    # The steady core: edges within a comparison span (40 ms) and a frame.
    assert found[0].start == pytest.approx(1.0, abs=0.07)
    assert found[0].end == pytest.approx(1.5, abs=0.1)
    assert all(isinstance(x, float) for x in (found[0].start, found[0].end))  # plain JSON numbers


def test_changing_voice_is_not_steady():
    assert steady_voiced(syllables(3.0)) == []


def test_short_held_vowel_is_an_ordinary_vowel():
    audio = np.concatenate([syllables(1.0), vowel(0.12), syllables(1.0)])
    assert steady_voiced(audio) == []


def test_steady_noise_is_not_voiced():
    noise = np.random.default_rng(0).normal(0, 0.05, int(1.0 * RATE)).astype(np.float32)
    assert steady_voiced(np.concatenate([syllables(1.0), noise, syllables(1.0)])) == []


def test_quiet_hum_far_below_the_answer_is_ignored():
    audio = np.concatenate([syllables(1.0), vowel(0.5, amp=0.2 * 10 ** (-40 / 20)), syllables(1.0)])
    assert steady_voiced(audio) == []


def test_only_inside_the_speech_given():
    audio = np.concatenate([syllables(1.0), vowel(0.5), syllables(1.0), vowel(0.5)])
    found = steady_voiced(audio, speech=[Interval(2.4, 3.0)])
    assert len(found) == 1 and found[0].start >= 2.4


def test_silence_and_scraps_give_nothing():
    assert steady_voiced(silence(2.0)) == []
    assert steady_voiced(np.zeros(100, dtype=np.float32)) == []
    assert steady_voiced(np.zeros(0, dtype=np.float32)) == []


def test_two_minutes_in_chunks_find_every_held_vowel():
    # Longer than one processing chunk (20 s): held vowels on chunk edges are
    # found like the others. (Speed is measured by benchmarks/latency.py.)
    audio = np.tile(np.concatenate([syllables(2.0), vowel(0.4), silence(0.6)]), 40)
    speech = [Interval(0.0, len(audio) / RATE)]
    found = steady_voiced(audio, speech)
    assert len(found) == 40


def test_transcript_keeps_the_steady_stretches_for_a_replay():
    analysis = AnswerAnalysis([], [Interval(0.0, 2.0)], 2.0, None, [Interval(0.5, 0.9)])
    data = analysis.transcript_dict()
    assert steady_from_dict(data) == [Interval(0.5, 0.9)]
    del data["steady"]
    assert steady_from_dict(data) is None  # saved before the measure: not measured
