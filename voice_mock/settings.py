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

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from voice_mock.audio.endpoint import EndpointSettings
from voice_mock.errors import UsageError
from voice_mock.files import FileProblem, read_text

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
    if not explicit and not os.path.lexists(path):
        return UserConfig()
    try:
        text = read_text(path, "config file")  # a folder or a FIFO is named as such, never opened
    except FileProblem as exc:
        raise UsageError(str(exc).replace("no such file", "no such config file")) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise UsageError(f"{path}: not valid TOML (nested too deeply)") from None
    endpoint = data.pop("endpoint", {})
    known = {f.name for f in fields(EndpointSettings)}
    if not isinstance(endpoint, dict) or set(endpoint) - known:
        bad = sorted(set(endpoint) - known) if isinstance(endpoint, dict) else ["(not a table)"]
        from voice_mock.analysis.config import did_you_mean

        hint = did_you_mean(bad[0], known) if len(bad) == 1 else f"expected one of: {', '.join(sorted(known))}"
        raise UsageError(f"{path}: endpoint: unknown key {', '.join(bad)} ({hint})")
    for key, value in endpoint.items():
        problem = endpoint_value_problem(key, value)
        if problem:
            raise UsageError(f"{path}: endpoint.{key}: {problem}")
    from voice_mock.analysis.config import AnalysisConfig

    try:
        analysis = AnalysisConfig.from_dict(data)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from None
    return UserConfig(analysis=analysis, endpoint={k: float(v) for k, v in endpoint.items()}, path=path)


def endpoint_value_problem(key: str, value) -> str | None:
    """What is wrong with one end-of-answer setting, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return f"must be a positive number, got {value!r}"
    if key == "threshold" and value >= 1:
        return f"is a speech probability: between 0 and 1, got {value!r}"
    return None
