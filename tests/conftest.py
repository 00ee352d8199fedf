from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path | None:
    env = os.environ.get("ROTA_SOLVE_CORPUS")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared" / "corpus")
    for c in candidates:
        if (c / "cases.json").is_file():
            return c
    return None


@pytest.fixture(scope="session")
def corpus() -> Path:
    found = corpus_dir()
    if found is None:
        pytest.skip("the corpus (../shared/corpus or $ROTA_SOLVE_CORPUS) is not here")
    return found
