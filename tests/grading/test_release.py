"""Release: exercises generated from solutions, deterministic, checked for staleness."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cnncourse import cli
from cnncourse.grading.preprocessors import GENERATED_NOTE_ID
from cnncourse.grading.release import release

from .helpers import HIDDEN_MARKER, copy_course


@pytest.fixture
def course(tmp_path):
    course = copy_course(tmp_path / "course")
    assert release([], execute=False, root=course).exit_code == 0
    return course


def test_release_writes_student_versions_with_a_generated_note(course):
    notebook = nbformat.read(str(course / "exercises" / "demo" / "demo.ipynb"), as_version=4)
    note = notebook.cells[0]
    assert note.id == GENERATED_NOTE_ID and "solutions/demo/demo.ipynb" in note.source
    assert notebook.metadata["cnncourse"]["generated_from"] == "solutions/demo/demo.ipynb"
    text = nbformat.writes(notebook)
    assert "BEGIN SOLUTION" not in text and HIDDEN_MARKER not in text
    assert "raise NotImplementedError()" in text
    assert "checks.output_shape(model" in text  # the visible test stays
    assert (course / "exercises" / "sleepy" / "sleepy.ipynb").is_file()


def test_check_passes_right_after_a_release(course):
    checked = release([], check=True, root=course)
    assert checked.exit_code == 0
    assert "exercises/ is up to date (demo, plain, sleepy)" in checked.lines()


def test_check_lists_stale_missing_and_orphaned_files(course):
    source = course / "solutions" / "demo" / "demo.ipynb"
    notebook = nbformat.read(str(source), as_version=4)
    notebook.cells[0].source += "\nA new sentence in the solution."
    nbformat.write(notebook, str(source))
    (course / "exercises" / "demo" / "old.ipynb").write_text("{}")
    (course / "exercises" / "sleepy" / "sleepy.ipynb").unlink()
    checked = release([], check=True, root=course)
    assert checked.exit_code == 1
    out = "\n".join(checked.lines())
    assert "stale: exercises/demo/demo.ipynb is out of date" in out
    assert "stale: exercises/demo/old.ipynb has no source in solutions/ any more" in out
    assert "stale: exercises/sleepy/sleepy.ipynb is missing" in out
    written = release(["demo"], execute=False, root=course)
    assert written.exit_code == 0
    assert written.lines() == ["wrote exercises/demo/ and _build/student/demo.zip"]
    assert release(["demo"], check=True, root=course).exit_code == 0


def test_the_cli_checks_the_course_in_the_current_folder(course, monkeypatch, capsys):
    monkeypatch.chdir(course)
    assert cli.main(["release", "--check"]) == 0
    assert capsys.readouterr().out == "exercises/ is up to date (demo, plain, sleepy)\n"
    (course / "exercises" / "demo" / "demo.ipynb").write_text("{}")
    assert cli.main(["release", "--check", "demo"]) == 1
    assert capsys.readouterr().out == (
        "stale: exercises/demo/demo.ipynb is out of date\n"
        "exercises/ is out of date: run `cnncourse release`\n"
    )


def test_an_unknown_assignment_is_an_error(course):
    with pytest.raises(ValueError, match="no assignment 'hw0'.*demo, plain, sleepy"):
        release(["hw0"], root=course)


@pytest.mark.slow
def test_release_executes_the_solutions_and_wants_full_marks(course):
    executing = []
    assert release(["sleepy"], root=course, echo=executing.append).exit_code == 0
    assert executing == ["executing solutions/sleepy/sleepy.ipynb (tiny profile)"]
    executed = nbformat.read(str(course / "solutions" / "sleepy" / "sleepy.ipynb"), as_version=4)
    assert all(cell.execution_count for cell in executed.cells if cell.cell_type == "code")
    assert release(["sleepy"], check=True, root=course).exit_code == 0  # outputs stay out
    test = executed.cells[3]
    test.source = (
        "from cnncourse import checks\nq = checks.Question('answer')\n"
        "q.add(checks.Result.ok('right'), points=0.5)\nq.score()"
    )
    nbformat.write(executed, str(course / "solutions" / "sleepy" / "sleepy.ipynb"))
    failed = release(["sleepy"], root=course)
    assert failed.exit_code == 1
    out = "\n".join(failed.lines())
    assert (
        "problem: solutions/sleepy/sleepy.ipynb: test cell answer_test gives 0.5 of 1 "
        "points with the reference solution"
    ) in out
    test.source = test.source.replace("q.score()", "score = q.score()")
    nbformat.write(executed, str(course / "solutions" / "sleepy" / "sleepy.ipynb"))
    failed = release(["sleepy"], root=course)
    assert failed.exit_code == 1
    assert "its last line is not question.score()" in "\n".join(failed.lines())


@pytest.mark.slow
def test_the_nbgrader_command_makes_the_same_exercises(repo, tmp_path):
    """nbgrader_config.py at the root gives `nbgrader generate_assignment` the course's settings."""
    course = copy_course(tmp_path / "course")
    shutil.copy(repo / "nbgrader_config.py", course / "nbgrader_config.py")
    scripts = str(Path(sys.executable).parent)
    environment = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""))
    completed = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "sleepy", "--force"],
        check=False,
        cwd=course,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert release(["sleepy"], check=True, root=course).exit_code == 0
