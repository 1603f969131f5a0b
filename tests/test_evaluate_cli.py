"""`voice-mock evaluate` on real speech, as a user runs it."""

import json
import shutil

import pytest
from conftest import REPO, run_cli

REAL = REPO / "tests" / "data" / "real"


def test_missing_real_set_is_one_line(tmp_path):
    r = run_cli("evaluate", "--set", "real", "--real", tmp_path / "nowhere")
    assert r.returncode != 0
    assert r.stderr.strip().count("\n") == 0 and "manifest.json" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.model
def test_real_speech_reported_apart_with_the_raw_baseline(tmp_path):
    manifest = json.loads((REAL / "manifest.json").read_text())
    keep = [c for c in manifest["clips"] if c["id"] in ("mfa_kmg", "common_voice_en_22058267")]
    (tmp_path / "audio").mkdir()
    for c in keep:
        shutil.copy(REAL / c["audio"], tmp_path / c["audio"])
    (tmp_path / "manifest.json").write_text(json.dumps({"clips": keep}))
    r = run_cli("evaluate", "--set", "real", "--real", tmp_path, "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert "synthetic" not in out
    clips = {c["id"]: c for c in out["real"]["clips"]}
    assert set(clips) == {"mfa_kmg", "common_voice_en_22058267"}
    assert clips["common_voice_en_22058267"]["ref_words"] == 1
    totals = out["real"]["totals"]["all"]
    assert totals["clips"] == 2 and 0.0 <= totals["raw_wer"] and totals["filler_precision"] == 1.0
    r = run_cli("evaluate", "--set", "real", "--real", tmp_path)
    assert r.returncode == 0 and "raw faster-whisper without a prompt" in r.stdout
