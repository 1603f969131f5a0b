"""A private PulseAudio server with a virtual speaker and microphone.

sounddevice reaches it through ALSA's pulse plugin, so `voice-mock practice`
runs its real audio path: the test hears the question on the speaker's
monitor and speaks into the microphone with paplay (FIELD-NOTES §2).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

SPEAKER = "vspk"
MIC_SINK = "vmic"  # what is played into this sink is heard on vmic.monitor


class PulseServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        runtime = root / "runtime"
        (runtime / "pulse").mkdir(parents=True, exist_ok=True)
        os.chmod(runtime, 0o700)
        self.env = {
            "XDG_RUNTIME_DIR": str(runtime),
            "PULSE_RUNTIME_PATH": str(runtime / "pulse"),
            "HOME": str(root),  # the cookie goes to $HOME/.config/pulse
        }

    def _run(self, *cmd, check=True, timeout=30, **kw):
        return subprocess.run(list(cmd), env={**os.environ, **self.env}, check=check,
                              capture_output=True, text=True, timeout=timeout, **kw)

    def start(self) -> "PulseServer":
        if not shutil.which("pulseaudio"):
            raise RuntimeError("pulseaudio is not installed (scripts/setup.sh installs it)")
        self._run(
            "pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "--disallow-exit",
            "--load=module-native-protocol-unix",
            f"--load=module-null-sink sink_name={SPEAKER}",
            f"--load=module-null-sink sink_name={MIC_SINK}",
            "--load=module-always-sink",
        )
        for _ in range(50):
            if self._run("pactl", "info", check=False).returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("PulseAudio did not start")
        self._run("pactl", "set-default-sink", SPEAKER)
        self._run("pactl", "set-default-source", f"{MIC_SINK}.monitor")
        return self

    def stop(self) -> None:
        self._run("pulseaudio", "--kill", check=False)

    def record_speaker(self, path: Path) -> subprocess.Popen:
        """Capture what voice-mock plays, as a listener in the room would."""
        return subprocess.Popen(
            ["parecord", "-d", f"{SPEAKER}.monitor", "--file-format=wav", "--rate=16000", "--channels=1", str(path)],
            env={**os.environ, **self.env},
        )

    def speak_into_mic(self, audio_file: Path) -> None:
        self._run("paplay", "-d", MIC_SINK, str(audio_file), timeout=300)  # plays in real time


def wait_for(proc, needle: str, lines: list[str], timeout: float) -> None:
    """Read `proc`'s stdout into `lines` until a line holds `needle`; fail if it exits or `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                raise AssertionError(f"voice-mock exited early:\n{''.join(lines)}\n{proc.stderr.read()}")
            continue
        lines.append(line)
        if needle in line:
            return
    raise AssertionError(f"never saw {needle!r}:\n{''.join(lines)}")
