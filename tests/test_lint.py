"""The code base passes `ruff check` and `ruff format --check` with the project's settings."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _ruff() -> str:
    # The environment's own ruff first: its version is the one in constraints.txt.
    ruff = Path(sys.executable).with_name("ruff")
    ruff = str(ruff) if ruff.exists() else shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed: install the [test] extra")
    return ruff


def test_ruff_reports_nothing():
    result = subprocess.run(
        [_ruff(), "check", "--output-format", "concise", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_code_is_formatted():
    result = subprocess.run(
        [_ruff(), "format", "--check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, (
        "run `ruff format .`:\n" + result.stdout[-4000:] + result.stderr[-2000:]
    )
