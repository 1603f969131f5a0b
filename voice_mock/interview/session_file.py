"""session.json as the interview goes: at every moment it lists every answer
whose audio is on disk.

An answer's entry is written before its audio file is created (state
"recording"), updated when the recording ends ("recorded", with how and how
long) and once its feedback is saved ("analysed", with the scores). Whatever
stops the interview in between (Ctrl-C, SIGTERM, the microphone going away, a
full disk, a crash), `replay` and `history` find the answer and show it as
interrupted, and `replay --reanalyze` analyses it.
"""

from __future__ import annotations

import platform
import time
from dataclasses import asdict
from pathlib import Path

from voice_mock import __version__
from voice_mock.errors import VoiceMockError
from voice_mock.review.session import ANALYSED, RECORDED, RECORDING, SKIPPED, write_json_atomic


class SessionFile:
    def __init__(self, ctx, started: str) -> None:
        self.path = Path(ctx.session_dir) / "session.json"
        self.meta = {
            "schema_version": 1,
            "started": started,
            "started_unix": round(time.time(), 6),  # orders sessions started in the same second
            "finished": False,
            "mode": ctx.mode,
            "bank": ctx.bank,
            "company": ctx.company.id if ctx.company else None,
            "model": ctx.transcriber.name,
            "voice": getattr(ctx.voice, "name", "none"),
            "settings": {"endpoint": asdict(ctx.settings.endpoint)},
            "versions": {"voice_mock": __version__, "python": platform.python_version()},
            "answers": [],
        }

    def save(self) -> None:
        write_json_atomic(self.path, self.meta)

    def save_quietly(self) -> bool:
        """Save, unless that fails (a full disk): the version on disk then stays as it was."""
        try:
            self.save()
            return True
        except VoiceMockError:
            return False

    def finish(self, raise_errors: bool) -> None:
        self.meta["finished"] = True
        if raise_errors:
            self.save()
        else:  # an error is already on its way out: it is the one to report
            self.save_quietly()

    def recording_starts(self, index: int, question, folder: Path) -> dict:
        """The entry, on disk before any audio is (raises if it cannot be written)."""
        for entry in self.meta["answers"]:
            if entry["index"] == index:  # asked again after a silence
                entry["state"] = RECORDING
                break
        else:
            entry = {"index": index, "question_id": question.id, "question": question.text, "bank": question.bank,
                     "folder": folder.name, "skipped": False, "state": RECORDING}
            self.meta["answers"].append(entry)
        self.save()
        return entry

    def recording_ended(self, entry: dict, recording) -> None:
        entry.update(state=RECORDED, end_reason=recording.end_reason, duration_s=round(recording.duration_s, 2))
        if recording.error is not None:
            entry["error"] = str(recording.error)
            self.save_quietly()  # the recording's own error is the one to report
        else:
            self.save()

    def answered(self, entry: dict, record) -> None:
        if record.skipped:
            entry.update(state=SKIPPED, skipped=True)
        else:
            entry.update(state=ANALYSED, scores=record.feedback.get("scores"))
        self.save()
