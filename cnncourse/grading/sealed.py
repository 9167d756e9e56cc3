"""The sealing rule of visible tests: they check form only and hold no expected value.

What a student receives of a test cell (the part outside ``### BEGIN/END HIDDEN TESTS``)
may only declare the question, add form checks worth 0 points, and end with
``question.score()``. A form check is one of `FORM_CHECKS`, whose arguments are names,
strings, shapes and the counts a question's text asks for; everything that decides points
lives in the hidden part, which students never receive.
"""

from __future__ import annotations

import ast
import re

from cnncourse.grading.declarations import is_test, nbgrader_of, parse

#: Checks a visible test may call, each with the keywords it may pass.
FORM_CHECKS = {
    "of_kind": {"name"},
    "output_shape": {"name"},
    "input_size": {"name"},
    "array": {"name", "shape", "floating"},
    "figure": {"name", "images", "lines", "axes"},
}
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.DOTALL)


def visible_source(source: str) -> str:
    """A test cell's source without its hidden regions (what the release holds)."""
    return _HIDDEN.sub("", source)


def _check_name(node: ast.AST) -> str | None:
    """The form check a ``question.add`` argument calls (``lambda: checks.X(...)``)."""
    body = node.body if isinstance(node, ast.Lambda) else node
    if (
        isinstance(body, ast.Call)
        and isinstance(body.func, ast.Attribute)
        and isinstance(body.func.value, ast.Name)
        and body.func.value.id == "checks"
    ):
        return body.func.attr
    return None


def _add_problem(call: ast.Call) -> str | None:
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    points = keywords.get("points")
    if not (isinstance(points, ast.Constant) and points.value == 0):
        return "a visible check must be worth points=0 (the points belong to hidden checks)"
    if len(call.args) != 1:
        return "question.add takes one check"
    name = _check_name(call.args[0])
    if name not in FORM_CHECKS:
        return (
            f"checks.{name or '?'} is not a form check; visible tests may call "
            f"{', '.join(sorted(FORM_CHECKS))}"
        )
    body = call.args[0].body if isinstance(call.args[0], ast.Lambda) else call.args[0]
    extra = {keyword.arg for keyword in body.keywords} - FORM_CHECKS[name]
    if extra:
        return f"checks.{name} may not be given {', '.join(sorted(extra))} in a visible test"
    return None


def _is_score(statement: ast.stmt) -> bool:
    """Whether ``statement`` is ``question.score()``."""
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and getattr(statement.value.func, "attr", None) == "score"
        and not statement.value.args
    )


def _statement_problem(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Assign):
        value = statement.value
        if isinstance(value, ast.Call) and getattr(value.func, "attr", None) == "Question":
            extra = {keyword.arg for keyword in value.keywords} - {"reads"}
            return f"Question() may only be given reads=, not {extra}" if extra else None
        return "a visible test may not compute values (only question = checks.Question(...))"
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        method = getattr(call.func, "attr", None)
        if _is_score(statement):
            return None
        if method == "add":
            return _add_problem(call)
    return "a visible test may only declare the question, add form checks and score it"


def visible_problems(cell, label: str = "") -> list[str]:
    """Why the visible part of a test cell breaks the sealing rule (empty: it does not)."""
    grade_id = nbgrader_of(cell).get("grade_id", "?")
    try:
        tree = parse(visible_source(cell.source))
    except SyntaxError as error:
        return [f"{label}{grade_id}: the visible test does not parse ({error})"]
    found = [
        f"{label}{grade_id}, line {statement.lineno}: {problem}"
        for statement in tree.body
        if (problem := _statement_problem(statement))
    ]
    if not any(_is_score(statement) for statement in tree.body):
        found.append(f"{label}{grade_id}: the visible test must end with question.score()")
    return found


def notebook_problems(notebook, label: str = "") -> list[str]:
    """Every visible test cell of ``notebook`` that breaks the sealing rule."""
    return [
        problem
        for cell in notebook.cells
        if is_test(cell)
        for problem in visible_problems(cell, label)
    ]
