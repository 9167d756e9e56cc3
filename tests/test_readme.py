"""The README's Quick start is two commands, and CI runs the second."""

import re
import subprocess

from tests.conftest import REPO


def quick_start_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = re.search(r"^#+ *Quick start.*?^```bash\n(.*?)^```", text, re.S | re.M)
    assert block, "README has no Quick start bash block"
    return [
        line
        for line in block.group(1).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_quick_start_has_exactly_two_commands():
    first, second = quick_start_commands()
    assert "pip install" in first and "cnncourse book" in first
    assert "pip install" in second and "pytest" in second
    assert "constraints.txt" in first and "constraints.txt" in second


def test_ci_runs_the_readme_test_command():
    printed = subprocess.run(
        [str(REPO / ".ci" / "run"), "--print"], capture_output=True, text=True, check=True
    )
    assert printed.stdout.strip() == quick_start_commands()[1]


def test_constraints_pin_every_direct_dependency():
    pins = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (REPO / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    for name in (
        "tensorflow",
        "keras",
        "keras-tuner",
        "nbgrader",
        "nbval",
        "jupyter-book",
        "jupytext",
        "myst-nb",
        "pytest",
        "selenium",
        "django-static-mathjax",
    ):
        assert name in pins, f"{name} is not pinned in constraints.txt"
