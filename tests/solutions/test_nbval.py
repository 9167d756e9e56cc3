"""nbval re-executes the committed, executed solution notebooks and compares marked outputs.

Cells whose first line is `# NBVAL_CHECK_OUTPUT` (parameter counts, shapes, summaries, the
test cells' scores) must reproduce their committed output; every other cell must run
without error. Runs in the tiny profile, the one the solutions are committed in.
"""

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

SOLUTIONS = sorted(path.parent.name for path in (REPO / "solutions").glob("*/*.ipynb"))
SANITIZE = REPO / "tests" / "solutions" / "nbval_sanitize.cfg"


def test_there_are_solutions_to_check():
    assert SOLUTIONS, "no solution notebooks under solutions/"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", SOLUTIONS)
def test_solution_outputs_reproduce(assignment):
    notebooks = sorted((REPO / "solutions" / assignment).glob("*.ipynb"))
    for notebook in notebooks:
        source = notebook.read_text()
        assert "NBVAL_CHECK_OUTPUT" in source, f"{notebook.name}: no cell's output is checked"
    env = dict(os.environ, CNNCOURSE_PROFILE="tiny")
    # `-o addopts=-ra` and no PYTEST_ADDOPTS: not the project's xdist workers (nor options
    # such as `-n 3` given to the outer run) inside this one test: nbval needs one kernel.
    env.pop("PYTEST_ADDOPTS", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-o",
        "addopts=-ra",
        "--nbval-lax",
        "--nbval-current-env",
        "--nbval-cell-timeout=300",
        f"--nbval-sanitize-with={SANITIZE}",
        "-p",
        "no:cacheprovider",
        "-q",
        *map(str, notebooks),
    ]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
