"""Question banks and company profiles (TOML): read and checked, then loaded and looked up."""

from .parse import (
    BUNDLED_COMPANIES, BUNDLED_PROMPTS, BankError, RubricCue, find_company, find_question, load_bank, load_banks,
    load_companies, load_company, pick_questions,
)

__all__ = [
    "BUNDLED_COMPANIES", "BUNDLED_PROMPTS", "BankError", "RubricCue", "find_company", "find_question", "load_bank",
    "load_banks", "load_companies", "load_company", "pick_questions",
]
