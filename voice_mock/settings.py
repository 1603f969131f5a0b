"""The user's config file: analysis thresholds and end-of-answer timing.

    DATA_DIR/config.toml, or the file given with --config. Example:

        [pacing]                # sections of voice_mock.analysis.config.AnalysisConfig
        target_low_wpm = 110
        target_high_wpm = 150

        [endpoint]              # voice_mock.audio.endpoint.EndpointSettings
        end_silence_s = 3.0

Every threshold, its default and its source are listed in docs/feedback.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from voice_mock.audio.endpoint import EndpointSettings
from voice_mock.errors import UsageError

CONFIG_NAME = "config.toml"


@dataclass
class UserConfig:
    analysis: object = None  # AnalysisConfig; None: the defaults
    endpoint: dict = field(default_factory=dict)
    path: Path | None = None

    def endpoint_settings(self, **cli) -> EndpointSettings:
        """The file's endpoint values, then the command line's on top."""
        values = {**self.endpoint, **{k: v for k, v in cli.items() if v is not None}}
        return replace(EndpointSettings(), **values)


def load_user_config(path: Path | None, data_dir: Path) -> UserConfig:
    explicit = path is not None
    path = Path(path) if explicit else Path(data_dir) / CONFIG_NAME
    if not path.is_file():
        if explicit:
            raise UsageError(f"{path}: no such config file")
        return UserConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    endpoint = data.pop("endpoint", {})
    known = {f.name for f in fields(EndpointSettings)}
    if not isinstance(endpoint, dict) or set(endpoint) - known:
        bad = sorted(set(endpoint) - known) if isinstance(endpoint, dict) else ["(not a table)"]
        raise UsageError(f"{path}: endpoint: unknown key {', '.join(bad)} (expected one of: {', '.join(sorted(known))})")
    for key, value in endpoint.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise UsageError(f"{path}: endpoint.{key}: must be a positive number")
    from voice_mock.analysis.config import AnalysisConfig

    try:
        analysis = AnalysisConfig.from_dict(data)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return UserConfig(analysis=analysis, endpoint={k: float(v) for k, v in endpoint.items()}, path=path)
