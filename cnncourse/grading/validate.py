"""What a student runs before submitting: execute the notebook, fail when a visible test fails.

nbgrader's own ``validate`` exits 0 even when tests fail; this exits 1 and prints which
cell failed and its messages.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat

from cnncourse.grading.execute import run_notebook
from cnncourse.grading.results import cell_outcomes


def _details(outcome) -> str:
    if outcome.messages and not outcome.error:
        return "\n".join(f"      {message}" for message in outcome.messages)
    detail = outcome.error_detail or ""
    return textwrap.indent(detail, "      ") if detail else ""


def changed_cells(notebook) -> list[str]:
    """Test and read-only cells whose content or grading metadata differs from the release
    (nbgrader's checksum, stored in each cell when the assignment was released)."""
    from nbgrader import utils

    changed = []
    for cell in notebook.cells:
        info = cell.get("metadata", {}).get("nbgrader", {})
        if info.get("checksum") and (info.get("grade") or info.get("locked")) \
                and not info.get("solution"):
            try:
                same = utils.compute_checksum(cell) == info["checksum"]
            except (KeyError, ValueError, TypeError):
                same = False
            if not same:
                changed.append(info.get("grade_id", "?"))
    return changed


def validate(notebook: Path, *, timeout: int | None = None) -> int:
    """Execute ``notebook`` (a copy in memory; the file is not changed) and check its tests.

    Returns 0 when every cell runs and every visible test passes, 1 otherwise. The
    kernel runs in the caller's profile; ``timeout`` defaults to its ``cell_timeout``.
    """
    path = Path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    try:
        content = nbformat.read(str(path), as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable file
        raise ValueError(f"{path} is not a valid notebook: {error}") from None
    for grade_id in changed_cells(content):
        print(f"WARNING: cell {grade_id} differs from the released notebook: the grader will "
              "use the released cell and report the change (restore it from the exercise)")
    print(f"running {path} ...")
    run_notebook(content, cwd=path.resolve().parent, timeout=timeout)
    outcomes = cell_outcomes(content)
    tests = [outcome for outcome in outcomes if outcome.is_test]
    failed = [outcome for outcome in tests if not outcome.passed]
    errors = [outcome for outcome in outcomes if not outcome.is_test and outcome.error]
    for outcome in errors:
        print(f"ERROR  {outcome.label} raised {outcome.error}")
    for outcome in tests:
        if outcome.passed:
            print(f"ok     {outcome.label}")
            continue
        worth = outcome.visible_max or outcome.max_points or 0
        what = (f"raised {outcome.error}" if outcome.error
                else f"gives {outcome.points or 0:g} of {worth:g} points")
        print(f"FAILED {outcome.label} {what}")
        details = _details(outcome)
        if details:
            print(details)
    passed = len(tests) - len(failed)
    print(f"{path.name}: {passed} of {len(tests)} test cells pass"
          + (f", {len(errors)} other cells raised an error" if errors else ""))
    return 1 if failed or errors else 0
