"""Question banks and company profiles (TOML): each file read and checked
(parse.py), then all of them loaded and looked up by id (catalog.py)."""

from .catalog import find_company, find_question, load_banks, load_companies, pick_questions
from .parse import BUNDLED_COMPANIES, BUNDLED_PROMPTS, BankError, RubricCue, load_bank, load_company

__all__ = [
    "BUNDLED_COMPANIES", "BUNDLED_PROMPTS", "BankError", "RubricCue", "find_company", "find_question", "load_bank",
    "load_banks", "load_companies", "load_company", "pick_questions",
]
