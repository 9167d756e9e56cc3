"""The base install is the student's: no student code path imports an extra's package."""

import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
EXTRAS = PROJECT["optional-dependencies"]
#: What a student's work imports: the package, data, models, the checks of the assignments'
#: test cells, `cnncourse validate` (its comparison with the release and its run), the CLI.
STUDENT_MODULES = [
    "cnncourse",
    "cnncourse.data",
    "cnncourse.models",
    "cnncourse.checks",
    "cnncourse.grading.validate",
    "cnncourse.grading.validate_run",
    "cnncourse.grading.validate_report",
    "cnncourse.grading.execute",
    "cnncourse.cli",
    "cnncourse.launch",
]
#: Import names of distributions that are not installed here (an extra left out).
KNOWN_IMPORT_NAMES = {
    "jupyter-book": ["jupyter_book"],
    "django-static-mathjax": ["mathjax"],
    "psycopg": ["psycopg"],
    "pytest-xdist": ["xdist"],
}


def name_of(requirement: str) -> str:
    """The normalised distribution name of a requirement ("psycopg[binary]>=3.1" -> psycopg)."""
    return re.split(r"[\s\[<>=!~;(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


BASE = {name_of(requirement) for requirement in PROJECT["dependencies"]}


def import_names(distribution: str) -> set[str]:
    """The top-level modules a distribution installs (its known names when it is absent)."""
    found = {
        module
        for module, owners in importlib.metadata.packages_distributions().items()
        if any(name_of(owner) == distribution for owner in owners)
    }
    return found or set(KNOWN_IMPORT_NAMES.get(distribution, [distribution.replace("-", "_")]))


def extra_only_modules() -> dict[str, str]:
    """Top-level module -> the extra's distribution, for every package only an extra brings."""
    modules = {}
    for requirements in EXTRAS.values():
        for distribution in {name_of(r) for r in requirements} - BASE:
            for module in import_names(distribution):
                modules[module] = distribution
    return modules


def test_the_extras_are_the_ones_the_readme_names():
    assert set(EXTRAS) == {"book", "cluster", "postgres", "grader", "test"}
    assert {name_of(r) for r in EXTRAS["book"]} == {"jupyter-book", "django-static-mathjax"}
    assert {name_of(r) for r in EXTRAS["grader"]} == {"distributed", "psycopg"}


def test_the_test_extra_is_everything():
    test = set(EXTRAS["test"])
    for extra, requirements in EXTRAS.items():
        missing = set(requirements) - test
        assert not missing, f"[test] lacks {sorted(missing)} of [{extra}]"


def test_no_extra_package_is_also_a_base_dependency():
    for extra, requirements in EXTRAS.items():
        both = {name_of(r) for r in requirements} & BASE
        assert not both, f"[{extra}] repeats base dependencies {sorted(both)}"


def test_the_book_build_and_the_grader_cluster_are_not_in_the_base():
    for name in (
        "jupyter-book",
        "django-static-mathjax",
        "distributed",
        "psycopg",
        "pytest",
        "selenium",
        "nbval",
    ):
        assert name not in BASE, f"{name} is a base dependency: a student installs it"


def test_student_code_paths_import_no_extra_package():
    modules = extra_only_modules()
    assert {"jupyter_book", "mathjax", "distributed", "psycopg", "pytest"} <= set(modules)
    release = REPO / "exercises" / "a1" / "a1_convolutions_and_parameters.ipynb"
    code = "\n".join(
        [
            *(f"import {module}" for module in STUDENT_MODULES),
            # validate's comparison with the release (nbgrader's checksums), nothing executed
            "from cnncourse.grading.validate import check",
            f"check({str(release)!r})",
            "import json, sys",
            f"wanted = set({sorted(modules)!r})",
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in wanted)))",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert imported == [], "student code imports packages of extras: " + ", ".join(
        f"{m} ([{modules[m.split('.')[0]]}])" for m in imported
    )


def test_scikit_learn_is_not_installed():
    # Keras imports scikit-learn on every start when it is installed (0.9 s of a kernel's 5.6 s
    # in benchmarks/kernel_startup.py); the course reads its digits file without it.
    assert importlib.util.find_spec("sklearn") is None, "a dependency brought scikit-learn back"


def test_the_book_without_its_extra_names_the_extra(monkeypatch):
    from cnncourse import sphinxext

    monkeypatch.setitem(sys.modules, "mathjax", None)
    with pytest.raises(RuntimeError, match=re.escape("pip install 'cnncourse[book]'")):
        sphinxext.mathjax_source()


def test_a_cluster_without_its_extra_names_the_extra(monkeypatch):
    from cnncourse.grading.pool import DaskPool

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(RuntimeError, match=re.escape("pip install 'cnncourse[cluster]'")):
        DaskPool("tcp://127.0.0.1:1")


def test_cnncourse_book_without_its_extra_names_the_extra(tmp_path):
    # Hidden from this process and from the build's own subprocess (it inherits PYTHONPATH),
    # so nothing is built whether or not the check exists.
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['jupyter_book'] = None\n")
    code = (
        "import sys\nfrom cnncourse.cli import main\n"
        f"sys.exit(main(['book', '--output', {str(tmp_path / '_build')!r}]))"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert "cnncourse book needs the book extra: pip install 'cnncourse[book]'" in result.stderr
