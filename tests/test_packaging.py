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


def _licence_of(dist) -> str:
    meta = dist.metadata
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License")]
    return " ".join([meta.get("License-Expression") or "", (meta.get("License") or "")[:200], *classifiers])


def _runtime_closure() -> dict:
    """{name: distribution} for voice-mock's installed runtime dependencies (no extras), transitively."""
    import re
    from importlib import metadata

    from packaging.requirements import Requirement

    seen, todo = {}, ["voice-mock"]
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            seen[key] = dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    seen.pop("voice-mock", None)
    return seen


def test_docs_licences_names_every_dependency_and_every_gpl_one():
    """docs/licences.md has a row for each runtime dependency and extra of pyproject.toml, and
    every installed runtime dependency whose metadata says GPL (not LGPL) is named there as GPL."""
    import re
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    doc = (root / "docs" / "licences.md").read_text().lower()
    # the first cell of each table row: "| name (and others) | ..." ("onnx" inside "onnxruntime" is no row)
    rows = {line.split("|")[1].strip().strip("*"): line for line in doc.splitlines() if line.startswith("| ")}
    cells = {n.strip().strip("*") for cell in rows for n in re.split(r"[,()]| and ", cell)}
    named = [Requirement(r).name for r in project["dependencies"]]
    named += [Requirement(r).name for extra, reqs in project["optional-dependencies"].items() if extra != "test"
              for r in reqs]
    assert [n for n in named if n.lower() not in cells] == []
    closure = _runtime_closure()
    assert "praat-parselmouth" in closure and len(closure) > 20
    gpl = [d.metadata["Name"] for d in closure.values() if re.search(r"(?<!L)GPL|General Public", _licence_of(d))
           and not re.search(r"LGPL|Lesser", _licence_of(d))]
    assert "praat-parselmouth" in gpl  # the check sees the one GPL package there is today
    undocumented = [n for n in gpl if not any(n.lower() in name and "gpl" in row for name, row in rows.items())]
    assert undocumented == [], f"GPL dependencies missing from docs/licences.md: {undocumented}"
