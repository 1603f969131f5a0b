"""Filled pauses, filler phrases (with their false-positive guards), silent
pauses, repetitions, restarts, rates and clusters."""

import pytest
from test_analysis_helpers import say, speech_of

from voice_mock.analysis import analyze, analyze_text
from voice_mock.analysis.text import filled_pause_form
from voice_mock.types import Interval, Word


@pytest.mark.parametrize(
    "written, form",
    [("Um,", "um"), ("umm", "umm"), ("Uh.", "uh"), ("uhh", "uhh"), ("er", "er"), ("erm", "erm"),
     ("Hmm.", "hmm"), ("ah", "ah"), ("mm", "mm"), ("uh-huh", None), ("mm-hmm", None),
     ("um-", "um"), ("the", None), ("a", None), ("hum", None)],
)
def test_filled_pause_spellings(written, form):
    assert filled_pause_form(written) == form


def test_err_as_a_verb_is_not_a_filler():
    assert filled_pause_form("err", previous="to") is None
    assert filled_pause_form("err", previous="and") == "err"


def phrases(text):
    return [p.text for p in analyze_text(text).hesitation.filler_phrases]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I like my team.", []),
        ("I would like to lead a team.", []),
        ("I'd like to grow into the role.", []),
        ("We really like the product.", []),
        ("It looks like a good fit.", []),
        ("It's like a family here.", []),
        ("We used tools like Jira and Git.", []),
        ("Like I said, it worked.", []),
        ("What kind of leader are you?", []),
        ("She is the kind of person who helps.", []),
        ("The sky was sort of blue.", []),
        ("That sort of problem is common.", []),
        ("Do you know the answer?", []),
        ("As you know the market moved.", []),
        ("I mean it.", []),
        ("That's what I mean by quality.", []),
        ("That's the right person for the job.", []),
        ("Right now we ship weekly.", []),
        ("I was, like, really nervous.", ["like"]),
        ("And like we shipped it anyway.", ["like"]),
        ("So um like we shipped it.", ["like"]),
        ("You know, it was hard.", ["you know"]),
        ("It was hard, you know?", ["you know"]),
        ("I mean, it was fine.", ["i mean"]),
        ("It was, kind of, hard.", ["kind of"]),
        ("It basically worked and I actually enjoyed it, literally.", ["basically", "actually", "literally"]),
        ("We shipped it on time, right?", ["right"]),
        ("Right, so the plan was simple.", ["right"]),
    ],
)
def test_filler_phrases_and_their_guards(text, expected):
    assert phrases(text) == expected


def test_sort_of_as_adverb_is_a_hedge_not_a_filler():
    fb = analyze_text("The sky was sort of blue and I guess it was fine. What kind of leader am I?")
    assert fb.hesitation.filler_phrases == []
    hedges = [e.text for e in fb.content.hedging.evidence]
    assert hedges == ["sort of", "I guess"]


def reps(text):  # repetitions as said
    return [(r.text, r.count) for r in analyze_text(text).hesitation.repetitions]


def test_repetitions():
    assert reps("I I think the the result was good.") == [("I I", 2), ("the the", 2)]
    assert reps("We we we shipped it.") == [("We we we", 3)]
    assert reps("I was I was going to say it.") == [("I was I was", 2)]
    assert reps("I um I think so.") == [("I I", 2)]  # a filler between does not break it


def test_ordinary_doubles_are_not_repetitions():
    assert reps("I knew that that was very very risky.") == []
    assert reps("We built the team. Team work mattered.") == []


def restarts(text):
    return [r.text for r in analyze_text(text).hesitation.restarts]


def test_restarts():
    assert restarts("We were go- we went home.") == ["We were go"]
    assert restarts("The plan- it failed.") == ["plan- it"]  # a cut-off with no reopening
    assert restarts("I think we, I think the team did well.") == ["I think we"]
    assert restarts("We decided, we chose to move.") == ["We decided"]
    assert restarts("I went um I decided to stay.") == ["I went"]
    # samples/hard-restart, as transcribed:
    text = "I went to, I decided to go to a smaller company. At my job, the team is, the teams are large."
    assert restarts(text) == ["I went to", "the team is"]


def test_no_restart_in_ordinary_sentences():
    assert restarts("I went home and I slept.") == []
    assert restarts("I went home, I slept well and I woke up early.") == []
    assert restarts("We shipped it. We celebrated.") == []


def test_leading_and_trailing_silence_are_not_pauses():
    words = say("I joined the team.", 2.0) + say("Then it grew.", 4.0)
    fb = analyze(words, speech_of(words), 12.0)
    (p,) = fb.hesitation.pauses  # only the 0.6 s gap between the sentences
    assert (p.start, p.end, p.location) == (3.35, 4.0, "between_sentences")


def test_pause_kinds_and_locations_on_exact_gaps():
    words = (
        say("We planned the", 0.0)  # ends 1.0
        + say("launch.", 1.4)  # 0.4 s inside a clause
        + say("Then", 3.0)  # 1.3 s between sentences
        + say("we waited for", 6.5)  # 3.2 s after "Then": inside a clause, very long
        + say("approval,", 8.0)  # ends 8.3
        + say("and it came.", 9.5)  # 1.2 s after a comma
    )
    fb = analyze(words, speech_of(words), 12.0)
    got = [(round(p.duration_s, 2), p.kind, p.location, p.before) for p in fb.hesitation.pauses]
    assert got == [
        (0.4, "counted", "within_clause", "the"),
        (1.3, "long", "between_sentences", "launch"),
        (3.2, "very_long", "within_clause", "then"),
        (0.5, "counted", "within_clause", "for"),
        (1.2, "long", "between_clauses", "approval"),
    ]
    h = fb.hesitation
    assert (h.long_pause_count, h.very_long_pause_count) == (3, 1)
    minutes = fb.pacing.duration_s / 60
    # weights: between sentences 0.5, very long within clause 1.5 * 2, between clauses 1.0
    assert h.weighted_long_pauses_per_min == pytest.approx((0.5 + 3.0 + 1.0) / minutes)
    (finding,) = [f for f in fb.findings if f.rule == "pauses.long"]
    assert finding.severity == "high" and (finding.start, finding.end) == (3.3, 6.5)
    assert "3.2 s at 0:03" in finding.message


def test_filler_rates_per_minute_and_per_100_words():
    text = " ".join(["we shipped the product"] * 15)  # 60 words
    words = say(text, 0.0, 0.4, 0.1)  # span 0-29.9 s
    fillers = [Word("um", t, t) for t in (5.02, 10.02, 15.02)]
    fb = analyze(words + fillers, speech_of(words), 30.0)
    h = fb.hesitation
    assert h.filled_pause_count == 3
    assert h.filled_pauses_per_min == pytest.approx(3 / (29.9 / 60))
    assert h.filled_pauses_per_100_words == pytest.approx(5.0)


def um_answer():
    """A 60-s answer with 7 'um', 5 of them in the first 20 s."""
    words = say(" ".join(["we built a tool"] * 40), 0.0, 0.325, 0.05)  # 160 words, 0-59.9 s
    speech = [Interval(0.0, 60.0)]
    times = (2.0, 5.0, 9.0, 13.0, 17.0, 35.0, 50.0)
    fillers = [Word("Um,", t, t + 0.3) for t in times]
    return words + fillers, speech


def test_filled_pause_finding_says_how_many_and_where():
    words, speech = um_answer()
    fb = analyze(words, speech, 60.0)
    (f,) = [f for f in fb.findings if f.rule == "fillers.filled_pauses"]
    assert "'um' 7 times" in f.message and "mostly in the first 20 s" in f.message
    assert f.severity == "medium"  # 7 a minute: > 5, < 12
    assert (f.start, f.end) == (2.0, 50.3)  # fillers inside speech keep their own stamps


def test_hesitation_cluster_on_timeline():
    words = say("So I I think we, um, like, we had the the plan ready and then it shipped on time.")
    fb = analyze(words, speech_of(words), 8.0)
    (cluster,) = fb.hesitation.clusters
    assert cluster.count >= 4 and "repetition" in cluster.kinds and "filler_phrase" in cluster.kinds


def test_text_answer_has_no_pauses_and_says_so():
    fb = analyze_text("I mean, I led the team.")
    assert fb.hesitation.pauses == [] and not fb.hesitation.pauses_measured
    assert {"pacing", "pauses"} <= {n.item for n in fb.measured.not_measured}
