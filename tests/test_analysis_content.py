"""Content: talking points, red flags, STAR, company alignment, relevance,
specificity, hedging, weak language, ownership, negative framing."""

import pytest
from test_analysis_helpers import say, speech_of

from voice_mock.analysis import analyze, analyze_text
from voice_mock.types import Company, Cue, Question

ASPIRATION = Question(
    id="career-aspirations",
    text="What are your long-term career aspirations?",
    talking_points=(
        Cue("goal", "A concrete goal", ("team lead", "become a", "grow into"), advice="Name the role."),
        Cue("skills", "Skills to build", ("learn", "skill set"), advice="Say what you will learn."),
        Cue("mission", "Aligned with the mission", ("aligned with", "your mission"), company="mission"),
        Cue("culture", "Plays to the culture", ("your culture",), company="culture"),
    ),
    red_flags=(
        Cue("leave", "Plans to leave soon", ("then leave", "stepping stone"), advice="Show you will stay."),
        Cue("clash", "Wants what the company does not offer", ("just a job",), company="clash"),
    ),
)

TIGERS = Company(
    id="tiger-conservation",
    name="Stripes Trust",
    mission="Protect wild tigers and their forests through field research and community partnerships.",
    values=("conservation", "scientific rigour", "community"),
    culture=("mission-driven", "fieldwork", "collaborative"),
    looks_for=("people who care about wildlife and local communities",),
    clashes=("job security", "nine to five", "corporate ladder"),
)

STAR = Question(
    id="conflict",
    text="Tell me about a conflict with a colleague.",
    category="behavioural",
    structure=(
        Cue("situation", "Situation", ("at my last job", "we were")),
        Cue("task", "Task", ("my job was", "i had to")),
        Cue("action", "Action", ("so i", "i decided")),
        Cue("result", "Result", ("as a result", "in the end")),
    ),
)


def test_talking_point_covered_with_words_and_times():
    words = say("In five years I want to grow into a team lead role.", 1.0)
    fb = analyze(words, speech_of(words), 6.0, ASPIRATION)
    goal = fb.content.talking_points[0]
    assert goal.covered is True
    texts = [(e.text, e.start) for e in goal.evidence]
    assert texts[0] == ("grow into", pytest.approx(1.0 + 6 * 0.35))
    assert ("team lead", pytest.approx(1.0 + 9 * 0.35)) in texts
    skills = fb.content.talking_points[1]
    assert skills.covered is False and skills.evidence == []
    assert any(f.rule == "content.talking_point" and "Skills to build" in f.message
               and "Say what you will learn." in f.message for f in fb.findings)


def test_stemming_matches_inflected_forms():
    fb = analyze_text("I am learning new skills and growing into leadership.", ASPIRATION)
    assert fb.content.talking_points[1].covered is True  # "learning" ~ "learn"
    assert fb.content.talking_points[0].covered is True  # "growing into" ~ "grow into"


def test_company_cues_not_judged_without_company():
    fb = analyze_text("I want to grow into a team lead role aligned with your mission.", ASPIRATION)
    mission = fb.content.talking_points[2]
    assert mission.covered is None and "no company profile" in mission.reason
    assert [n.id for n in fb.content.red_flags_not_judged] == ["clash"]
    assert fb.content.company.judged is False
    assert any(n.item == "company" for n in fb.measured.not_measured)


def test_mission_echoed_by_company_words():
    text = "I want to lead field research that helps protect tigers in the wild."
    fb = analyze_text(text, ASPIRATION, TIGERS)
    mission = fb.content.talking_points[2]
    assert mission.covered is True
    echoed = {m.term for m in fb.content.company.mission}
    assert {"protect", "tiger", "wild", "field", "research"} <= {t.lower() for t in echoed} | {"tiger"}
    assert fb.content.company.judged and fb.content.company.name == "Stripes Trust"


def test_one_shared_common_word_is_not_alignment():
    fb = analyze_text("I want to protect my weekends and grow into a team lead.", ASPIRATION, TIGERS)
    assert fb.content.talking_points[2].covered is False
    assert any(f.rule == "content.company" and "Stripes Trust" in f.message for f in fb.findings)


def test_cue_phrase_alone_covers_company_point():
    fb = analyze_text("My goal is closely aligned with your mission.", ASPIRATION, TIGERS)
    assert fb.content.talking_points[2].covered is True


def test_culture_matches_values_and_looks_for_words():
    fb = analyze_text("I love fieldwork and I really care about wildlife.", ASPIRATION, TIGERS)
    assert fb.content.talking_points[3].covered is True
    assert {m.term for m in fb.content.company.culture} >= {"fieldwork", "wildlif"} - {"wildlif"}


def test_clash_and_red_flag_hits_with_evidence():
    words = say("Honestly I want job security and a nine to five, then leave for a bigger firm.", 0.0)
    fb = analyze(words, speech_of(words), 8.0, ASPIRATION, TIGERS)
    flags = {f.id: f for f in fb.content.red_flags}
    assert set(flags) == {"leave", "clash"}
    assert flags["leave"].evidence[0].text == "then leave"
    clash_texts = [e.text for e in flags["clash"].evidence]
    assert "job security" in clash_texts and "nine to five" in clash_texts
    assert {m.term for m in fb.content.company.clashes} == {"job security", "nine to five"}
    assert fb.findings[0].rule == "content.red_flag" and fb.findings[0].severity == "high"
    assert fb.findings[0].start is not None


def test_no_red_flag_no_hit():
    fb = analyze_text("I want to grow into a team lead role here.", ASPIRATION, TIGERS)
    assert fb.content.red_flags == []


def test_star_shares_located_by_cue_phrases():
    text = (
        "At my last job we were two weeks from launch. "  # situation: 10 words
        "My job was to ship the API. "  # task: 7
        "So I set up a daily call and I decided to split the work. "  # action: 14
        "In the end we shipped on time."  # result: 7
    )
    fb = analyze_text(text, STAR)
    shares = {p.id: round(p.share, 3) for p in fb.content.structure}
    assert shares == {"situation": round(10 / 38, 3), "task": round(7 / 38, 3),
                      "action": round(14 / 38, 3), "result": round(7 / 38, 3)}
    assert all(p.found for p in fb.content.structure)


def test_star_missing_result_is_a_finding():
    text = "At my last job we were behind. " * 3 + "So I talked to my colleague and we agreed on a plan together."
    fb = analyze_text(text, STAR)
    parts = {p.id: p.found for p in fb.content.structure}
    assert parts == {"situation": True, "task": False, "action": True, "result": False}
    (f,) = [f for f in fb.findings if f.rule == "content.structure"]
    assert "Task, Result" in f.message


def test_relevance_specificity_hedging_ownership_negative():
    text = (
        "I guess the conflict was sort of about deadlines. Maybe we should have talked. "
        "We met, we argued, we agreed, we shipped and we celebrated. "
        "My manager was terrible and that team was boring."
    )
    fb = analyze_text(text, STAR)
    c = fb.content
    # "conflict" of the keywords {conflict, colleague}, none of the 4 STAR parts
    assert c.relevance == pytest.approx(1 / 6)
    assert c.relevance_terms == ["conflict"]
    assert [e.text for e in c.hedging.evidence] == ["I guess", "sort of", "Maybe"]
    assert (c.ownership.i, c.ownership.we) == (2, 6)  # I, my / we x6
    assert [e.text for e in c.negative_framing.evidence] == ["terrible", "boring"]
    rules = {f.rule for f in fb.findings}
    assert {"content.negative", "content.hedging", "content.ownership", "content.specificity"} <= rules


def test_relevance_counts_covered_cues_not_only_question_words():
    q = Question("conflict", "Tell me about a conflict with a colleague.",
                 talking_points=(Cue("listen", "Listened", ("listened",)),
                                 Cue("agree", "Agreed a way forward", ("we agreed",))))
    c = analyze_text("Two engineers disagreed. I listened to both and we agreed on a plan.", q).content
    assert c.relevance == pytest.approx(2 / 4)  # no question word, both cues
    assert c.relevance_terms == ["listen", "agree"]


def test_specific_answers_get_credit():
    text = "For example, at Acme I cut the build time from 40 to 12 minutes for 300 engineers."
    c = analyze_text(text, STAR).content
    texts = [e.text for e in c.specificity.evidence]
    assert texts[0] == "For example"
    assert {"Acme", "40", "12", "300"} <= set(texts)
    assert not any(f.rule == "content.specificity" for f in analyze_text(text, STAR).findings)


def test_question_none_reports_content_not_judged():
    fb = analyze_text("I like my team and I led the launch of 3 products.")
    assert fb.content.talking_points == [] and fb.content.relevance is None
    assert fb.scores.content is None
    assert any(n.item == "content" for n in fb.measured.not_measured)
    assert fb.content.specificity.count == 1  # still measured without a question


# --- negation -------------------------------------------------------------

NEGATION_Q = Question(
    id="conflict-n", text="Tell me about a conflict.",
    talking_points=(Cue("grow", "Growth", ("grow my skills", "develop my skills")),),
    red_flags=(Cue("blame", "Blame", ("blame", "their fault")),
               Cue("compete", "Compete", ("competing business", "my own business"))),
)


@pytest.mark.parametrize("text, hit", [
    ("I blame them for the delay.", True),
    ("I don't blame them for the delay.", False),
    ("I would never start a competing business.", False),
    ("I want to start my own business.", True),
    ("I don't know if I'd start my own business.", True),  # negator 5 words back: out of reach
    ("It wasn't easy, so I blame the plan.", True),  # the negator is in another clause
    ("Nobody was happy but I blame the plan.", True),  # "but" starts a new clause
    ("Rather than blame anyone, we fixed it.", False),
])
def test_negator_before_a_red_flag_cue(text, hit):
    flags = {f.id for f in analyze_text(text, NEGATION_Q).content.red_flags}
    assert bool(flags & {"blame", "compete"}) is hit


def test_double_negation_and_positive_idioms_are_not_negation():
    for text in ("I never stop trying to develop my skills.", "I can't wait to grow my skills.",
                 "Not only will I grow my skills, I will share them."):
        assert analyze_text(text, NEGATION_Q).content.talking_points[0].covered is True, text
    assert analyze_text("I don't want to grow my skills.", NEGATION_Q).content.talking_points[0].covered is False


def test_negated_company_clash_and_negative_words():
    boutique = Company(id="b", name="B", clashes=("stability", "job security"))
    q = Question(id="a", text="Aspirations?", red_flags=(Cue("clash", "Clash", ("dull",), company="clash"),))
    fb = analyze_text("I don't need stability or job security.", q, boutique)
    assert fb.content.red_flags == [] and fb.content.company.clashes == []
    assert analyze_text("I want stability.", q, boutique).content.red_flags[0].id == "clash"
    c = analyze_text("My last job was never boring, and the team was terrible.").content
    assert [e.text for e in c.negative_framing.evidence] == ["terrible"]


# --- mission clashes and culture clashes ------------------------------------

SPLIT_Q = Question(
    id="career-aspirations", text="What are your career aspirations?",
    red_flags=(
        Cue("mission_conflict", "Against the mission", ("just a job",), company="mission_clash"),
        Cue("culture_mismatch", "Against the culture", ("not for me",), company="culture_clash"),
        Cue("any_clash", "Either", ("dull",), company="clash"),
    ),
)
SPLIT_TIGERS = Company(
    id="t", name="T", mission_clashes=("hunting", "hunter", "big game"),
    culture_clashes=("high salary", "corner office"),
)
SPLIT_BOUTIQUE = Company(
    id="b", name="B", mission_clashes=("copycat",),
    culture_clashes=("stability", "job security", "routine"),
)


def test_each_clash_flag_reads_its_own_list():
    flags = {f.id: f for f in analyze_text(
        "In ten years I want to be the best big-game hunter in the world.", SPLIT_Q, SPLIT_TIGERS
    ).content.red_flags}
    assert set(flags) == {"mission_conflict", "any_clash"}
    assert {e.text for e in flags["mission_conflict"].evidence} == {"big-game", "hunter"}
    flags = {f.id for f in analyze_text(
        "What I want most is stability, job security and a steady routine.", SPLIT_Q, SPLIT_BOUTIQUE
    ).content.red_flags}
    assert flags == {"culture_mismatch", "any_clash"}
    flags = {f.id for f in analyze_text("A high salary and a corner office.", SPLIT_Q, SPLIT_TIGERS).content.red_flags}
    assert flags == {"culture_mismatch", "any_clash"}


def test_alignment_reports_clashes_from_both_lists():
    fb = analyze_text("I'd trade hunting trips for a high salary.", SPLIT_Q, SPLIT_TIGERS)
    assert {m.term for m in fb.content.company.clashes} == {"hunting", "high salary"}


def test_negation_still_applies_to_split_clashes():
    fb = analyze_text("I want to stop big game hunting, and I don't need a high salary.", SPLIT_Q, SPLIT_TIGERS)
    assert fb.content.red_flags == []


def test_old_style_clashes_fire_both_flags():
    old = Company(id="o", name="O", clashes=("job security",))
    flags = {f.id for f in analyze_text("I want job security.", SPLIT_Q, old).content.red_flags}
    assert flags == {"mission_conflict", "culture_mismatch", "any_clash"}


def test_split_clash_flags_not_judged_without_company():
    fb = analyze_text("I want to be a hunter.", SPLIT_Q)
    assert [n.id for n in fb.content.red_flags_not_judged] == ["mission_conflict", "culture_mismatch", "any_clash"]
