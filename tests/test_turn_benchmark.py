"""The turn-taking benchmark's description and splits (benchmarks/turn_taking.py,
scripts/make_turn_answers.py): every answer belongs to a split the builder knows and
the benchmark reports; anything else is refused before any audio is made."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "benchmarks"))

import make_turn_answers  # noqa: E402
import turn_taking  # noqa: E402


def test_every_split_the_builder_knows_is_reported_and_selectable():
    assert set(make_turn_answers.SPLITS) == set(turn_taking.SPLIT_LABEL)
    assert "blind" in make_turn_answers.SPLITS


def test_every_answer_of_the_description_has_a_known_split():
    description = tomllib.loads(turn_taking.DESCRIPTION.read_text())
    splits = [a.get("split") for a in description["answer"]]
    assert splits and all(s in make_turn_answers.SPLITS for s in splits), splits


def test_an_unknown_split_is_refused_before_anything_is_synthesised(tmp_path):
    desc = {"id": "x", "question_id": "career-aspirations", "voice": "espeak:en-us", "speed": 160,
            "split": "blnd", "parts": ["I want to grow."]}
    with pytest.raises(SystemExit, match="split must be one of dev, heldout, blind"):
        make_turn_answers.build(desc, tmp_path, {})
    assert not any(tmp_path.iterdir())
