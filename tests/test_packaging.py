"""`import voice_mock` and `voice-mock --help` stay light: the speech model,
the audio device library and the TTS engine are imported only when used."""

import subprocess
import sys

HEAVY = ("faster_whisper", "ctranslate2", "sounddevice", "pyttsx3", "onnxruntime", "piper", "av", "ray")


def test_help_imports_nothing_heavy():
    code = (
        "import sys, contextlib, io\n"
        "import voice_mock, voice_mock.cli.main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        voice_mock.cli.main.main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_module_entry_point_and_console_script_agree():
    result = subprocess.run([sys.executable, "-m", "voice_mock", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("voice-mock ")
