"""Partial credit for a test cell: a question adds checks worth points and ends with its score.

nbgrader (``nbgrader.utils.determine_grade``) gives a test cell the number its last
expression displays (``execute_result`` text), 0 when the cell raises or writes to stderr,
and full marks otherwise. So a test cell ends with ``question.score()``: its messages are
printed to stdout as the checks are added, the displayed value is the points earned, and
when no check passes the cell raises an AssertionError that lists the messages (0 points,
and a loud failure when a student validates the notebook).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Self

from cnncourse.checks.form import Missing, of_kind, parse_reads
from cnncourse.checks.result import Result

#: MIME type of the machine-readable copy of a score, next to its text/plain number.
SCORE_MIME_TYPE = "application/vnd.cnncourse.score+json"

#: Set by the trusted grader (phase 2): the reads are already in the namespace as plain data
#: rebuilt from the student's notebook, and no expression is evaluated again.
_LOADED: dict = {"values": False, "missing": {}, "questions": []}


def reading_loaded_values(loaded: bool, missing: dict[str, str] | None = None) -> list:
    """Phase 2 of grading: questions take their reads from the namespace, as loaded.

    ``missing`` gives, by name, why a read is absent; the returned list receives every
    `Question` made from now on, so the grader reads their checks directly.
    """
    _LOADED.update(values=bool(loaded), missing=dict(missing or {}), questions=[])
    return _LOADED["questions"]


Check = Result | Iterable[Result] | Callable[[], Result | Iterable[Result]]


def format_points(value: float) -> str:
    """Points as nbgrader reads them back: '2', '1.5', '0.3333'."""
    value = round(float(value), 4)
    return str(int(value)) if value.is_integer() else repr(value)


class Score(float):
    """The points a question earned: a float whose text is the number nbgrader reads.

    It also carries ``max_points``, the question's ``name`` and the ``results``; in a
    notebook its display has a JSON copy (MIME type ``SCORE_MIME_TYPE``) that
    ``cnncourse validate`` and the grader read.
    """

    max_points: float
    name: str
    results: tuple[tuple[Result, float], ...]

    def __new__(
        cls,
        points: float,
        max_points: float,
        name: str,
        results: Iterable[tuple[Result, float]] = (),
    ) -> Self:
        score = super().__new__(cls, round(float(points), 4))
        score.max_points = round(float(max_points), 4)
        score.name = name
        score.results = tuple(results)
        return score

    @property
    def full(self) -> bool:
        """Whether every check passed."""
        return float(self) >= self.max_points

    def __repr__(self) -> str:
        return format_points(self)

    __str__ = __repr__

    def as_dict(self) -> dict:
        return {
            "question": self.name,
            "points": float(self),
            "max_points": self.max_points,
            "checks": [
                {"passed": result.passed, "points": points, "message": result.message}
                for result, points in self.results
            ],
        }

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/plain": repr(self), SCORE_MIME_TYPE: self.as_dict()}


class Question:
    """The checks of one test cell, each worth some points; ``score()`` ends the cell.

    Example::

        question = checks.Question("3.2b parameter counts")
        question.add(checks.number(total, 665_317, name="total"), points=1)
        question.add(lambda: checks.architecture(model, expected), points=2)
        question.score()
    """

    def __init__(self, name: str, *, reads=None, echo: bool = True) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a question needs a name, got {name!r}")
        self.name = name
        self.echo = echo
        self.parts: list[tuple[Result, float]] = []
        self.reads = parse_reads(reads) if reads is not None else {}
        if _LOADED["values"]:
            _LOADED["questions"].append(self)
        if self.reads:
            self._read(sys._getframe(1).f_globals)

    def _read(self, namespace: dict) -> None:
        """Bind every read in ``namespace`` (expressions evaluated there) and check its form.

        The form checks are worth 0 points: they tell the student that a name is defined
        and of the right kind, never whether its value is right.
        """
        for name, (kind, expression) in self.reads.items():
            if not _LOADED["values"] and expression != name:
                try:
                    namespace[name] = eval(expression, namespace)  # noqa: S307 - the notebook's
                except Exception as error:  # noqa: BLE001 - any failure of student code
                    namespace[name] = Missing(
                        name,
                        f"could not be computed ({expression}): {type(error).__name__}: {error}",
                    )
            reason = _LOADED["missing"].get(name) if _LOADED["values"] else None
            value = namespace.get(
                name, Missing(name, reason or "is not defined yet: run the cell that sets it")
            )
            self.add(of_kind(value, kind, name=name), points=0)

    def add(self, check: Check, points: float = 1) -> list[Result]:
        """Record a check worth ``points`` and print its message.

        ``check`` is a `Result`, a list of them (the points are shared equally), or a
        function returning either: an exception raised by the function (a student's
        variable that does not exist, a model that cannot be read) fails the check with
        the exception's message instead of stopping the whole cell.
        """
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            raise ValueError(f"{self.name}: points must be a number >= 0, got {points!r}")
        if callable(check) and not isinstance(check, Result):
            try:
                check = check()
            except Exception as error:  # noqa: BLE001 - any failure of student code
                check = Result.fail(f"this check could not run: {type(error).__name__}: {error}")
        if isinstance(check, Result):
            results = [check]
        elif isinstance(check, (list, tuple)):
            results = list(check)
        else:
            results = []
        if not results or not all(isinstance(result, Result) for result in results):
            raise TypeError(
                f"{self.name}: add() takes a checks.Result, a list of them or a function "
                f"returning one, got {check!r}"
            )
        share = points / len(results)
        for result in results:
            self.parts.append((result, share))
            if self.echo:
                print(result.line())
        return results

    @property
    def max_points(self) -> float:
        return round(sum(points for _, points in self.parts), 4)

    @property
    def points(self) -> float:
        earned = round(sum(points for result, points in self.parts if result.passed), 4)
        return min(earned, self.max_points)

    def score(self) -> Score:
        """The points earned, as the cell's last expression; raises when no check passed."""
        if not self.parts:
            raise ValueError(f"question {self.name!r} has no checks: add some before score()")
        score = Score(self.points, self.max_points, self.name, self.parts)
        summary = f"{self.name}: {score} of {format_points(self.max_points)} points"
        form_failed = self.max_points == 0 and not all(result.passed for result, _ in self.parts)
        if (float(score) == 0 and self.max_points > 0) or form_failed:
            failures = "\n".join(f"  - {result.message}" for result, _ in self.parts)
            raise AssertionError(f"{summary}\n{failures}")
        if self.echo:
            print(
                summary
                if self.max_points
                else f"{self.name}: the form is right; its points "
                "are given at grading, by checks you do not see"
            )
        return score
