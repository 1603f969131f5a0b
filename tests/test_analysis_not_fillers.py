"""Precision first: what is not a filled pause is not counted as one.

Laughter, a cut-off word fragment, a word drawn out in hesitation and held
voice with no word written on it are not counted (at most listed as a
"possible" filler); several filler tokens on one sound are one.
"""

import numpy as np
from test_acoustics import RATE, silence, syllables, vowel
from test_analysis_helpers import end_of, say, speech_of

from voice_mock.analysis import analyze
from voice_mock.analysis.text import filled_pause_form
from voice_mock.speech.acoustics import steady_voiced
from voice_mock.speech.transcriber import is_annotation
from voice_mock.types import Interval, Word


def laughter(bursts: int = 3, last_s: float = 0.35) -> np.ndarray:
    """"ha-ha-haaa": short voiced bursts, each opened by breath noise, pitch
    falling from burst to burst, the last one held: voiced and steady enough
    to pass the held-voice test, as real laughs are (FIELD-NOTES §2)."""
    rng = np.random.default_rng(0)
    out = []
    for k in range(bursts):
        breath = (0.03 * rng.standard_normal(int(0.05 * RATE))).astype(np.float32)
        length = last_s if k == bursts - 1 else 0.11
        out += [breath, vowel(length, f0=260.0 - 12 * k, formants=(800.0, 1300.0, 2700.0))]
    return np.concatenate(out)


def _answer_with(middle: np.ndarray):
    """Speech, then `middle` with no word written on it, then speech."""
    audio = np.concatenate([syllables(1.4), silence(0.3), middle, silence(0.3), syllables(1.4)])
    before = say("I led the project", 0.0, word_s=0.32)
    start_after = 1.4 + 0.3 + len(middle) / RATE + 0.3
    after = say("and it shipped", start_after, word_s=0.45)
    speech = speech_of(before) + [Interval(1.7, 1.7 + len(middle) / RATE)] + speech_of(after)
    return audio, before + after, speech


def test_laughter_is_not_counted_as_a_filler():
    audio, words, speech = _answer_with(laughter())
    steady = steady_voiced(audio, speech)
    assert steady, "the held end of the laugh passes the held-voice test"
    fb = analyze(words, speech, len(audio) / RATE, steady=steady)
    assert fb.hesitation.filled_pause_count == 0, fb.hesitation.filled_pauses
    assert all(f.confidence < 0.5 for f in fb.hesitation.filled_pauses)


def test_laughter_written_by_the_model_is_not_a_filler():
    for text in ("[laughter]", "(laughs)", "*laughs*", "Haha.", "ha", "Hahaha"):
        assert filled_pause_form(text) is None, text
    assert is_annotation("[LAUGHTER]") and is_annotation("(laughs)")


def test_held_voice_with_no_word_on_it_is_only_possible():
    # a held vowel alone: "um", or a drawn-out word, a sigh, a laugh: listed, not counted
    audio, words, speech = _answer_with(vowel(0.5))
    steady = steady_voiced(audio, speech)
    assert steady, "the held vowel is measured"
    fb = analyze(words, speech, len(audio) / RATE, steady=steady)
    (possible,) = fb.hesitation.filled_pauses
    assert possible.source == "audio" and possible.confidence < 0.5
    assert fb.hesitation.filled_pause_count == 0


def test_written_filler_on_held_voice_is_counted():
    audio, words, speech = _answer_with(vowel(0.5))
    words = sorted(words + [Word("um,", 1.65, 1.65, 0.9)], key=lambda w: w.start)
    fb = analyze(words, speech, len(audio) / RATE, steady=steady_voiced(audio, speech))
    assert fb.hesitation.filled_pause_count == 1


def test_cut_off_fragment_is_a_restart_not_a_filler():
    words = say("so the mm- Montreal forced aligner works", word_s=0.3)
    fb = analyze(words, speech_of(words), end_of(words) + 0.5)
    assert fb.hesitation.filled_pauses == []
    assert [r.text for r in fb.hesitation.restarts] == ["mm- Montreal"]
    assert filled_pause_form("um-") == "um"  # a cut-short "um" is still an "um"


def test_word_drawn_out_in_hesitation_is_a_lengthened_word():
    words = [Word("the", 0.0, 0.8, 0.95), Word("Montreal", 0.85, 1.3, 0.95), Word("aligner.", 1.35, 1.9, 0.95)]
    fb = analyze(words, [Interval(0.0, 1.9)], 2.5, steady=[Interval(0.1, 0.75)])
    assert fb.hesitation.filled_pause_count == 0 and fb.hesitation.filled_pauses == []
    (lengthened,) = fb.hesitation.lengthened_words
    assert (lengthened.text, lengthened.held_s) == ("the", 0.65)
    assert fb.to_dict()["hesitation"]["lengthened_words"][0]["text"] == "the"


def test_phrase_final_lengthening_is_not_hesitation():
    words = [Word("I", 0.0, 0.2, 0.95), Word("agree.", 0.25, 1.0, 0.95)]
    fb = analyze(words, [Interval(0.0, 1.0)], 1.5, steady=[Interval(0.4, 0.95)])
    assert fb.hesitation.lengthened_words == []


# ------------------------------------------- the tune of held voice (held_pitch.py)
# Held voice with no word on it is counted only when its pitch is a filled
# pause's too: small movement, low in the speaker's range, level or falling.
# The answer's own words (syllables()) are voiced at 110-142 Hz.


def glide(seconds: float, f0_from: float, f0_to: float, formants=(700.0, 1200.0, 2600.0)) -> np.ndarray:
    """A held vowel whose pitch moves from f0_from to f0_to (Hz)."""
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = np.linspace(f0_from, f0_to, len(t))
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    out = np.zeros_like(t)
    for k in range(1, int(4000 / max(f0_from, f0_to))):
        gain = sum(1.0 / (1.0 + ((k * f0 - fm) / 120.0) ** 2) for fm in formants)
        out += gain * np.sin(k * phase)
    return (0.2 * out / np.max(np.abs(out))).astype(np.float32)


def _measured(audio, words, speech):
    from voice_mock.speech.prosody import pitch_track

    steady = steady_voiced(audio, speech)
    assert steady, "the held voice is measured"
    return analyze(words, speech, len(audio) / RATE, steady=steady, prosody=pitch_track(audio, RATE, speech))


def test_held_voice_with_a_filled_pause_tune_is_counted():
    # low (95 Hz under the words' ~125) and falling a little: an "uh" Whisper did not write
    fb = _measured(*_answer_with(glide(0.5, 97.0, 93.0)))
    (um,) = fb.hesitation.filled_pauses
    assert (um.text, um.source) == ("[um?]", "audio") and um.confidence >= 0.5
    assert fb.hesitation.filled_pause_count == 1


def test_held_voice_without_the_tune_stays_possible():
    for name, held in (
        ("high", vowel(0.5, f0=180.0)),  # an exaggerated or falsetto vowel, a laugh's pitch
        ("rising", glide(0.5, 92.0, 100.0)),  # low but rising: a questioning, drawn vowel
        ("sweeping", glide(0.5, 80.0, 110.0)),  # moving 5 semitones
    ):
        fb = _measured(*_answer_with(held))
        assert fb.hesitation.filled_pauses, name
        assert fb.hesitation.filled_pause_count == 0, (name, fb.hesitation.filled_pauses)


def test_laughter_with_its_pitch_measured_is_not_counted():
    fb = _measured(*_answer_with(laughter()))
    assert fb.hesitation.filled_pause_count == 0, fb.hesitation.filled_pauses


def test_held_end_of_a_sentence_is_not_counted_even_with_the_tune():
    # "...the project." with its last vowel drawn out low and level, straight on: phrase-final
    # lengthening, not an "uh" (mfa_affectation's "aligner" in tests/data/real)
    audio = np.concatenate([syllables(1.4), glide(0.5, 97.0, 93.0), silence(0.3), syllables(1.4)])
    words = say("I led the project.", 0.0, word_s=0.35) + say("and it shipped", 2.2, word_s=0.45)
    speech = [Interval(0.0, 1.9), Interval(2.2, 3.6)]
    fb = _measured(audio, words, speech)
    assert fb.hesitation.filled_pauses and fb.hesitation.filled_pause_count == 0, fb.hesitation.filled_pauses


def _held_voice_then_word_with_no_length(before: str, word: str, at_s: float, after: str, after_word_s: float):
    """Four words over 1.4 s, a low held vowel with a filled pause's tune (1.4-1.85 s), then
    `word` stamped with no length at `at_s` and the words `after` from there."""
    audio = np.concatenate([syllables(1.4), glide(0.45, 97.0, 93.0), syllables(1.4)])
    words = say(before, 0.0, word_s=0.35) + [Word(word, at_s, at_s, 0.93)] + say(after, at_s, word_s=after_word_s)
    return _measured(audio, words, [Interval(0.0, 3.25)])


def test_unwritten_uh_after_a_sentence_end_is_counted_and_keeps_its_place():
    # "...the project. [uh] and it shipped", the "uh" not written and "and" stamped with no
    # length just after it (cold_corpus3 in tests/data/real): the "and" does not take the
    # held voice, which is counted by its tune (the island leaves ~0.2 s for the "and")
    fb = _held_voice_then_word_with_no_length("I led the project.", "and", 1.95, "it shipped", 0.7)
    assert fb.hesitation.filled_pause_count == 1, fb.hesitation.filled_pauses
    (uh,) = fb.hesitation.filled_pauses
    assert 1.35 <= uh.start and uh.end <= 1.95, uh
    assert "and" in fb.transcript


def test_word_stamped_with_no_length_right_after_held_voice_takes_it_even_with_the_tune():
    # "I have a cold, sooo this": Whisper wrote "so" at one instant 0.07 s after its own
    # drawn-out vowel (cold_corpus3 in tests/data/real: "so" said 8.10-8.54 s, stamped at
    # 8.62 s, the held vowel low and falling like an "uh"). No room for the word beside the
    # held voice: it is the word's own, and no filler is counted (precision first).
    fb = _held_voice_then_word_with_no_length("I have a cold,", "so", 1.8, "this is it", 0.45)
    assert fb.hesitation.filled_pause_count == 0, fb.hesitation.filled_pauses
    assert "so" in fb.transcript.split()
