"""Text for the terminal, with control characters made harmless.

Typed answers, transcripts, banks, company profiles and session files are
text from outside: an escape sequence in any of them (`ESC[2J` clears the
screen, `ESC]0;...BEL` retitles the window) must be shown, not obeyed. Every
character below U+0020 except newline and tab, DEL and the C1 controls
(U+0080-U+009F, which some terminals obey too) is shown as its Unicode
"control picture" (ESC as ␛) or as U+FFFD.

render.SafeConsole does this to everything it prints (rich keeps ESC in
plain text); `clean` is also for the lines printed without rich, and
`json_text` for JSON printed to stdout (C0 controls are escaped by JSON
itself; DEL and C1 become \\u escapes, so the data is unchanged).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _picture(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def clean(text: str) -> str:
    return _CONTROL.sub(_picture, text)


_RAW_IN_JSON = re.compile(r"[\x7f-\x9f]")


def json_text(text: str) -> str:
    """JSON (as json.dumps writes it) with the controls JSON leaves raw escaped."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def stdout_text(text: str, is_json: bool) -> str:
    return json_text(text) if is_json else clean(text)
