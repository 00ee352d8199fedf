"""ruff (lint and format) and mypy over the package, run by the test command.

`solver/` and `constraints/` install as `rota_solve.solver` and `rota_solve.constraints`, a
mapping mypy cannot follow through setuptools' editable finder; so mypy reads the package
through a tree of links that lays the folders out under their import name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def test_ruff_lint() -> None:
    proc = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format() -> None:
    proc = subprocess.run(
        [_tool("ruff"), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy(tmp_path: Path) -> None:
    pkg = tmp_path / "rota_solve"
    pkg.mkdir()
    for entry in (ROOT / "rota_solve").iterdir():
        if entry.suffix in (".py", ".typed"):
            os.symlink(entry, pkg / entry.name)
    os.symlink(ROOT / "solver", pkg / "solver")
    os.symlink(ROOT / "constraints", pkg / "constraints")
    proc = subprocess.run(
        [
            _tool("mypy"),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "-p",
            "rota_solve",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
