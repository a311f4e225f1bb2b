"""Configuration: defaults shipped with the package, overridden key by key by a user's TOML file.

Layout of the defaults (``config/`` in the repository, ``reliability/_config/`` once installed):

- ``default.toml`` — weights, triage thresholds, limits, duplication parameters, signal parameters;
- ``lexicons/<name>.toml`` — cue lists, merged under ``[lexicons.<name>]``.

A user's file names only the keys it changes; tables merge recursively, lists and scalars replace.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the key."""


def default_config_dir() -> Path:
    packaged = Path(__file__).parent / "_config"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "config"


@dataclass(frozen=True)
class Config:
    data: Mapping[str, Any]
    source: str = "default"

    def section(self, *keys: str) -> Mapping[str, Any]:
        """The table at ``keys`` (e.g. ``section("signals", "garbled_text")``), empty if absent."""
        node: Any = self.data
        for key in keys:
            node = node.get(key, {}) if isinstance(node, Mapping) else {}
        return node if isinstance(node, Mapping) else {}

    def get(self, *keys: str, default: Any = None) -> Any:
        node: Any = self.data
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                return default
            node = node[key]
        return node

    def lexicon(self, name: str) -> Mapping[str, Any]:
        return self.section("lexicons", name)

    @property
    def weights(self) -> Mapping[str, float]:
        return self.section("weights")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Recursive merge: tables merge, everything else in ``override`` replaces ``base``."""
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_defaults() -> dict[str, Any]:
    root = default_config_dir()
    data = _read_toml(root / "default.toml")
    lexicons: dict[str, Any] = data.setdefault("lexicons", {})
    for path in sorted((root / "lexicons").glob("*.toml")):
        lexicons[path.stem] = merge(lexicons.get(path.stem, {}), _read_toml(path))
    return data


def load_config(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Defaults, then the user's file at ``path``, then ``overrides`` (a dict, for notebooks and tests)."""
    data = load_defaults()
    source = "default"
    if path is not None:
        user = _read_toml(Path(path))
        data = merge(data, user)
        source = str(path)
    if overrides:
        data = merge(data, overrides)
    config = Config(data, source)
    validate(config)
    return config


def validate(config: Config) -> None:
    where = config.source
    weights = config.weights
    for name, weight in weights.items():
        if not isinstance(weight, (int, float)) or weight < 0:
            raise ConfigError(f"{where}: weights.{name} must be a number >= 0, got {weight!r}")
    accept = config.get("triage", "accept")
    review = config.get("triage", "review")
    if not (isinstance(accept, (int, float)) and isinstance(review, (int, float)) and 0 <= review <= accept <= 100):
        raise ConfigError(
            f"{where}: triage thresholds need 0 <= triage.review <= triage.accept <= 100, got review={review!r} accept={accept!r}"
        )
