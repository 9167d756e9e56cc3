"""exercises/ is exactly what `cnncourse release` generates from solutions/ (CI fails otherwise)."""

import json

from cnncourse.grading.release import release
from tests.conftest import REPO


def test_exercises_are_up_to_date():
    result = release([], execute=False, check=True)
    output = "\n".join(result.lines())
    assert result.exit_code == 0, (
        f"exercises/ is stale; run `cnncourse release --no-execute`:\n{output}"
    )


def test_every_solution_has_a_generated_exercise_with_the_note():
    for solution in sorted((REPO / "solutions").glob("*/*.ipynb")):
        exercise = REPO / "exercises" / solution.parent.name / solution.name
        assert exercise.is_file(), f"{exercise} is missing"
        notebook = json.loads(exercise.read_text())
        first = "".join(notebook["cells"][0]["source"])
        assert "do not edit" in first.lower(), f"{exercise}: no 'generated, do not edit' note"
        assert "### BEGIN SOLUTION" not in exercise.read_text()
        assert "BEGIN HIDDEN TESTS" not in exercise.read_text()
