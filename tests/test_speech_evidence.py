"""Hallucinations decided on evidence in the audio (speech/evidence.py), on real recordings."""

from pathlib import Path

import numpy as np
from conftest import tone

from voice_mock.audio.formats import load_audio
from voice_mock.speech.evidence import (
    is_hallucinated, is_known_tail, merge_filler_runs, sound_activity, sound_intervals, with_quiet_speech,
)
from voice_mock.speech.transcriber import is_annotation
from voice_mock.types import Interval, Word

REAL = Path(__file__).resolve().parent / "data" / "real" / "audio"


def _collapsed(text: str, at: float) -> list[Word]:
    """Every word stamped at one instant, as Whisper stamps real disfluent speech."""
    return [Word(t, at, at, 0.9) for t in text.split()]


def test_real_disfluent_sentence_with_collapsed_stamps_is_kept():
    # acoustic_corpus, 22.3-25.3 s: "um and that should be all thanks" (forced-aligned).
    audio = load_audio(REAL / "acoustic_corpus.flac")
    active = sound_activity(audio)
    words = _collapsed("Um, and, uh, that should be all.", 23.3) + [Word("Thanks.", 25.0, 25.2, 0.99)]
    assert not is_hallucinated("Um, and, uh, that should be all. Thanks.", words, -0.4, active)
    # The rule it replaces dropped this sentence: most words take no time.
    assert sum(w.end - w.start < 0.06 for w in words) / len(words) >= 0.5


def test_known_tail_on_silence_is_dropped():
    # cold_corpus3 ends at 22.7 s; tiny.en with the filler prompt wrote this after it.
    audio = load_audio(REAL / "cold_corpus3.flac")
    active = sound_activity(audio)
    tail = [Word("Thank", 23.3, 23.6, 0.005)] + _collapsed("you so much for watching.", 23.6)
    assert is_hallucinated("Thank you so much for watching.", tail, -1.14, active)
    # Confidently said with sound under it, the same words are kept.
    said = [Word("Thank", 21.9, 22.1, 0.95), Word("you.", 22.1, 22.5, 0.97)]
    assert not is_hallucinated("Thank you.", said, -0.2, active)


def test_doubted_text_with_no_sound_under_it_is_dropped_and_real_text_is_not():
    audio = np.concatenate([tone(1.0, amp=0.3), np.zeros(16000, dtype=np.float32)])
    active = sound_activity(audio)
    assert is_hallucinated("I'm going to go.", [Word("going", 1.4, 1.8, 0.3)], -1.3, active)
    assert not is_hallucinated("I'm going to go.", [Word("going", 0.2, 0.6, 0.3)], -1.3, active)
    assert not is_hallucinated("I'm going to go.", [Word("going", 1.4, 1.8, 0.9)], -0.3, active)


def test_known_tails():
    assert is_known_tail("Thank you.") and is_known_tail(" Thanks for watching!")
    assert is_known_tail("Thank you so much for watching, and I'll see you in the next one.")
    assert not is_known_tail("So this is the sick corpus.")
    assert not is_known_tail("You know, I led the team.")


def test_filler_loops_become_one():
    words = [Word("uh", 1.0, 1.0), Word("uh", 1.0, 1.1), Word("uh", 1.1, 1.1), Word("then", 1.2, 1.4),
             Word("uh", 3.0, 3.2)]
    merged = merge_filler_runs(words, lambda t: t == "uh")
    assert [(w.text, w.start, w.end) for w in merged] == [("uh", 1.0, 1.1), ("then", 1.2, 1.4), ("uh", 3.0, 3.2)]


def test_whispered_words_that_vad_missed_are_speech():
    audio = load_audio(REAL / "whisper.flac")  # "this is all very whispered", no voicing
    sound = sound_intervals(sound_activity(audio))
    words = [Word("This", 0.0, 0.86, 0.77), Word("is", 0.86, 1.24, 0.99), Word("whispered.", 1.74, 2.62, 0.44)]
    vad = [Interval(0.928, 1.024)]
    speech = with_quiet_speech(vad, sound, words)
    assert speech[0].start < 0.5 and any(iv.start <= 1.0 <= iv.end for iv in speech)
    # a doubted word gets no sound added: no speech after 1.3 s
    assert not any(iv.end > 1.74 for iv in speech)


def test_notes_of_sounds_are_not_words():
    assert is_annotation("[laughter]") and is_annotation("(laughs)") and is_annotation("*coughs*")
    assert not is_annotation("laughed") and not is_annotation("(a)b")


def test_vad_filter_is_skipped_only_where_it_would_cut_sound_away():
    from conftest import SAMPLES

    from voice_mock.speech.transcriber import vad_misses_sound

    # Whispered: Silero hears 0.1 s of 5 s; decoded without its filter.
    whispered = load_audio(REAL / "whisper.flac")
    assert vad_misses_sound(whispered, sound_activity(whispered))
    # Voiced speech with pauses: VAD's chunks (padded 0.3 s) hold all the sound.
    voiced = load_audio(SAMPLES / "career-aspirations.flac")[: 16000 * 12]
    assert not vad_misses_sound(voiced, sound_activity(voiced))
    quiet = np.zeros(16000 * 2, dtype=np.float32)
    assert not vad_misses_sound(quiet, sound_activity(quiet))
