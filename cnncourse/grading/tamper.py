"""Compare a submission with its release: deleted, altered, renamed, retyped or reordered cells.

Test and read-only cells are compared by nbgrader's checksum (source, type, flags, grade id,
points); answer cells by their flags and points only, since their source is the student's.
The submission is always graded from the release's cells: these findings only say what the
student changed, so the outcome can report it and `cnncourse validate` can warn before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nbgrader import utils

from cnncourse.grading.declarations import nbgrader_of


@dataclass
class Findings:
    """What differs from the release; ``tampered`` lines change the outcome's status."""

    tampered: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)


def grading_flags(cell) -> tuple:
    """A cell's type and nbgrader flags: (type, grade, solution, locked, points or None)."""
    info = nbgrader_of(cell)
    points = float(info.get("points", 0) or 0) if info.get("grade") else None
    return (
        cell.cell_type,
        bool(info.get("grade")),
        bool(info.get("solution")),
        bool(info.get("locked")),
        points,
    )


def _describe(release_cell, submitted_cell) -> str:
    (r_type, r_grade, r_solution, r_locked, r_points) = grading_flags(release_cell)
    (s_type, s_grade, s_solution, s_locked, s_points) = grading_flags(submitted_cell)
    if r_points != s_points:
        return f"its points were changed from {r_points:g} to {s_points or 0:g}"
    if (r_solution, r_locked) != (s_solution, s_locked) or r_grade != s_grade:
        return "its grading metadata was changed (e.g. a test cell made an answer cell)"
    if r_type != s_type:
        return f"it was turned from a {r_type} cell into a {s_type} cell"
    return "its content was changed"


def by_grade_id(notebook) -> dict[str, object]:
    """The cells of ``notebook`` that carry a grade id (the first of each id)."""
    cells = {}
    for cell in notebook.cells:
        grade_id = nbgrader_of(cell).get("grade_id")
        if grade_id and grade_id not in cells:
            cells[grade_id] = cell
    return cells


def compare(release, submitted, prefix: str = "") -> Findings:
    """What ``submitted`` changed of ``release`` (two notebooks of the same assignment)."""
    findings = Findings()
    given = by_grade_id(submitted)
    released = by_grade_id(release)
    for grade_id, cell in released.items():
        theirs = given.get(grade_id)
        info = nbgrader_of(cell)
        if theirs is None:
            findings.tampered.append(
                f"{prefix}cell {grade_id} was deleted (the release's cell was used)"
            )
            continue
        if info.get("solution"):
            if grading_flags(theirs) != grading_flags(cell):
                findings.tampered.append(
                    f"{prefix}cell {grade_id}: {_describe(cell, theirs)} "
                    "(the release's settings were used)"
                )
            elif theirs.source.strip() == cell.source.strip():
                findings.unanswered.append(f"{prefix}{grade_id}")
        elif info.get("grade") or info.get("locked"):
            checksum = info.get("checksum") or utils.compute_checksum(cell)
            try:
                same = utils.compute_checksum(theirs) == checksum
            except (KeyError, ValueError, TypeError):
                same = False
            if not same:
                findings.tampered.append(
                    f"{prefix}cell {grade_id}: {_describe(cell, theirs)} "
                    "(the release's cell was used)"
                )
    unknown = [grade_id for grade_id in given if grade_id not in released]
    if unknown:
        findings.tampered.append(
            f"{prefix}unknown cells {', '.join(unknown)} (renamed or invented grade ids; ignored)"
        )
    order = [grade_id for grade_id in given if grade_id in released]
    if order != [grade_id for grade_id in released if grade_id in given]:
        findings.tampered.append(f"{prefix}cells were reordered (graded in the release's order)")
    ids = [nbgrader_of(cell).get("grade_id") for cell in submitted.cells]
    duplicates = sorted({grade_id for grade_id in ids if grade_id and ids.count(grade_id) > 1})
    if duplicates:
        findings.tampered.append(
            f"{prefix}cells {', '.join(duplicates)} appear more than once (the first was used)"
        )
    extra = sum(
        1
        for cell in submitted.cells
        if cell.cell_type == "code" and not nbgrader_of(cell).get("grade_id")
    )
    if extra:
        findings.notes.append(
            f"{prefix}{extra} added code cell{'s' * (extra != 1)} (run as your code)"
        )
    return findings
