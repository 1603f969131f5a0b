"""All the question banks and company profiles (bundled, the user's, files
named on the command line) by id, and looking things up in them with
"did you mean" hints. parse.py reads and checks each file."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Iterable

from voice_mock.errors import closest
from voice_mock.types import Bank, Company, Question

from .parse import (
    BUNDLED_COMPANIES, BUNDLED_PROMPTS, BankError, Place, UnknownName, display_path, load_bank, load_company,
)


def _sources(bundled: Path, extra_dirs: Iterable, extra_files: Iterable) -> list[list[Path]]:
    """Groups of files in priority order: bundled, each extra dir, the extra files.

    A missing extra dir (e.g. a user data folder never created) is skipped.
    """
    groups = [sorted(bundled.glob("*.toml"))]
    for d in extra_dirs:
        d = Path(d).expanduser()
        if d.is_dir():
            groups.append(sorted(d.glob("*.toml")))
    groups.append([Path(f) for f in extra_files])
    return groups


def _load_all(loader, groups, kind: str, errors: list | None) -> dict:
    """Load every file; a later group replaces an earlier one with the same id.

    With `errors` given, a broken file is recorded there and skipped so the
    others keep working; without it the first error is raised.
    """
    found: dict = {}
    for group in groups:
        in_group: dict[str, Path] = {}
        for path in group:
            try:
                item = loader(path)
                if item.id in in_group:
                    raise Place(display_path(Path(path).resolve()))["id"].error(
                        f"duplicate {kind} id {item.id!r} (also in {display_path(in_group[item.id].resolve())})"
                    )
            except BankError as e:
                if errors is None:
                    raise
                errors.append(e)
                continue
            in_group[item.id] = Path(path)
            found[item.id] = item
    return found


def load_banks(
    extra_dirs: Iterable[str | Path] = (),
    extra_files: Iterable[str | Path] = (),
    *,
    errors: list[BankError] | None = None,
) -> dict[str, Bank]:
    """Bundled banks plus user banks, by id, in load order.

    A user bank with the same id as a bundled one replaces it. Question ids
    must be unique across all the banks, since questions are found by id.
    """
    groups = _sources(BUNDLED_PROMPTS, extra_dirs, extra_files)
    banks = _load_all(load_bank, groups, "bank", errors)
    owner: dict[str, Bank] = {}
    for bank in list(banks.values()):
        clash = next((q.id for q in bank.questions if q.id in owner), None)
        if clash is None:
            owner.update((q.id, bank) for q in bank.questions)
            continue
        other = owner[clash]
        e = BankError(
            f"{display_path(Path(bank.path))}: question id {clash!r} is already used "
            f"in bank {other.id!r} ({display_path(Path(other.path))})"
        )
        if errors is None:
            raise e
        errors.append(e)
        del banks[bank.id]
    return banks


def load_companies(
    extra_dirs: Iterable[str | Path] = (),
    extra_files: Iterable[str | Path] = (),
    *,
    errors: list[BankError] | None = None,
) -> dict[str, Company]:
    """Bundled company profiles plus user ones; a user profile replaces a bundled one with its id."""
    groups = _sources(BUNDLED_COMPANIES, extra_dirs, extra_files)
    return _load_all(load_company, groups, "company", errors)


# ---------------------------------------------------------------- looking up


def _did_you_mean(name: str, choices: Iterable[str]) -> str:
    close = closest(name, choices)
    return f"; did you mean {close!r}?" if close else ""


def find_question(banks: dict[str, Bank], question_id: str) -> Question:
    ids = []
    for bank in banks.values():
        for question in bank.questions:
            if question.id == question_id:
                return question
            ids.append(question.id)
    raise UnknownName(
        f"unknown question {question_id!r}{_did_you_mean(question_id, ids)} (see `voice-mock banks`)"
    )


def find_company(companies: dict[str, Company], name_or_path: str | Path) -> Company:
    """A company by id or name (any case), or the profile at a path to a .toml file."""
    text = str(name_or_path)
    if text.endswith(".toml") or Path(text).expanduser().is_file():
        return load_company(text)
    if text in companies:
        return companies[text]
    for company in companies.values():
        if company.name.casefold() == text.casefold() or company.id == text.casefold():
            return company
    raise UnknownName(
        f"unknown company {text!r}{_did_you_mean(text, companies)} (see `voice-mock banks`)"
    )


def pick_questions(
    banks: dict[str, Bank],
    bank_id: str | None = None,
    count: int | None = 3,
    seed: int | None = None,
    *,
    shuffle: bool = False,
) -> list[Question]:
    """Up to `count` questions from one bank (or all banks), in bank order.

    With `shuffle=True` or a `seed`, a random pick instead; the same seed
    gives the same pick. `count=None` takes them all.
    """
    if bank_id is not None:
        if bank_id not in banks:
            raise UnknownName(
                f"unknown bank {bank_id!r}{_did_you_mean(bank_id, banks)} (see `voice-mock banks`)"
            )
        pool = list(banks[bank_id].questions)
    else:
        pool = [q for bank in banks.values() for q in bank.questions]
    if count is not None and count < 1:
        raise BankError(f"question count must be at least 1, got {count}")
    if shuffle or seed is not None:
        random.Random(seed).shuffle(pool)
    return pool if count is None else pool[:count]
