"""Words against the audio: hallucinations, re-timed fillers, voiced islands."""

from test_analysis_helpers import end_of, say, speech_of

from voice_mock.analysis import analyze
from voice_mock.analysis.alignment import align
from voice_mock.types import Interval, Word


def test_hallucinated_thank_you_in_silence_is_dropped():
    words = say("I want to grow into a team lead role.")
    speech = speech_of(words)
    words += [Word("Thank", 8.0, 8.3), Word("you.", 8.3, 8.6)]
    fb = analyze(words, speech, 10.0)
    assert "Thank" not in fb.transcript
    assert [w.text for w in fb.words][-1] == "role."
    notes = fb.measured.notes
    assert any("Thank you." in n.reason and n.start == 8.0 for n in notes)


def test_word_near_speech_edge_is_kept():
    words = say("one two three")
    speech = [Interval(0.05, 0.95)]  # VAD edges a little inside the word stamps
    assert [w.text for w in align(words, speech, 2.0).words] == ["one", "two", "three"]


def test_zero_length_um_is_retimed_onto_voiced_island():
    before = say("I started in sales.", 0.0)
    after = say("then I moved to data.", 2.0)
    um = Word("Um,", 1.95, 1.95)  # Whisper: zero length, beside the island, in silence
    speech = speech_of(before) + [Interval(1.5, 1.8)] + speech_of(after)
    result = align(before + [um] + after, speech, 5.0)
    fillers = [w for w in result.words if w.kind == "filler"]
    assert len(fillers) == 1
    f = fillers[0]
    assert (f.start, f.end) == (1.5, 1.8)
    assert f.confidence == 0.9 and f.retimed and f.filler == "um"


def test_several_fillers_in_a_row_spread_over_their_islands():
    before = say("So", 0.0)
    after = say("we shipped it.", 3.0)
    fillers = [Word("uh", 1.0, 1.0), Word("uh", 1.0, 1.0), Word("uh", 2.9, 2.9)]
    islands = [Interval(0.8, 1.1), Interval(1.5, 1.8), Interval(2.2, 2.5)]
    result = align(before + fillers + after, speech_of(before) + islands + speech_of(after), 5.0)
    placed = sorted((w.start, w.end) for w in result.words if w.kind == "filler")
    assert placed == [(0.8, 1.1), (1.5, 1.8), (2.2, 2.5)]


def test_uncovered_short_island_becomes_guessed_filler():
    before = say("I led the project.", 0.0)
    after = say("It shipped on time.", 3.0)
    speech = speech_of(before) + [Interval(2.0, 2.4)] + speech_of(after)
    fb = analyze(before + after, speech, 5.0)
    guessed = [f for f in fb.hesitation.filled_pauses if f.source == "audio"]
    assert len(guessed) == 1
    assert (guessed[0].start, guessed[0].end, guessed[0].text) == (2.0, 2.4, "[um?]")
    assert guessed[0].confidence < 0.5
    assert fb.hesitation.filled_pause_count == 0  # not counted: audio only


def test_long_uncovered_island_is_reported_not_guessed():
    before = say("I led the project.", 0.0)
    after = say("It shipped on time.", 4.0)
    speech = speech_of(before) + [Interval(2.0, 3.5)] + speech_of(after)
    fb = analyze(before + after, speech, 6.0)
    assert not fb.hesitation.filled_pauses
    assert any(n.start == 2.0 and n.end == 3.5 for n in fb.measured.notes)


def test_uncovered_sliver_at_word_edge_is_not_guessed():
    words = say("I led the project.")
    speech = [Interval(0.0, end_of(words) + 0.3)]  # VAD runs on past the last word
    result = align(words, speech, 3.0)
    assert result.islands  # the sliver is found ...
    assert all(w.kind == "word" for w in result.words)  # ... but not called a filler


def test_filler_in_silence_far_from_any_island_is_dropped():
    words = say("I led the project.") + [Word("uh", 5.0, 5.0)]
    result = align(words, speech_of(words), 8.0)
    assert [w.text for w in result.dropped] == ["uh"]


def test_filler_with_own_span_in_speech_is_confirmed_by_its_island():
    words = say("I uh led the project.")
    result = align(words, speech_of(words), 3.0)
    (f,) = [w for w in result.words if w.kind == "filler"]
    assert f.confidence == 0.9 and f.start <= 0.35 and f.end >= 0.65


def test_filler_squeezed_between_words_stays_with_lower_confidence():
    words = [Word("I", 0.0, 0.3), Word("uh", 0.3, 0.4), Word("led", 0.4, 0.7)]
    result = align(words, [Interval(0.0, 0.7)], 1.0)
    (f,) = [w for w in result.words if w.kind == "filler"]
    assert (f.start, f.end, f.confidence, f.retimed) == (0.3, 0.4, 0.8, False)


def test_word_that_absorbed_silence_is_trimmed_to_speech():
    words = [Word("after", 1.0, 2.5)]  # drift: starts during the silence before it
    result = align(words, [Interval(2.0, 2.5)], 3.0)
    assert (result.words[0].start, result.words[0].end) == (2.0, 2.5)


def test_all_silence_drops_everything_and_says_so():
    fb = analyze([Word("Thank", 1.0, 1.2), Word("you.", 1.2, 1.5)], [], 10.0)
    assert fb.words == [] and fb.transcript == ""
    assert fb.findings[0].rule == "speech.none"
    assert fb.scores.overall is None
    items = {n.item for n in fb.measured.not_measured}
    assert {"speech", "pacing"} <= items
