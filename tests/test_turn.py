"""The end-of-turn decision on plain data: words, prosody numbers, timings."""

import pytest

from voice_mock.turn import FINISHED, UNFINISHED, UNSURE, Prosody, TurnEvidence, TurnSettings
from voice_mock.turn import decide as decide_with

MAX = 6.0


def ev(text, spoken_s=40.0, expected=(45.0, 120.0), **kw):
    return TurnEvidence(words=tuple(text.split()) if text is not None else None, spoken_s=spoken_s,
                        expected_s=expected, **kw)


def decide(evidence, max_wait_s, settings=TurnSettings()):
    return decide_with(evidence, max_wait_s, settings)


def test_a_finished_sentence_ends_after_a_short_silence():
    d = decide(ev("I led the migration. I would love to grow with you.", spoken_s=50.0), MAX)
    assert d.verdict == FINISHED and d.wait_s < 1.0
    assert "finished" in d.reason


@pytest.mark.parametrize("text, spoken_s", [
    ("I led the migration. I enjoyed it.", 40.0),  # the question expects 45 s at least
    ("I led the migration.", 12.0),
    ("I led the migration.", 4.0),
])
def test_an_answer_shorter_than_expected_never_ends_sooner_than_the_old_fixed_rule(text, spoken_s):
    # The old rule: 2.5 s of silence, 5 s until 8 s of speech. Before the
    # question's expected length a complete sentence is often followed by
    # another after a thinking pause, so the decision waits at least as long.
    d = decide(ev(text, spoken_s=spoken_s), MAX)
    assert d.wait_s >= (5.0 if spoken_s < 8.0 else 2.5)
    assert decide(ev(text, spoken_s=50.0), MAX).wait_s < d.wait_s


def test_a_closing_phrase_ends_sooner_than_a_plain_sentence_in_a_short_answer():
    closing = decide(ev("I led the migration. That is why I would love to grow with you.", spoken_s=30.0), MAX)
    plain = decide(ev("I led the migration. I would love to grow with you.", spoken_s=30.0), MAX)
    assert closing.verdict == FINISHED and closing.wait_s < 1.0 < plain.wait_s


@pytest.mark.parametrize("text, word", [
    ("I want to lead the planning team and", "and"),
    ("I want to lead the planning team and.", "and"),
    ("We shipped it early because", "because"),
    ("My company is closing the office, so", "so"),
    ("I rewrote the plan and asked the", "the"),
    ("I have worked on", "on"),
    ("My biggest weakness is", "is"),
])
def test_a_sentence_stopped_mid_clause_is_waited_out(text, word):
    d = decide(ev(text), MAX)
    assert d.verdict == UNFINISHED and d.wait_s == MAX
    assert f"'{word}'" in d.reason


@pytest.mark.parametrize("text", ["My biggest weakness is, um", "The best example is, hmm.", "It means that, uh,"])
def test_a_pause_after_a_filler_is_waited_out(text):
    d = decide(ev(text), MAX)
    assert d.verdict == UNFINISHED and d.wait_s == MAX


def test_a_held_um_like_sound_at_the_end_counts_as_a_filler():
    assert decide(ev("I was frustrated.", held_end_s=0.1), MAX).verdict == FINISHED
    assert decide(ev("I was frustrated.", held_end_s=0.5), MAX).verdict == UNFINISHED


def test_a_rhetorical_question_waits_longer_than_a_statement():
    question = decide(ev("I like building pipelines. And my goal?"), MAX)
    statement = decide(ev("I like building pipelines. And my goal is to lead.", spoken_s=50.0), MAX)
    assert question.verdict == UNFINISHED and question.wait_s > 2 * statement.wait_s


def test_a_rising_end_is_not_taken_as_finished():
    rising = Prosody(pitch_slope_st_s=30.0, level_change_db=1.0, voiced_s=0.8)
    falling = Prosody(pitch_slope_st_s=-20.0, level_change_db=-3.0, voiced_s=0.8)
    assert decide(ev("and my goal", prosody=rising), MAX).verdict == UNFINISHED  # words alone say so
    up = decide(ev("I enjoyed the work there.", spoken_s=50.0, prosody=rising), MAX)
    down = decide(ev("I enjoyed the work there.", spoken_s=50.0, prosody=falling), MAX)
    assert up.verdict == UNSURE and down.verdict == FINISHED and up.wait_s > down.wait_s


def test_an_implausible_pitch_slope_is_ignored():
    wild = Prosody(pitch_slope_st_s=150.0, level_change_db=0.0, voiced_s=0.8)  # an octave jump, not intonation
    assert decide(ev("I enjoyed the work there.", prosody=wild), MAX).verdict == FINISHED


@pytest.mark.parametrize("text", [
    "Longer term, I hope to become a mentor for engineers who are.",  # Whisper's full stop, not the speaker's
    "I disagreed with my manager about hiring a contractor for.",
    "The hardest part was.",
])
def test_a_full_stop_after_a_function_word_is_not_an_end(text):
    d = decide(ev(text), MAX)
    assert d.verdict == UNFINISHED and d.wait_s == MAX


def test_stranded_prepositions_and_auxiliaries_can_end_a_sentence():
    for text in ("That is the kind of team I want to work for.", "That is who I am.", "And I did."):
        assert decide(ev(text), MAX).verdict == FINISHED, text
    assert decide(ev("I think so."), MAX).verdict == FINISHED
    assert decide(ev("I want to use them every day, not once in a while."), MAX).verdict == FINISHED


def test_a_list_in_progress_is_waited_out():
    assert decide(ev("There are three things I want from my next role."), MAX).verdict == UNFINISHED
    assert decide(ev("Harder problems, a team I can learn from,"), MAX).verdict == UNFINISHED


def test_a_short_answer_waits_longer_than_a_long_one():
    early = decide(ev("I like data.", spoken_s=4.0), MAX)
    short = decide(ev("I like data.", spoken_s=12.0), MAX)
    long = decide(ev("I like data.", spoken_s=60.0), MAX)
    assert early.wait_s > short.wait_s > long.wait_s
    assert early.verdict == UNSURE


def test_no_words_yet_waits_for_them():
    d = decide(ev(None), MAX)
    assert d.verdict == UNSURE and d.wait_s > 1.0


def test_the_upper_bound_caps_every_wait():
    assert decide(ev("and"), 2.0).wait_s == 2.0
    assert decide(ev(None), 1.0).wait_s == 1.0
