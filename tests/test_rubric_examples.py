"""Every talking point and red flag in the bundled banks, run on its own
example sentences (which must trigger it) and counter-examples (near misses
that must not). A change to a cue or a content rule that breaks one fails
here, naming the question, the cue and the sentence.

Examples live beside the cue in prompts/*.toml (`examples`,
`counter_examples`, `example_company`; docs/question-banks.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voice_mock.analysis import analyze_text
from voice_mock.banks import load_banks, load_companies

ROOT = Path(__file__).resolve().parent.parent
BANKS = load_banks()
COMPANIES = load_companies()


def _cases():
    for bank in BANKS.values():
        for q in bank.questions:
            for kind, cues in (("point", q.talking_points), ("flag", q.red_flags), ("part", q.structure)):
                for cue in cues:
                    if cue.examples or cue.counter_examples:
                        yield pytest.param(q, kind, cue, id=f"{q.id}/{cue.id}")


def triggered(text, q, kind, cue) -> bool:
    company = COMPANIES[cue.example_company] if cue.example_company else None
    content = analyze_text(text, question=q, company=company).content
    if kind == "point":
        (result,) = [t for t in content.talking_points if t.id == cue.id]
        assert result.covered is not None, f"{cue.id} not judged: {result.reason}"
        return result.covered
    if kind == "flag":
        return cue.id in {f.id for f in content.red_flags}
    (part,) = [p for p in content.structure if p.id == cue.id]
    return part.found


@pytest.mark.parametrize("q, kind, cue", list(_cases()))
def test_examples_trigger_and_near_misses_do_not(q, kind, cue):
    missed = [t for t in cue.examples if not triggered(t, q, kind, cue)]
    wrongly = [t for t in cue.counter_examples if triggered(t, q, kind, cue)]
    assert not missed and not wrongly, (
        f"{q.id}/{cue.id}: examples not triggering {missed}; counter-examples triggering {wrongly}"
    )


def test_every_point_and_flag_has_examples():
    lacking = []
    for bank in BANKS.values():  # the bundled banks, every one
        for q in bank.questions:
            for cue in q.talking_points + q.red_flags:
                if len(cue.examples) < 2 or len(cue.counter_examples) < 1:
                    lacking.append(f"{q.id}/{cue.id}")
                if cue.company and cue.example_company not in COMPANIES:
                    lacking.append(f"{q.id}/{cue.id}: example_company {cue.example_company!r}")
    assert not lacking, f"{len(lacking)} cues lack examples: {lacking}"


# --- the careers article's three companies, typed answers end to end -------------


def analyze_cli(text: str, company: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "voice_mock", "analyze", "--text", text,
         "--question", "career-aspirations", "--company", company, "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["content"]


def test_article_big_game_hunter_clashes_with_tiger_charity():
    content = analyze_cli(
        "My aspiration is to become the world's top big-game hunter. In the next few "
        "years I want to travel and build my skills as a hunter.", "tiger-conservation")
    flags = {f["id"]: f for f in content["red_flags"]}
    assert "mission_conflict" in flags
    assert any("big-game" in e["text"] or "hunter" in e["text"] for e in flags["mission_conflict"]["evidence"])
    assert "culture_mismatch" not in flags  # hunting works against the mission, not the culture
    assert content["company"]["clashes"]


def test_one_clash_word_is_one_finding():
    # The hunter was once reported as both a mission conflict and a culture
    # mismatch, taking two of the top three findings.
    content = analyze_cli(
        "In ten years I want to be the best big-game hunter in the world", "tiger-conservation")
    flags = {f["id"] for f in content["red_flags"]}
    assert "mission_conflict" in flags and "culture_mismatch" not in flags


def test_old_style_profile_with_clashes_still_works(tmp_path):
    path = tmp_path / "old-trust.toml"
    path.write_text('id = "old-trust"\nname = "Old Trust"\nmission = "Save tigers."\n'
                    'clashes = ["hunter", "job security"]\n')
    content = analyze_cli("I want to be a famous hunter.", str(path))
    flags = {f["id"] for f in content["red_flags"]}
    assert {"mission_conflict", "culture_mismatch"} <= flags  # old `clashes` count as both lists


def test_article_stability_answer_mismatches_creative_boutique():
    content = analyze_cli(
        "What I want most is stability and job security: a steady routine where I can "
        "settle down and do the same thing every day.", "creative-boutique")
    flags = {f["id"] for f in content["red_flags"]}
    assert "culture_mismatch" in flags
    assert "mission_conflict" not in flags  # wanting security is about the culture only
    culture = {t["id"]: t for t in content["talking_points"]}["culture_fit"]
    assert culture["covered"] is False


def test_article_long_term_stability_answer_fits_heritage_finance():
    content = analyze_cli(
        "I'm looking for a long career with a stable, traditional firm. Over the long term "
        "I want to build trust and long-term relationships with clients, and grow here "
        "for many years.", "heritage-finance")
    culture = {t["id"]: t for t in content["talking_points"]}["culture_fit"]
    assert culture["covered"] is True and culture["evidence"]
    flags = {f["id"] for f in content["red_flags"]}
    assert not flags & {"culture_mismatch", "mission_conflict", "job_hopping"}
