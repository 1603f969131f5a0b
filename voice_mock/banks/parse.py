"""Question banks and company profiles: read one TOML file and check it.

A bank is one TOML file (`prompts/<id>.toml`) with `id`, `title`, an optional
`description` and a list of `[[questions]]`; a company profile is one TOML file
(`prompts/companies/<id>.toml`). The schema is documented in
docs/question-banks.md. Everything is checked when loaded: unknown keys, missing
keys, wrong types and duplicate ids are errors that name the file, the place in
it and what is wrong, on one line. catalog.py loads them all and looks things up.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice_mock.bundled import PROMPTS
from voice_mock.errors import UsageError, VoiceMockError
from voice_mock.files import FileProblem, read_bytes
from voice_mock.types import Bank, Company, Cue, Question


BUNDLED_PROMPTS: Path = PROMPTS
BUNDLED_COMPANIES: Path = BUNDLED_PROMPTS / "companies"


class BankError(VoiceMockError):
    """A bank or company profile is broken, or what was asked for is not there."""


class UnknownName(BankError, UsageError):
    """A bank, question or company named on the command line that does not exist: usage (exit 2),
    as `banks --bank` already said it."""


BANK_KEYS = ("id", "title", "description", "questions")
QUESTION_KEYS = (
    "id", "text", "category", "variants", "target_seconds", "talking_points",
    "red_flags", "structure", "follow_ups", "tips",
)
CUE_KEYS = ("id", "label", "cues", "advice", "company", "examples", "counter_examples", "example_company")
COMPANY_KEYS = (
    "id", "name", "mission", "values", "culture", "looks_for", "mission_clashes",
    "culture_clashes", "clashes", "examples", "near_misses",
)
COMPANY_EXAMPLE_KINDS = ("mission", "culture", "mission_clash", "culture_clash")
# "clash" (both clash lists) is kept for user banks written before the split.
CUE_COMPANY_KINDS = ("mission", "culture", "mission_clash", "culture_clash", "clash")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Cue phrases are plain words: letters, digits, spaces, apostrophes, hyphens.
_PLAIN_RE = re.compile(r"^[\w' -]+$")


@dataclass(frozen=True)
class RubricCue(Cue):
    """A cue as loaded from a bank, with the sentences that test it.

    `examples` must trigger the cue and `counter_examples` (near misses) must
    not; `example_company` is the company profile id they are judged against
    for company-judged cues. tests/test_rubric_examples.py runs them all. The
    analysis never reads these, so they stay out of `types.Cue`.
    """

    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()
    example_company: str = ""


# ---------------------------------------------------------------- checking


class Place:
    """Where we are in a file, for error messages: 'file: questions[3].text: ...'."""

    def __init__(self, file: str, key: str = ""):
        self.file = file
        self.key = key

    def __getitem__(self, sub: str | int) -> "Place":
        if isinstance(sub, int):
            return Place(self.file, f"{self.key}[{sub}]")
        return Place(self.file, f"{self.key}.{sub}" if self.key else sub)

    def error(self, message: str) -> BankError:
        where = f"{self.file}: {self.key}: " if self.key else f"{self.file}: "
        return BankError(where + message)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"


def _table(value: Any, place: Place, allowed: tuple[str, ...], required: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise place.error(f"expected a table, got {_describe(value)}")
    for key in value:
        if key not in allowed:
            raise place.error(f"unknown key {key!r} (expected one of: {', '.join(allowed)})")
    for key in required:
        if key not in value:
            raise place.error(f"missing required key {key!r}")
    return value


def _string(table: dict, key: str, place: Place, default: str = "", non_empty: bool = False) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise place[key].error(f"expected a string, got {_describe(value)}")
    value = value.strip()
    if non_empty and not value:
        raise place[key].error("must not be empty")
    return value


def _ident(table: dict, key: str, place: Place) -> str:
    value = _string(table, key, place, non_empty=True)
    if not _ID_RE.match(value):
        raise place[key].error(
            f"{value!r} is not a valid id (use lower-case letters, digits, '-' and '_')"
        )
    return value


def _strings(table: dict, key: str, place: Place, plain: bool = False) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise place[key].error(f"expected a list of strings, got {_describe(value)}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise place[key][i].error(f"expected a string, got {_describe(item)}")
        item = " ".join(item.split())
        if not item:
            raise place[key][i].error("must not be empty")
        if plain and not _PLAIN_RE.match(item):
            raise place[key][i].error(
                f"{item!r} is not plain words (use letters, digits, spaces, "
                "apostrophes and hyphens; patterns are not supported)"
            )
        out.append(item)
    return tuple(out)


def _target_seconds(table: dict, place: Place) -> tuple[float, float]:
    if "target_seconds" not in table:
        return Question.__dataclass_fields__["target_seconds"].default
    value = table["target_seconds"]
    here = place["target_seconds"]
    numbers = isinstance(value, list) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    )
    if not numbers or len(value) != 2:
        raise here.error(f"expected [min, max] in seconds, got {value!r}")
    low, high = float(value[0]), float(value[1])
    if not 0 < low <= high:
        raise here.error(f"expected 0 < min <= max, got {value!r}")
    return (low, high)


def _cue(value: Any, place: Place) -> Cue:
    table = _table(value, place, CUE_KEYS, ("id", "label", "cues"))
    company = table.get("company")
    if company is not None and company not in CUE_COMPANY_KINDS:
        raise place["company"].error(
            f"expected one of: {', '.join(CUE_COMPANY_KINDS)}; got {company!r}"
        )
    cues = _strings(table, "cues", place, plain=True)
    if not cues:
        raise place["cues"].error("must list at least one cue phrase")
    example_company = _string(table, "example_company", place)
    if example_company and not _ID_RE.match(example_company):
        raise place["example_company"].error(f"{example_company!r} is not a valid company id")
    return RubricCue(
        id=_ident(table, "id", place),
        label=_string(table, "label", place, non_empty=True),
        cues=cues,
        advice=_string(table, "advice", place),
        company=company,
        examples=_strings(table, "examples", place),
        counter_examples=_strings(table, "counter_examples", place),
        example_company=example_company,
    )


def _cues(table: dict, key: str, place: Place, seen: dict[str, str]) -> tuple[Cue, ...]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise place[key].error(f"expected a list of tables, got {_describe(value)}")
    out = []
    for i, item in enumerate(value):
        cue = _cue(item, place[key][i])
        # Ids are unique across a question's points, flags and structure, so
        # feedback can name any of them by id alone.
        if cue.id in seen:
            raise place[key][i]["id"].error(f"duplicate id {cue.id!r} (first at {seen[cue.id]})")
        seen[cue.id] = place[key][i].key
        out.append(cue)
    return tuple(out)


def _question(value: Any, place: Place, bank_id: str) -> Question:
    table = _table(value, place, QUESTION_KEYS, ("id", "text"))
    seen: dict[str, str] = {}
    return Question(
        id=_ident(table, "id", place),
        text=_string(table, "text", place, non_empty=True),
        bank=bank_id,
        category=_string(table, "category", place, default=bank_id, non_empty=True),
        variants=_strings(table, "variants", place),
        target_seconds=_target_seconds(table, place),
        talking_points=_cues(table, "talking_points", place, seen),
        red_flags=_cues(table, "red_flags", place, seen),
        structure=_cues(table, "structure", place, seen),
        follow_ups=_strings(table, "follow_ups", place),
        tips=_strings(table, "tips", place),
    )


def display_path(path: Path) -> str:
    """The shortest sensible name for a file in messages."""
    for base in (Path.cwd(), BUNDLED_PROMPTS.parent):
        try:
            return str(path.relative_to(base))
        except ValueError:
            pass
    return str(path)


def _read_toml(path: Path) -> tuple[dict, Place]:
    path = Path(path).expanduser().resolve()
    place = Place(display_path(path))
    try:
        data = read_bytes(path, "TOML file")  # a folder or a FIFO is named as such, never opened
    except FileProblem as e:
        raise place.error("cannot read: " + str(e).removeprefix(f"{path}: ")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise place.error(f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); save it as UTF-8") from None
    try:
        return tomllib.loads(text), place
    except tomllib.TOMLDecodeError as e:
        raise place.error(f"invalid TOML: {e}") from None
    except RecursionError:
        raise place.error("invalid TOML: nested too deeply") from None


# ---------------------------------------------------------------- one file


def load_bank(path: str | Path) -> Bank:
    """Load and check one bank file; raise BankError saying what is wrong."""
    data, place = _read_toml(Path(path))
    table = _table(data, place, BANK_KEYS, ("id", "title", "questions"))
    bank_id = _ident(table, "id", place)
    items = table["questions"]
    if not isinstance(items, list) or not items:
        raise place["questions"].error("expected a non-empty list of [[questions]] tables")
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        question = _question(item, place["questions"][i], bank_id)
        if question.id in seen:
            raise place["questions"][i]["id"].error(
                f"duplicate question id {question.id!r} (first at questions[{seen[question.id]}])"
            )
        seen[question.id] = i
        questions.append(question)
    return Bank(
        id=bank_id,
        title=_string(table, "title", place, non_empty=True),
        description=_string(table, "description", place),
        questions=tuple(questions),
        path=str(Path(path).expanduser().resolve()),
    )


def load_company(path: str | Path) -> Company:
    """Load and check one company profile; raise BankError saying what is wrong."""
    data, place = _read_toml(Path(path))
    table = _table(data, place, COMPANY_KEYS, ("id", "name"))
    mission_clashes = _strings(table, "mission_clashes", place, plain=True)
    culture_clashes = _strings(table, "culture_clashes", place, plain=True)
    # One entry in both lists would fire both clash red flags for one word.
    in_mission = {entry.casefold(): i for i, entry in enumerate(mission_clashes)}
    for i, entry in enumerate(culture_clashes):
        if entry.casefold() in in_mission:
            raise place["culture_clashes"][i].error(
                f"{entry!r} is also in mission_clashes[{in_mission[entry.casefold()]}]; "
                "put it in one list (a word in both counts twice against one answer)"
            )
    # `clashes` (deprecated, from before the split) counts in both lists.
    clashes = _strings(table, "clashes", place, plain=True)
    return Company(
        id=_ident(table, "id", place),
        name=_string(table, "name", place, non_empty=True),
        mission=_string(table, "mission", place),
        values=_strings(table, "values", place),
        culture=_strings(table, "culture", place, plain=True),
        looks_for=_strings(table, "looks_for", place),
        clashes=clashes,
        path=str(Path(path).expanduser().resolve()),
        mission_clashes=_merge(mission_clashes, clashes),
        culture_clashes=_merge(culture_clashes, clashes),
        examples=_kind_sentences(table, "examples", place),
        near_misses=_kind_sentences(table, "near_misses", place),
    )


def _kind_sentences(table: dict, key: str, place: Place) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`[examples]` / `[near_misses]`: a table of sentence lists per cue kind."""
    if key not in table:
        return ()
    sub = _table(table[key], place[key], COMPANY_EXAMPLE_KINDS, ())
    return tuple((kind, _strings(sub, kind, place[key])) for kind in COMPANY_EXAMPLE_KINDS if kind in sub)


def _merge(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """Both lists in order, without repeats (compared ignoring case)."""
    seen: dict[str, str] = {}
    for entry in first + second:
        seen.setdefault(entry.casefold(), entry)
    return tuple(seen.values())
