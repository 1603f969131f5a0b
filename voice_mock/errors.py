from __future__ import annotations

from collections.abc import Iterable


class VoiceMockError(Exception):
    exit_code = 1


class UsageError(VoiceMockError):
    exit_code = 2


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice a mistyped `name` most likely meant, for "did you mean ...?", or None."""
    import difflib

    choices = [str(c) for c in choices]
    # A part of an id ("tiger") is a better hint than a similar-looking word.
    close = [c for c in choices if name and str(name).lower() in c][:1]
    close = close or difflib.get_close_matches(str(name), choices, n=1, cutoff=0.6)
    return close[0] if close else None
