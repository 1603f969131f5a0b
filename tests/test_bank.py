"""Question banks and company profiles: the bundled content and the loader's checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from voice_mock.banks import (
    BUNDLED_PROMPTS,
    BankError,
    find_company,
    find_question,
    load_bank,
    load_banks,
    load_companies,
    load_company,
    pick_questions,
)
from voice_mock.analysis.text import NEGATORS, STOP_WORDS, content_stems, tokenize
from voice_mock.errors import VoiceMockError

# ---------------------------------------------------------------- bundled content


@pytest.fixture(scope="module")
def banks():
    return load_banks()


@pytest.fixture(scope="module")
def companies():
    return load_companies()


def all_questions(banks):
    return [q for bank in banks.values() for q in bank.questions]


def test_bundled_prompts_folder_is_found():
    assert BUNDLED_PROMPTS.is_dir()
    assert (BUNDLED_PROMPTS / "aspirations.toml").is_file()


@pytest.mark.parametrize("path", sorted(BUNDLED_PROMPTS.glob("*.toml")), ids=lambda p: p.name)
def test_every_bundled_bank_loads(path):
    bank = load_bank(path)
    assert bank.id == path.stem, "a bank's id should match its file name"
    assert bank.title and bank.questions


@pytest.mark.parametrize(
    "path", sorted((BUNDLED_PROMPTS / "companies").glob("*.toml")), ids=lambda p: p.name
)
def test_every_bundled_company_loads(path):
    company = load_company(path)
    assert company.id == path.stem
    assert company.name and company.mission
    assert company.values and company.culture and company.looks_for
    assert company.mission_clashes and company.culture_clashes
    assert company.clashes == (), "bundled profiles use mission_clashes and culture_clashes"


@pytest.mark.parametrize(
    "path", sorted((BUNDLED_PROMPTS / "companies").glob("*.toml")), ids=lambda p: p.name
)
def test_bundled_clash_entries_are_matchable_and_in_one_list(path):
    # A clash entry is matched on its content words, one or two of them, said
    # affirmatively: "don't like feedback" would shrink to "feedback" and fire
    # on "I love feedback"; a longer entry would count word by word.
    company = load_company(path)
    stems_of = {}
    for kind in ("mission_clashes", "culture_clashes"):
        for entry in getattr(company, kind):
            assert not set(tokenize(entry)) & NEGATORS & STOP_WORDS, f"{kind}: {entry!r}"
            assert 1 <= len(content_stems([entry])) <= 2, f"{kind}: {entry!r}"
            stems_of.setdefault(tuple(content_stems([entry])), set()).add(kind)
    both = [s for s, kinds in stems_of.items() if len(kinds) > 1]
    assert not both, f"in both clash lists (one word would fire both red flags): {both}"


def test_counts(banks):
    assert len(banks) >= 5
    assert len(all_questions(banks)) >= 40
    for bank_id in ("aspirations", "general", "behavioural", "software-engineering",
                    "data", "product", "sales", "customer-support"):
        assert bank_id in banks
    for bank_id in ("software-engineering", "data", "product", "sales", "customer-support"):
        assert len(banks[bank_id].questions) >= 4, bank_id


def test_every_question_has_a_real_rubric(banks):
    for q in all_questions(banks):
        assert len(q.talking_points) >= 3, q.id
        assert len(q.red_flags) >= 2, q.id
        for cue in q.talking_points + q.red_flags + q.structure:
            assert cue.cues, f"{q.id}: {cue.id} has no cues"
            assert cue.advice, f"{q.id}: {cue.id} has no advice"
        assert q.tips, q.id
        low, high = q.target_seconds
        assert 0 < low <= high


def test_question_ids_unique_across_banks(banks):
    ids = [q.id for q in all_questions(banks)]
    assert len(ids) == len(set(ids))


def test_career_aspirations_rubric(banks):
    q = find_question(banks, "career-aspirations")
    assert q.bank == "aspirations"
    assert q.text == "What are your career aspirations?"
    assert set(q.variants) >= {
        "What are your long-term career goals?",
        "Where do you see yourself five or ten years down the line?",
        "What do you envision for yourself in the future?",
    }
    assert [c.id for c in q.talking_points] == [
        "long_term_aspiration", "near_term_goal", "growth_expertise", "company_mission",
        "culture_fit", "commitment", "value_to_company",
    ]
    assert [c.id for c in q.red_flags] == [
        "competing_business", "job_hopping", "mission_conflict", "culture_mismatch",
        "no_aspiration", "negative_framing", "personal_only",
    ]
    company = {c.id: c.company for c in q.talking_points + q.red_flags}
    assert company["company_mission"] == "mission"
    assert company["culture_fit"] == "culture"
    assert company["mission_conflict"] == "mission_clash"
    assert company["culture_mismatch"] == "culture_clash"
    others = set(company) - {"company_mission", "culture_fit", "mission_conflict", "culture_mismatch"}
    assert all(company[c] is None for c in others)
    low, high = q.target_seconds
    assert 30 <= low <= 60 and 90 <= high <= 150
    assert find_question(banks, "five-years").bank == "aspirations"


def test_sample_question_ids_exist(banks):
    # Recorded samples refer to these ids: they must never be renamed.
    for qid in ("tell-me-about-yourself", "why-this-company", "why-this-role",
                "greatest-strength", "greatest-weakness", "why-leaving"):
        assert find_question(banks, qid).bank == "general"
    for qid in ("conflict", "failure", "leadership", "tight-deadline", "disagree-with-manager"):
        q = find_question(banks, qid)
        assert q.bank == "behavioural"
        assert [c.id for c in q.structure] == ["situation", "task", "action", "result"]


def test_article_company_profiles(companies):
    assert {"tiger-conservation", "creative-boutique", "heritage-finance",
            "software-company", "hospital", "retailer"} <= set(companies)
    tiger = companies["tiger-conservation"]
    assert "tiger" in tiger.mission.lower()
    assert {"hunting", "hunter", "big game"} <= set(tiger.mission_clashes)
    assert not {"hunting", "hunter", "big game"} & set(tiger.culture_clashes)
    boutique = companies["creative-boutique"]
    assert {"stability", "security", "routine"} <= set(boutique.culture_clashes)
    assert not {"stability", "security", "routine"} & set(boutique.mission_clashes)
    heritage = companies["heritage-finance"]
    assert {"stability", "longevity", "tradition"} <= set(heritage.culture)
    assert {"disrupt", "move fast", "job hop"} <= set(heritage.culture_clashes)
    assert {"gamble", "cut corners"} <= set(heritage.mission_clashes)


def test_no_bundled_bank_uses_the_old_clash_kind(banks):
    # "clash" (both lists) stays valid for user banks; the bundled rubrics say
    # which list each clash cue is judged against.
    old = [f"{q.id}/{c.id}" for q in all_questions(banks)
           for c in q.talking_points + q.red_flags + q.structure if c.company == "clash"]
    assert not old


# ---------------------------------------------------------------- bad files


GOOD_BANK = """\
id = "mine"
title = "My bank"

[[questions]]
id = "my-question"
text = "Why?"
target_seconds = [30, 60]

[[questions.talking_points]]
id = "because"
label = "A reason"
cues = ["because", "the reason"]

[[questions.red_flags]]
id = "dunno"
label = "No reason"
cues = ["no idea"]
"""


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def error_for(path: Path, loader=load_bank) -> str:
    with pytest.raises(BankError) as info:
        loader(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path.resolve())) or message.startswith(path.name)
    assert isinstance(info.value, VoiceMockError)
    return message


def test_good_bank_loads(tmp_path):
    bank = load_bank(write(tmp_path, GOOD_BANK, "mine.toml"))
    q = bank.questions[0]
    assert (bank.id, q.id, q.bank, q.category) == ("mine", "my-question", "mine", "mine")
    assert q.target_seconds == (30.0, 60.0)
    assert q.talking_points[0].cues == ("because", "the reason")


def test_unknown_key(tmp_path):
    text = GOOD_BANK.replace('cues = ["because", "the reason"]', 'cue = ["because"]')
    message = error_for(write(tmp_path, text))
    assert "questions[0].talking_points[0]: unknown key 'cue'" in message
    assert "(expected one of: id, label, cues, advice, company, examples, counter_examples, example_company)" in message


def test_unknown_top_level_key(tmp_path):
    message = error_for(write(tmp_path, 'titel = "x"\n' + GOOD_BANK))
    assert "unknown key 'titel'" in message


def test_missing_key(tmp_path):
    message = error_for(write(tmp_path, GOOD_BANK.replace('text = "Why?"\n', "")))
    assert "questions[0]: missing required key 'text'" in message


def test_wrong_type(tmp_path):
    message = error_for(write(tmp_path, GOOD_BANK.replace('cues = ["no idea"]', 'cues = "no idea"')))
    assert "questions[0].red_flags[0].cues: expected a list of strings, got a string" in message


def test_examples_load_and_are_checked(tmp_path):
    text = GOOD_BANK.replace('cues = ["because", "the reason"]', '''cues = ["because", "the reason"]
examples = ["I applied because I love maps.", "The reason is the team."]
counter_examples = ["I applied."]
example_company = "software-company"''')
    cue = load_bank(write(tmp_path, text, "mine.toml")).questions[0].talking_points[0]
    assert cue.examples == ("I applied because I love maps.", "The reason is the team.")
    assert cue.counter_examples == ("I applied.",)
    assert cue.example_company == "software-company"
    message = error_for(write(tmp_path, text.replace('counter_examples = ["I applied."]',
                                                     'counter_examples = "I applied."')))
    assert "talking_points[0].counter_examples: expected a list of strings, got a string" in message
    message = error_for(write(tmp_path, text.replace('"software-company"', '"Software Co"')))
    assert "talking_points[0].example_company: 'Software Co' is not a valid company id" in message


def test_bad_target_seconds(tmp_path):
    message = error_for(write(tmp_path, GOOD_BANK.replace("[30, 60]", "[60, 30]")))
    assert "questions[0].target_seconds" in message
    message = error_for(write(tmp_path, GOOD_BANK.replace("[30, 60]", "90")))
    assert "expected [min, max]" in message


def test_duplicate_question_id(tmp_path):
    second = GOOD_BANK[GOOD_BANK.index("[[questions]]"):]
    message = error_for(write(tmp_path, GOOD_BANK + "\n" + second))
    assert "questions[1].id: duplicate question id 'my-question' (first at questions[0])" in message


def test_duplicate_cue_id(tmp_path):
    text = GOOD_BANK.replace('id = "dunno"', 'id = "because"')
    message = error_for(write(tmp_path, text))
    assert "questions[0].red_flags[0].id: duplicate id 'because'" in message


def test_empty_cue_list(tmp_path):
    message = error_for(write(tmp_path, GOOD_BANK.replace('cues = ["no idea"]', "cues = []")))
    assert "questions[0].red_flags[0].cues: must list at least one cue phrase" in message


def test_cue_pattern_rejected(tmp_path):
    message = error_for(write(tmp_path, GOOD_BANK.replace('"no idea"', '"no (idea|clue)"')))
    assert "questions[0].red_flags[0].cues[0]" in message
    assert "not plain words" in message


def test_bad_company_kind(tmp_path):
    text = GOOD_BANK.replace('label = "No reason"', 'label = "No reason"\ncompany = "vibes"')
    message = error_for(write(tmp_path, text))
    assert "questions[0].red_flags[0].company" in message and "'vibes'" in message


def test_clash_kinds_accepted(tmp_path):
    for kind in ("mission_clash", "culture_clash", "clash"):
        text = GOOD_BANK.replace('label = "No reason"', f'label = "No reason"\ncompany = "{kind}"')
        bank = load_bank(write(tmp_path, text, f"{kind}.toml"))
        assert bank.questions[0].red_flags[0].company == kind


def test_bad_toml_syntax(tmp_path):
    message = error_for(write(tmp_path, GOOD_BANK.replace('title = "My bank"', "title = My bank")))
    assert "invalid TOML" in message and "line 2" in message


def test_missing_file(tmp_path):
    message = error_for(tmp_path / "nope.toml")
    assert "nope.toml" in message and "cannot read" in message


def test_bad_company_profile(tmp_path):
    path = write(tmp_path, 'id = "acme"\nname = "Acme"\nvalues = "grit"\n', "acme.toml")
    message = error_for(path, load_company)
    assert "values: expected a list of strings, got a string" in message
    path = write(tmp_path, 'id = "acme"\nname = "Acme"\nslogan = "x"\n', "acme.toml")
    message = error_for(path, load_company)
    assert "unknown key 'slogan'" in message
    assert "mission_clashes" in message and "culture_clashes" in message
    path = write(tmp_path, 'id = "acme"\nname = "Acme"\nmission_clashes = ["hunt.*"]\n', "acme.toml")
    assert "mission_clashes[0]: 'hunt.*' is not plain words" in error_for(path, load_company)
    path = write(tmp_path, 'id = "acme"\nname = "Acme"\nculture_clashes = "routine"\n', "acme.toml")
    assert "culture_clashes: expected a list of strings" in error_for(path, load_company)


def test_clash_entry_in_both_lists_rejected(tmp_path):
    path = write(tmp_path, 'id = "acme"\nname = "Acme"\nmission_clashes = ["hunting", "ivory"]\n'
                           'culture_clashes = ["routine", "Ivory"]\n', "acme.toml")
    message = error_for(path, load_company)
    assert "culture_clashes[1]: 'Ivory' is also in mission_clashes[1]" in message


def test_old_style_clashes_count_as_both_lists(tmp_path):
    path = write(tmp_path, 'id = "acme"\nname = "Acme"\nclashes = ["laziness", "routine"]\n', "acme.toml")
    acme = load_company(path)
    assert acme.clashes == ("laziness", "routine")  # still readable
    assert acme.mission_clashes == acme.culture_clashes == ("laziness", "routine")
    # With the new lists too, the old entries are added to both.
    path = write(tmp_path, 'id = "acme"\nname = "Acme"\nclashes = ["laziness"]\n'
                           'mission_clashes = ["fraud"]\nculture_clashes = ["routine", "LAZINESS"]\n',
                 "acme.toml")
    acme = load_company(path)
    assert acme.mission_clashes == ("fraud", "laziness")
    assert acme.culture_clashes == ("routine", "LAZINESS")

# ---------------------------------------------------------------- user banks


def test_user_bank_replaces_bundled_one(tmp_path):
    user = tmp_path / "banks"
    user.mkdir()
    text = GOOD_BANK.replace('id = "mine"', 'id = "general"').replace(
        'id = "my-question"', 'id = "tell-me-about-yourself"'
    )
    write(user, text, "general.toml")
    banks = load_banks(extra_dirs=[user, tmp_path / "does-not-exist"])
    assert banks["general"].title == "My bank"
    assert len(banks["general"].questions) == 1
    assert find_question(banks, "tell-me-about-yourself").text == "Why?"
    with pytest.raises(BankError):
        find_question(banks, "why-leaving")  # gone with the bundled bank it replaced
    assert "aspirations" in banks


def test_extra_file_adds_a_bank(tmp_path):
    path = write(tmp_path, GOOD_BANK, "mine.toml")
    banks = load_banks(extra_files=[path])
    assert find_question(banks, "my-question").bank == "mine"
    assert "general" in banks


def test_question_id_clash_across_banks(tmp_path):
    text = GOOD_BANK.replace('id = "my-question"', 'id = "conflict"')
    path = write(tmp_path, text, "mine.toml")
    with pytest.raises(BankError, match="question id 'conflict' is already used in bank 'behavioural'"):
        load_banks(extra_files=[path])


def test_broken_user_bank_is_skipped_when_collecting_errors(tmp_path):
    user = tmp_path / "banks"
    user.mkdir()
    write(user, "id = [", "broken.toml")
    write(user, GOOD_BANK, "mine.toml")
    errors: list[BankError] = []
    banks = load_banks(extra_dirs=[user], errors=errors)
    assert "mine" in banks and "aspirations" in banks
    assert len(errors) == 1 and "broken.toml" in str(errors[0])
    with pytest.raises(BankError, match="broken.toml"):
        load_banks(extra_dirs=[user])


def test_user_company(tmp_path):
    path = write(tmp_path, 'id = "acme"\nname = "Acme Corp"\nclashes = ["laziness"]\n', "acme.toml")
    companies = load_companies(extra_files=[path])
    assert companies["acme"].clashes == ("laziness",)
    assert companies["acme"].mission_clashes == companies["acme"].culture_clashes == ("laziness",)
    assert "hospital" in companies


# ---------------------------------------------------------------- look-ups


def test_find_question_suggests_close_match(banks):
    with pytest.raises(BankError) as info:
        find_question(banks, "carrer-aspirations")
    message = str(info.value)
    assert "unknown question 'carrer-aspirations'" in message
    assert "did you mean 'career-aspirations'?" in message
    assert "(see `voice-mock banks`)" in message


def test_find_question_without_suggestion(banks):
    with pytest.raises(BankError) as info:
        find_question(banks, "zzzzzz")
    assert "did you mean" not in str(info.value)


def test_find_company(companies, tmp_path):
    assert find_company(companies, "hospital").id == "hospital"
    assert find_company(companies, "Whitmore and Sons Bank").id == "heritage-finance"
    path = write(tmp_path, 'id = "acme"\nname = "Acme"\n', "acme.toml")
    assert find_company(companies, str(path)).name == "Acme"
    with pytest.raises(BankError, match="did you mean 'hospital'"):
        find_company(companies, "hospitl")


def test_pick_questions(banks):
    assert [q.id for q in pick_questions(banks, "general", count=2)] == [
        "tell-me-about-yourself", "why-this-company",
    ]
    picked = pick_questions(banks, "behavioural", count=3, seed=7)
    assert picked == pick_questions(banks, "behavioural", count=3, seed=7)
    assert len(picked) == 3 and all(q.bank == "behavioural" for q in picked)
    assert len(pick_questions(banks, count=None)) == len(all_questions(banks))
    assert len(pick_questions(banks, "sales", count=100)) == len(banks["sales"].questions)
    assert len(pick_questions(banks, count=5, shuffle=True)) == 5
    with pytest.raises(BankError, match="unknown bank 'sale'; did you mean 'sales'"):
        pick_questions(banks, "sale")
    with pytest.raises(BankError):
        pick_questions(banks, count=0)
