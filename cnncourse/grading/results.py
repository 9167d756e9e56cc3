"""Read an executed notebook's test cells: points, failed checks' messages, errors."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from nbgrader import utils

from cnncourse.checks.question import SCORE_MIME_TYPE
from cnncourse.grading.execute import TIMEOUT_ERROR


@dataclass(frozen=True)
class CellOutcome:
    """What one executed code cell gave: its error, and for a test cell its points."""

    index: int  # position among the notebook's cells, from 1
    grade_id: str | None
    is_test: bool
    points: float | None = None  # nbgrader's grade of the cell (stderr ignored)
    max_points: float | None = None  # the cell's points in nbgrader metadata
    visible_max: float | None = None  # the points its checks were worth, as run
    error: str | None = None  # "NameError: name 'model' is not defined"
    messages: tuple[str, ...] = field(default_factory=tuple)  # failed checks
    error_detail: str = ""  # the whole error value (an AssertionError's list)

    @property
    def label(self) -> str:
        return f"cell {self.index} ({self.grade_id})" if self.grade_id else f"cell {self.index}"

    @property
    def passed(self) -> bool:
        """No error, and every check that ran passed (hidden tests may be absent)."""
        if self.error:
            return False
        if not self.is_test:
            return True
        wanted = self.visible_max if self.visible_max is not None else self.max_points
        return self.points is not None and wanted is not None and self.points >= wanted - 1e-9

    def summary(self) -> str:
        if self.error:
            return f"{self.label} raised {self.error}"
        if self.is_test and not self.passed:
            shown = f"{self.points:g} of {self.visible_max or self.max_points:g} points"
            return f"{self.label} gives {shown}: " + "; ".join(self.messages)
        return f"{self.label} passes"


def _error(cell) -> str | None:
    """The cell's error as 'Name: first line'; a time-out wins over the interrupt it causes."""
    errors = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    if not errors:
        return None
    error = next((e for e in errors if e.get("ename") == TIMEOUT_ERROR), errors[0])
    value = str(error.get("evalue", "")).strip().splitlines()
    return f"{error.get('ename', 'Error')}: {value[0] if value else ''}".rstrip(": ")


def _error_detail(cell) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return str(output.get("evalue", "")).strip()
    return ""


def _score_data(cell) -> dict | None:
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if output.get("output_type") == "execute_result" and SCORE_MIME_TYPE in data:
            return data[SCORE_MIME_TYPE]
    return None


def _grade(cell) -> float | None:
    """nbgrader's grade of a test cell, with stderr counted as stdout (as the grader does)."""
    quiet = copy.deepcopy(cell)
    for output in quiet.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            output["name"] = "stdout"
    try:
        points, _ = utils.determine_grade(quiet)
    except (ValueError, KeyError):
        return None
    return points


def cell_outcomes(notebook) -> list[CellOutcome]:
    """The outcome of every code cell of an executed notebook, in order."""
    outcomes = []
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        is_test = bool(nbgrader.get("grade")) and not nbgrader.get("solution")
        data = _score_data(cell) if is_test else None
        messages = tuple(
            check["message"] for check in (data or {}).get("checks", []) if not check.get("passed")
        )
        outcomes.append(
            CellOutcome(
                index=index,
                grade_id=nbgrader.get("grade_id"),
                is_test=is_test,
                points=_grade(cell) if is_test else None,
                max_points=float(nbgrader["points"]) if is_test and "points" in nbgrader else None,
                visible_max=float(data["max_points"]) if data else None,
                error=_error(cell),
                messages=messages,
                error_detail=_error_detail(cell),
            )
        )
    return outcomes
