"""The session store: one folder per session under DATA_DIR/sessions.

    <id>/session.json                  when, bank, questions, model, settings, versions
    <id>/q01-<question-id>/question.wav
                          answer.wav    written while recorded
                          transcript.json  words with times, speech intervals
                          feedback.json

Every JSON file is written atomically (temp file, fsync, rename), so a crash
leaves the old version or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from voice_mock.errors import UsageError, VoiceMockError

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


def write_json_atomic(path: Path, data) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path: Path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise SessionError(f"{path}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SessionError(f"{path}: corrupt JSON ({exc})") from None


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
        return sorted(p for p in self.sessions_dir.iterdir() if (p / SESSION_FILE).is_file())

    def resolve(self, ref: str) -> Path:
        """A session id, 'latest', or a path to a session folder in the data dir.

        Never a path outside the data dir: ids are checked by pattern, paths
        by where they really resolve.
        """
        if ref == "latest":
            sessions = self.list_sessions()
            if not sessions:
                raise SessionError(f"no sessions yet in {self.data_dir}")
            return sessions[-1]
        if SESSION_ID.match(ref) and ".." not in ref:
            path = self.sessions_dir / ref
        else:
            path = Path(ref).expanduser().resolve()
            root = self.sessions_dir.resolve()
            if root not in path.parents:
                raise UsageError(f"'{ref}' is not a session in {self.sessions_dir}")
        if not (path / SESSION_FILE).is_file():
            raise SessionError(f"no session '{ref}' in {self.sessions_dir} (see `voice-mock history`)")
        return path


def answer_dir(session: Path, index: int, question_id: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", question_id).strip("-") or "question"
    path = session / f"q{index:02d}-{safe}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_session(path: Path) -> dict:
    """session.json plus each answer's transcript and feedback, as saved."""
    meta = read_json(path / SESSION_FILE)
    answers = []
    for entry in meta.get("answers", []):
        folder = path / entry["folder"]
        answer = dict(entry)
        answer["dir"] = folder
        for name in ("transcript", "feedback"):
            try:
                answer[name] = read_json(folder / f"{name}.json")
            except SessionError as exc:
                answer[name] = None
                answer.setdefault("problems", []).append(str(exc))
        answers.append(answer)
    meta["answers"] = answers
    meta["path"] = path
    return meta
