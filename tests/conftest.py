from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The suite is a gate (CI must be repeatable): generated cases come from a fixed seed per test. Exploration with
# fresh random cases is `HYPOTHESIS_PROFILE=explore pytest` and the standing run in benchmarks/fuzz_standing.py.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def private_history(tmp_path_factory, monkeypatch):
    """Every test gets its own history store: never the user's real ~/.local/share/reliability."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def config():
    from reliability import load_config

    return load_config()
