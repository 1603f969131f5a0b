"""The shape of saved session files, checked when they are loaded.

session.json, feedback.json and transcript.json are plain files a user (or a
crash, or another program) can change. Everything the review commands read
from them is checked here first, so a wrong type becomes one line naming the
file and the place (`answers[0].index: expected a whole number, got "one"`)
instead of a crash half-way through a command that has already written files.
Keys that are missing are fine (older files lack some); extra keys are ignored.
"""

from __future__ import annotations

from typing import Any


class Map:
    """A table of any keys whose values all have one shape (e.g. scores)."""

    def __init__(self, shape) -> None:
        self.shape = shape


NUM = "number"
INT = "whole number"
OPT_NUM = (NUM, None)
OPT_INT = (INT, None)
OPT_STR = (str, None)
OPT_BOOL = (bool, None)

SPAN = {"start": OPT_NUM, "end": OPT_NUM, "text": OPT_STR}
EVIDENCE = [SPAN]
WORD = {"text": str, "start": OPT_NUM, "end": OPT_NUM, "kind": OPT_STR, "probability": OPT_NUM}

FEEDBACK = {
    "schema_version": OPT_INT,
    "transcript": OPT_STR,
    "words": [WORD],
    "pacing": {
        "measured": OPT_BOOL, "duration_s": OPT_NUM, "word_count": OPT_INT, "words_per_minute": OPT_NUM,
        "response_latency_s": OPT_NUM, "speech_start": OPT_NUM, "speech_end": OPT_NUM,
        "windows": [{"start": NUM, "end": NUM, "wpm": OPT_NUM, "words": OPT_INT}],
        "stretches": [{"start": NUM, "end": NUM, "wpm": OPT_NUM, "kind": OPT_STR}],
    },
    "hesitation": {
        "filled_pause_count": OPT_INT, "filler_phrase_count": OPT_INT, "long_pause_count": OPT_INT,
        "pauses": [{"start": NUM, "end": OPT_NUM, "duration_s": NUM, "kind": OPT_STR}],
        "filled_pauses": [SPAN], "filler_phrases": [SPAN], "repetitions": [SPAN], "restarts": [SPAN],
    },
    "content": {
        "talking_points": [{"id": str, "label": str, "covered": OPT_BOOL, "advice": OPT_STR, "reason": OPT_STR,
                            "evidence": EVIDENCE}],
        "red_flags": [{"id": OPT_STR, "label": str, "evidence": EVIDENCE}],
    },
    "findings": [{"message": str, "severity": OPT_STR, "rule": OPT_STR, "start": OPT_NUM, "end": OPT_NUM,
                  "evidence": EVIDENCE}],
    "scores": Map(OPT_NUM),
    "measured": {"not_measured": [{"item": OPT_STR, "reason": OPT_STR}]},
}

TRANSCRIPT = {
    "schema_version": OPT_INT,
    "duration_s": NUM,
    "words": [{"text": str, "start": NUM, "end": NUM, "probability": OPT_NUM}],
    "speech": [{"start": NUM, "end": NUM}],
    "steady": [{"start": NUM, "end": NUM}],
}

ANSWER = {
    "index": INT, "question_id": str, "question": OPT_STR, "bank": OPT_STR, "folder": str,
    "skipped": OPT_BOOL, "state": OPT_STR, "end_reason": OPT_STR, "error": OPT_STR, "duration_s": OPT_NUM,
    "scores": (Map(OPT_NUM), None), "reanalyzed": OPT_STR,
}
SESSION = {
    "schema_version": OPT_INT, "started": OPT_STR, "started_unix": OPT_NUM, "finished": OPT_BOOL, "mode": OPT_STR, "bank": OPT_STR,
    "company": OPT_STR, "model": OPT_STR, "voice": OPT_STR, "answers": [ANSWER],
}
REQUIRED_IN_ANSWER = ("index", "question_id", "folder")


def _name(shape) -> str:
    if isinstance(shape, tuple):
        return " or ".join(_name(s) for s in shape)
    if shape is None:
        return "null"
    if shape is str:
        return "a string"
    if shape is bool:
        return "true/false"
    if shape in (NUM, INT):
        return f"a {shape}"
    if isinstance(shape, list):
        return "a list"
    return "a table"


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, (str, int, float, bool)) or value is None else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _matches(value, shape) -> bool:
    if shape is None:
        return value is None
    if shape is bool:
        return isinstance(value, bool)
    if shape is str:
        return isinstance(value, str)
    if shape == NUM:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if shape == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(shape, list):
        return isinstance(value, list)
    return isinstance(value, dict)


def problem(value: Any, shape, where: str = "") -> str | None:
    """None if `value` has `shape`; else where and what is wrong, in one line."""
    options = shape if isinstance(shape, tuple) else (shape,)
    for option in options:
        if not _matches(value, option):
            continue
        if isinstance(option, list):
            for i, item in enumerate(value):
                found = problem(item, option[0], f"{where}[{i}]")
                if found:
                    return found
        elif isinstance(option, Map):
            for key, item in value.items():
                found = problem(item, option.shape, f"{where}.{key}" if where else str(key))
                if found:
                    return found
        elif isinstance(option, dict):
            for key, sub in option.items():
                if key in value:
                    found = problem(value[key], sub, f"{where}.{key}" if where else key)
                    if found:
                        return found
        return None
    return f"{where or 'the file'}: expected {_name(shape)}, got {_short(value)}"


def session_problem(meta: Any) -> str | None:
    found = problem(meta, SESSION)
    if found:
        return found
    for i, entry in enumerate(meta.get("answers", [])):
        for key in REQUIRED_IN_ANSWER:
            if key not in entry:
                return f"answers[{i}]: missing {key}"
    return None


def feedback_problem(data: Any) -> str | None:
    return problem(data, FEEDBACK)


def transcript_problem(data: Any) -> str | None:
    return problem(data, TRANSCRIPT)
