"""What `cnncourse validate` found, as data: graded parts, changed cells, each part's result."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from cnncourse.grading.declarations import is_answer, is_test, nbgrader_of
from cnncourse.grading.sealed import visible_source
from cnncourse.grading.tamper import grading_flags

_LABEL = re.compile(r"^\s*(\d+(?:\.\d+)*[a-z]?)\b")
_HEADING = re.compile(r"^#+\s*(?:Question\s+)?(\d+(?:\.\d+)*[a-z]?)\b", re.MULTILINE)

PASS, FAIL, UNANSWERED, CHANGED, DELETED, WRITTEN = (
    "ok",
    "FAILED",
    "unanswered",
    "CHANGED",
    "DELETED",
    "by hand",
)


@dataclass(frozen=True)
class Part:
    """A graded part of the assignment: a test cell's question, or a written answer."""

    grade_id: str
    title: str  # "3.2a the layer with the most parameters"
    label: str  # "3.2a"
    points: float  # the cell's points in the release
    written: bool = False  # a markdown answer graded by hand
    answers: tuple[str, ...] = ()  # grade ids of the answer cells before it
    given: tuple[str, ...] = ()  # grade ids of the read-only cells before it
    visible_max: float | None = None  # points of its visible checks, from its source


@dataclass(frozen=True)
class Change:
    """A test, read-only or answer cell that differs from the release."""

    grade_id: str
    where: str  # "the test cell of 3.2a the layer with the most parameters"
    what: str  # "was deleted", "its content was changed"


@dataclass(frozen=True)
class Result:
    """One part's visible result; ``hidden`` are the points only hidden tests can give."""

    part: Part
    status: str
    visible: float | None = None
    visible_max: float | None = None
    hidden: float | None = None
    hidden_exact: bool = True
    messages: tuple[str, ...] = ()


@dataclass
class Report:
    """Every part's result in notebook order, and the changed cells."""

    name: str
    results: list[Result] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    release_known: bool = True
    seconds: float | None = None

    @property
    def unanswered(self) -> list[str]:
        return [result.part.label for result in self.results if result.status == UNANSWERED]

    @property
    def exit_code(self) -> int:
        """0 when every visible test passes and nothing is unanswered or changed, else 1."""
        bad = {FAIL, UNANSWERED, CHANGED, DELETED}
        return 1 if self.changes or any(r.status in bad for r in self.results) else 0


def _title(cell, grade_id: str) -> str:
    from cnncourse.grading.declarations import declaration

    try:
        return declaration(cell).title
    except (ValueError, SyntaxError):
        return grade_id


def _visible_points(source: str) -> float | None:
    """The points of the visible ``question.add(..., points=N)`` calls; None when not constant."""
    try:
        tree = ast.parse(visible_source(source))
    except SyntaxError:
        return None
    total = 0.0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add":
            points = {k.arg: k.value for k in node.keywords}.get("points")
            if points is None:
                return None
            if not isinstance(points, ast.Constant) or not isinstance(points.value, (int, float)):
                return None
            total += float(points.value)
    return total


def parts_of(notebook) -> list[Part]:
    """The graded parts of ``notebook`` (the release when known), in order."""
    parts, answers, given, heading = [], [], [], None
    for cell in notebook.cells:
        info = nbgrader_of(cell)
        grade_id = info.get("grade_id")
        if cell.cell_type == "markdown" and not info.get("solution"):
            found = _HEADING.findall(cell.source)
            heading = found[-1] if found else heading
        if not grade_id:
            continue
        if is_test(cell):
            title = _title(cell, grade_id)
            match = _LABEL.match(title)
            parts.append(
                Part(
                    grade_id,
                    title,
                    match.group(1) if match else title,
                    float(info.get("points", 0) or 0),
                    answers=tuple(answers),
                    given=tuple(given),
                    visible_max=_visible_points(cell.source),
                )
            )
            answers, given = [], []
        elif is_answer(cell) and cell.cell_type == "markdown" and info.get("grade"):
            label = f"{heading} (written)" if heading else grade_id
            parts.append(
                Part(
                    grade_id,
                    f"{heading or grade_id} (written answer)",
                    label,
                    float(info.get("points", 0) or 0),
                    written=True,
                    answers=(grade_id,),
                )
            )
        elif is_answer(cell):
            answers.append(grade_id)
        elif cell.cell_type == "code":
            given.append(grade_id)
    return parts


def _first_line(cell) -> str:
    line = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return line if len(line) <= 40 else line[:37] + "..."


def cell_names(notebook, parts: list[Part]) -> dict[str, str]:
    """Every grade id as a student would find the cell in Jupyter (no index, no grade id)."""
    owner = {}
    for part in parts:
        if not part.written:
            owner[part.grade_id] = f"the test cell of {part.title}"
        for grade_id in part.answers:
            owner.setdefault(grade_id, f"your answer to {part.label}")
        for grade_id in part.given:
            owner.setdefault(grade_id, f"the given cell before {part.label}")
    names = {}
    for cell in notebook.cells:
        grade_id = nbgrader_of(cell).get("grade_id")
        if grade_id:
            kind = "text" if cell.cell_type == "markdown" else "given"
            names[grade_id] = owner.get(grade_id) or f"the {kind} cell {_first_line(cell)!r}"
    return names


def _what(release_cell, cell) -> str:
    release, mine = grading_flags(release_cell), grading_flags(cell)
    if release[4] != mine[4]:
        return f"its points were changed from {release[4] or 0:g} to {mine[4] or 0:g}"
    if release[1:4] != mine[1:4]:
        return "its grading metadata was changed"
    if release[0] != mine[0]:
        return f"it was turned from a {release[0]} cell into a {mine[0]} cell"
    return "its content was changed"


def _checksum(cell) -> str | None:
    from nbgrader import utils

    try:
        return utils.compute_checksum(cell)
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


def changes(submitted, release, names: dict[str, str]) -> list[Change]:
    """Cells of ``submitted`` that differ from ``release`` (None: from their own checksums)."""
    mine = {}
    for cell in submitted.cells:
        mine.setdefault(nbgrader_of(cell).get("grade_id"), cell)
    found = []
    for cell in (release or submitted).cells:
        info = nbgrader_of(cell)
        grade_id = info.get("grade_id")
        if not grade_id:
            continue
        where = names.get(grade_id, grade_id)
        theirs = mine.get(grade_id)
        if theirs is None:
            found.append(Change(grade_id, where, "was deleted"))
        elif info.get("solution"):
            if release is not None and grading_flags(theirs) != grading_flags(cell):
                found.append(Change(grade_id, where, _what(cell, theirs)))
        elif info.get("grade") or info.get("locked"):
            expected = (
                (info.get("checksum") or _checksum(cell))
                if release is not None
                else nbgrader_of(theirs).get("checksum")
            )
            if expected and _checksum(theirs) != expected:
                found.append(Change(grade_id, where, _what(cell, theirs)))
    return found


def is_unanswered(cell, release_cell) -> bool:
    """An answer cell still as released (its checksum or source), or one that still raises
    the NotImplementedError it was released with."""
    if any(
        output.get("ename") == "NotImplementedError"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ):
        return True
    if release_cell is not None:
        return cell.source.strip() == release_cell.source.strip()
    stored = nbgrader_of(cell).get("checksum")
    return bool(stored) and _checksum(cell) == stored


def _failed_checks(cell, outcome) -> list[str]:
    """The messages of a test cell's failed checks: its score, else its [FAIL] lines."""
    if outcome is not None and outcome.messages:
        return list(outcome.messages)
    lines = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            lines += [
                line[len("[FAIL]") :].strip()
                for line in output.get("text", "").splitlines()
                if line.startswith("[FAIL]")
            ]
    if not lines and outcome is not None and outcome.error:
        lines.append(f"the test raised {outcome.error}")
    return lines


def _unique(messages) -> tuple[str, ...]:
    return tuple(dict.fromkeys(messages))


def results(
    executed, parts: list[Part], release, names: dict[str, str], changed: set[str]
) -> list[Result]:
    """Each part's result in ``executed`` (the student's notebook after the run)."""
    from cnncourse.grading.results import cell_outcomes

    cells, outcomes = {}, {}
    for cell in executed.cells:
        cells.setdefault(nbgrader_of(cell).get("grade_id"), cell)
    for outcome in cell_outcomes(executed):
        outcomes.setdefault(outcome.grade_id, outcome)
    released = {}
    for cell in release.cells if release is not None else []:
        released.setdefault(nbgrader_of(cell).get("grade_id"), cell)
    found = []
    for part in parts:
        answers = [cells[grade_id] for grade_id in part.answers if grade_id in cells]
        if any(
            is_unanswered(cell, released.get(nbgrader_of(cell)["grade_id"])) for cell in answers
        ):
            found.append(Result(part, UNANSWERED))
            continue
        if part.written:
            found.append(Result(part, DELETED if not answers else WRITTEN, hidden=part.points))
            continue
        if part.grade_id not in cells:
            found.append(
                Result(
                    part,
                    DELETED,
                    hidden=part.points,
                    hidden_exact=False,
                    messages=("its test cell was deleted: nothing was checked",),
                )
            )
            continue
        outcome = outcomes.get(part.grade_id)
        visible_max = (
            outcome.visible_max if outcome and outcome.visible_max is not None else part.visible_max
        )
        hidden = part.points - visible_max if visible_max is not None else part.points
        points = dict(
            visible=(outcome.points or 0) if outcome else None,
            visible_max=visible_max,
            hidden=max(hidden, 0),
            hidden_exact=visible_max is not None,
        )
        if part.grade_id in changed:
            found.append(
                Result(
                    part,
                    CHANGED,
                    messages=(
                        "its test cell differs from the released one, so this run says nothing "
                        "(the grader uses the released cell)",
                    ),
                    **points,
                )
            )
            continue
        messages = []
        for grade_id in part.given + part.answers:
            other = outcomes.get(grade_id)
            if other is not None and other.error:
                messages.append(f"{names.get(grade_id, grade_id)} raised {other.error}")
        if outcome is not None and not outcome.passed:
            messages += _failed_checks(cells[part.grade_id], outcome)
        status = FAIL if messages or outcome is None or not outcome.passed else PASS
        found.append(Result(part, status, messages=_unique(messages), **points))
    return found
