"""The session store: one folder per session under DATA_DIR/sessions.

    <id>/session.json                  when, bank, questions, model, settings, versions
    <id>/q01-<question-id>/question.wav
                          answer.wav    written while recorded
                          transcript.json  words with times, speech intervals
                          feedback.json

Every JSON file is written atomically (voice_mock.files: temp file, fsync,
rename), so a crash leaves the old version or the new one, never half of one.
Every path a session names is resolved (symlinks included) and must stay in
the data dir: a session folder linked to elsewhere, or an answer folder
`../../x`, makes the session unusable (one line) and nothing is written.
Everything read is checked against the shapes in checks.py.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from voice_mock.errors import UsageError, VoiceMockError
from voice_mock.files import FileProblem, OutsideError, inside, read_bytes, write_json_atomic  # noqa: F401 (re-exported)

from .checks import feedback_problem, session_problem, transcript_problem

SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SESSION_FILE = "session.json"


class SessionError(VoiceMockError):
    pass


def default_data_dir() -> Path:
    env = os.environ.get("VOICE_MOCK_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "voice-mock"


def read_json(path: Path):
    path = Path(path)
    if not os.path.lexists(path):
        raise SessionError(f"{path}: missing")
    try:
        data = read_bytes(path, "JSON file")  # a FIFO in a session folder must not hang a command
    except FileProblem as exc:
        raise SessionError(str(exc)) from None
    try:
        return json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SessionError(f"{path}: corrupt JSON ({exc})") from None
    except RecursionError:
        raise SessionError(f"{path}: corrupt JSON (nested too deeply)") from None


@dataclass
class Store:
    data_dir: Path

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    def ensure_writable(self) -> None:
        try:
            self.sessions_dir.mkdir(parents=True, exist_ok=True)
            probe = self.sessions_dir / f".write-test-{os.getpid()}"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise SessionError(f"cannot write to the data dir {self.data_dir}: {exc.strerror}") from None

    def new_session(self, label: str) -> Path:
        self.ensure_writable()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        label = re.sub(r"[^A-Za-z0-9-]+", "-", label).strip("-")[:40] or "session"
        for n in range(1, 1000):
            name = f"{stamp}-{label}" + (f"-{n}" if n > 1 else "")
            path = self.sessions_dir / name
            try:
                path.mkdir()
                return path
            except FileExistsError:
                continue
        raise SessionError("could not create a session folder")

    def list_sessions(self) -> list[Path]:
        if not self.sessions_dir.is_dir():
            return []
        return ordered_sessions(p for p in self.sessions_dir.iterdir() if (p / SESSION_FILE).is_file())

    def resolve(self, ref: str) -> Path:
        """A session id, 'latest', or a path to a session folder in the data dir.

        Never a path outside the data dir: ids are checked by pattern, paths
        by where they really resolve.
        """
        if ref == "latest":
            sessions = self.list_sessions()
            if not sessions:
                raise SessionError(f"no sessions yet in {self.data_dir}")
            path = sessions[-1]
        elif SESSION_ID.match(ref) and ".." not in ref:
            path = self.sessions_dir / ref
        else:
            path = Path(ref).expanduser().resolve()
            root = self.sessions_dir.resolve()
            if root not in path.parents:
                raise UsageError(f"'{ref}' is not a session in {self.sessions_dir}")
        if not (path / SESSION_FILE).is_file():
            raise SessionError(f"no session '{ref}' in {self.sessions_dir} (see `voice-mock history`)")
        self.check_inside(path)
        return path

    def check_inside(self, path: Path) -> None:
        """OutsideError if the session folder really is elsewhere (a symlink)."""
        try:
            inside(path, self.sessions_dir, "data dir's sessions")
        except OutsideError:
            raise OutsideError(f"session {path.name} leads outside the data dir ({path.resolve()}); "
                               "not used, nothing written") from None


def answer_dir(session: Path, index: int, question_id: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", question_id).strip("-") or "question"
    path = session / f"q{index:02d}-{safe}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_session(path: Path) -> dict:
    """session.json plus each answer's transcript and feedback, as saved and checked.

    A session.json of the wrong shape, or naming an answer folder outside the
    session, raises SessionError; a feedback.json or transcript.json of the
    wrong shape is left out (None) with a line in the answer's `problems`.
    """
    meta = read_json(path / SESSION_FILE)
    problem = session_problem(meta)
    if problem:
        raise SessionError(f"{SESSION_FILE} is malformed ({problem})")
    answers = []
    for i, entry in enumerate(meta.get("answers", [])):
        folder = path / entry["folder"]
        try:
            inside(folder, path)
        except OutsideError:
            raise SessionError(f"{SESSION_FILE}: answers[{i}].folder {entry['folder']!r} leads outside the "
                               "session folder; not used, nothing written") from None
        answer = dict(entry)
        answer["dir"] = folder
        for name, check in (("transcript", transcript_problem), ("feedback", feedback_problem)):
            file = folder / f"{name}.json"
            answer[name] = None
            if is_interrupted(entry) and not os.path.lexists(file):
                continue  # not analysed yet: nothing is wrong
            try:
                data = read_json(file)
            except SessionError as exc:
                answer.setdefault("problems", []).append(str(exc))
                continue
            problem = check(data)
            if problem:
                answer.setdefault("problems", []).append(f"{file}: malformed ({problem})")
            else:
                answer[name] = data
        answers.append(answer)
    meta["answers"] = answers
    meta["path"] = path
    return meta


# An answer's `state` in session.json (written by interview/loop.py): "recording"
# from the moment its audio is being written, "recorded" once the recording
# ended, "analysed" once its feedback is saved; "skipped" when nothing was heard.
# Sessions saved before states existed have none: their answers are analysed or skipped.
RECORDING, RECORDED, ANALYSED, SKIPPED = "recording", "recorded", "analysed", "skipped"


def is_interrupted(entry: dict) -> bool:
    """Audio on disk but never analysed: the session was stopped before its feedback was saved."""
    return entry.get("state") in (RECORDING, RECORDED)


def session_order(path: Path) -> tuple:
    """Folders are named 'YYYYmmdd-HHMMSS-label', with '-N' for the Nth session
    of that label in one second: by time, then N as a number (a plain sort put
    '-10' before '-9', and `latest` on the wrong one)."""
    name = path.name
    numbered = re.match(r"^(.*)-(\d+)$", name[16:])
    return (name[:15], int(numbered.group(2)) if numbered else 1, name)


def _started_unix(path: Path) -> float:
    """session.json's `started_unix` (the start to the microsecond); -inf when it has none (older
    sessions) or cannot be read, which keeps such sessions in the order of their names."""
    try:
        value = read_json(path / SESSION_FILE).get("started_unix")
    except (SessionError, AttributeError):
        return float("-inf")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("-inf")


def ordered_sessions(folders) -> list[Path]:
    """Session folders oldest first: by the second in their names (session_order), and sessions
    started in the same second (different labels: 'demo' and 'practice') by when they really
    started, not by label. Only such ties read their session.json."""
    out: list[Path] = []
    for _, same_second in itertools.groupby(sorted(folders, key=session_order), key=lambda p: p.name[:15]):
        tie = list(same_second)
        out.extend(sorted(tie, key=_started_unix) if len(tie) > 1 else tie)  # stable: names break ties
    return out
