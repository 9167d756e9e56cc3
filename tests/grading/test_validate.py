"""Validate on real a1 notebooks: results in order by title, unanswered grouped, changes flagged."""

import io
import shutil
import subprocess
import sys

import nbformat
import pytest

from cnncourse import cli
from cnncourse.grading.validate import Unusable, change_lines, check, result_lines, validate
from cnncourse.grading.validate_run import Progress, estimate
from tests.assignments.helpers import REPO, exercise_notebook, mutated, solution_answers

from .helpers import answered, exercise, submit, without

A1 = "a1_convolutions_and_parameters"
RELEASE = REPO / "exercises" / "a1" / f"{A1}.ipynb"
TITLES = [
    "3.2a the layer with the most parameters",
    "3.2b parameter counts",
    "4.1a the prepared data",
    "4.1b example images",
    "4.2a the MLP",
    "4.2b the CNN",
    "4.2c training",
    "4.2d the comparison",
]
# Half done: 3.2a right, 3.2b a wrong total of the right form, 4.1a labels not one-hot,
# 4.2a answered but its test cell deleted; the rest untouched.
HALF = ("q3_2a_answer", "q3_2b_answer", "q3_2b_model", "q4_1_data", "q4_2a_mlp")


def a1_copy(folder, notebook):
    """``notebook`` written where a student keeps it (outside exercises/)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{A1}.ipynb"
    nbformat.write(notebook, str(path))
    return path


def half_done():
    answers = mutated(
        solution_answers("a1", A1),
        {
            "q3_2b_answer": [("total_params = sum(layer_params)", "total_params = 665_317")],
            "q4_1_data": [
                ("keras.utils.to_categorical(cifar.y_train, num_classes=10)", "cifar.y_train")
            ],
        },
    )
    notebook = answered(exercise_notebook("a1", A1), {key: answers[key] for key in HALF})
    return without(notebook, "q4_2a_test")


def run(path, **kwargs):
    """The exit status and the output of `cnncourse validate`: the lines printed as it runs,
    then the report's."""
    out = io.StringIO()
    report = validate(path, profile="tiny", out=out, **kwargs)
    return report.exit_code, out.getvalue() + "".join(f"{line}\n" for line in result_lines(report))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One validate run of each a1 notebook (tiny profile), shared by the tests below."""
    base = tmp_path_factory.mktemp("validate")
    finished = answered(exercise_notebook("a1", A1), solution_answers("a1", A1))
    notebooks = {
        "untouched": exercise_notebook("a1", A1),
        "half": half_done(),
        "finished": finished,
    }
    found = {}
    for name, notebook in notebooks.items():
        path = a1_copy(base / name, notebook)
        before = path.read_bytes()
        found[name] = run(path)
        assert path.read_bytes() == before  # the student's file is not changed
    return found


def lines_starting(out, prefix):
    return [line for line in out.splitlines() if line.startswith(prefix)]


@pytest.mark.slow
def test_an_untouched_exercise_lists_every_question_as_unanswered_in_one_line(runs):
    code, out = runs["untouched"]
    assert code == 1
    assert lines_starting(out, "not answered yet:") == [
        "not answered yet: 3.1 (written), 3.2a, 3.2b, 4.1a, 4.1b, 4.2a, 4.2b, 4.2c, 4.2d, "
        "4.2d (written)"
    ]
    for noise in ("NotImplementedError", "Traceback", "FAILED", "is not defined", "q3_2a"):
        assert noise not in out
    assert "0 of 8 questions pass their visible tests, 0 fail, 10 not answered yet" in out


@pytest.mark.slow
def test_the_profile_the_estimate_and_a_line_per_cell_come_first(runs):
    _, out = runs["untouched"]
    lines = out.splitlines()
    assert lines[0] == f"validating {A1}.ipynb in the tiny profile (--profile tiny)"
    assert lines[1].startswith("expected time about ") and "estimate" in lines[1]
    progress = [line for line in lines if line.startswith("  [")]
    assert len(progress) == 21 and progress[0].startswith("  [1/21]")
    assert progress[-1].endswith("the test cell of 4.2d the comparison")
    assert lines.index(progress[-1]) < lines.index(lines_starting(out, "not answered")[0])


@pytest.mark.slow
def test_a_finished_notebook_exits_0_with_every_question_by_title_in_order(runs):
    code, out = runs["finished"]
    assert code == 0, out
    ok = lines_starting(out, "ok ")
    assert [line.split(None, 1)[1].split(":")[0] for line in ok] == TITLES
    assert f"ok      {TITLES[0]}: 0 of 0 visible points (2 more in hidden tests)" in ok
    assert f"ok      {TITLES[1]}: 0 of 0 visible points (8 more in hidden tests)" in ok
    assert "by hand 3.1 (written answer): 2 points, graded after you submit" in out
    assert not lines_starting(out, "not answered") and "WARNING" not in out
    assert "8 of 8 questions pass their visible tests, 0 fail, 0 not answered yet" in out


@pytest.mark.slow
def test_a_half_done_notebook_shows_failures_deletions_and_what_is_left(runs):
    code, out = runs["half"]
    assert code == 1
    results = [
        line
        for line in out.splitlines()
        if line[:7].strip() in ("ok", "FAILED", "DELETED", "CHANGED")
    ]
    assert [line.split(None, 1)[0] for line in results] == ["ok", "ok", "FAILED", "DELETED"]
    assert results[2].startswith(f"FAILED  {TITLES[2]}: 0 of 0 visible points (2 more")
    failure = out.split(results[2], 1)[1].split("\n")[1]
    assert failure.startswith("          - ") and "y_train" in failure
    assert lines_starting(out, "not answered yet:") == [
        "not answered yet: 3.1 (written), 4.1b, 4.2b, 4.2c, 4.2d, 4.2d (written)"
    ]
    # a wrong total of the right form passes the visible test and gives nothing away
    assert f"ok      {TITLES[1]}" in results[1]
    for secret in ("665,317", "665317", "615,045", "is not right"):
        assert secret not in out
    assert "WARNING: the test cell of 4.2a the MLP was deleted" in out
    assert "copy the cell back from " in out and "exercises/a1/" in out


def test_a_deleted_or_altered_test_cell_is_found_before_running(tmp_path):
    notebook = exercise_notebook("a1", A1)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "q3_2a_test":  # the checks removed: it would pass
            cell.source = cell.source.replace("question.score()", "")
        if grade_id == "q4_2b_test":
            cell.metadata["nbgrader"]["points"] = 30
    checked = check(a1_copy(tmp_path / "mine", without(notebook, "q4_2c_test")))
    assert checked.release_path == RELEASE
    assert [(change.where, change.what) for change in checked.changes] == [
        (f"the test cell of {TITLES[0]}", "its content was changed"),
        (f"the test cell of {TITLES[5]}", "its points were changed from 2 to 30"),
        (f"the test cell of {TITLES[6]}", "was deleted"),
    ]
    advice = change_lines(checked)[-1]
    assert "re-download the assignment" in advice and "exercises/a1/" in advice


def test_without_the_release_altered_cells_are_found_from_their_checksums(tmp_path):
    notebook = exercise_notebook("a1", A1)
    notebook.metadata.pop("cnncourse")
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q4_2a_test":
            cell.source = "question = 1"
    checked = check(a1_copy(tmp_path / "elsewhere" / "renamed", notebook), release=None)
    assert checked.release is not None  # found by its file name in the repository
    shutil.copy(checked.path, tmp_path / "other.ipynb")
    alone = check(tmp_path / "other.ipynb")
    assert alone.release is None
    assert [change.what for change in alone.changes] == ["its content was changed"]
    assert any("deleted cells cannot be" in line for line in change_lines(alone))


def test_unreadable_missing_or_foreign_notebooks_exit_2(tmp_path, capsys):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json")
    with pytest.raises(Unusable, match="broken.ipynb is not a valid notebook"):
        validate(broken)
    assert cli.main(["validate", str(broken)]) == 2
    assert "broken.ipynb is not a valid notebook" in capsys.readouterr().err
    plain = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), str(plain))
    assert cli.main(["validate", str(plain)]) == 2
    assert "plain.ipynb is not an assignment" in capsys.readouterr().err
    assert cli.main(["validate", str(tmp_path)]) == 2
    assert "is a folder, not a notebook" in capsys.readouterr().err


def test_help_documents_the_exit_status():
    result = subprocess.run(
        [sys.executable, "-m", "cnncourse", "validate", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "0 every visible test passes" in text and "1 a visible test fails" in text
    assert "2 the notebook could not be read or is not an assignment" in text


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_rewrites_one_line_on_a_terminal_and_prints_lines_otherwise():
    names = {3: "your answer to 3.2a", 4: "the test cell of 3.2a"}
    terminal, plain = Terminal(), io.StringIO()
    for out in (terminal, plain):
        progress = Progress(2, names.get, out)
        progress.cell(3)
        progress.cell(4)
        progress.finish()
    assert "\n" not in terminal.getvalue() and terminal.getvalue().count("\r") == 4
    assert terminal.getvalue().endswith("\r")
    lines = plain.getvalue().splitlines()
    assert [line.split("s  ", 1)[1] for line in lines] == list(names.values())
    assert lines[0].startswith("  [1/2]") and lines[1].startswith("  [2/2]")


def test_the_estimate_names_its_basis_and_the_profile():
    notebook = exercise_notebook("a1", A1)
    assert "an estimate: a1 took" in estimate("a1", notebook, "tiny")
    small = estimate("a1", notebook, "small")
    assert "rough estimate" in small and "small profile" in small
    assert "from its 21 code cells" in estimate(None, notebook, "tiny")


@pytest.mark.slow
def test_a_cell_past_its_time_is_named_by_its_question(demo_course, tmp_path):
    path = submit(
        tmp_path,
        "me",
        "sleepy",
        answered(exercise(demo_course, "sleepy"), {"answer": "time.sleep(60)\nanswer = 42"}),
    )
    release = demo_course / "exercises" / "sleepy" / "sleepy.ipynb"
    code, out = run(path, timeout=3, release=release)
    assert code == 1
    assert "FAILED  the answer: " in out
    assert (
        "- your answer to the answer raised CellTimeoutError: the cell ran past the 3 s "
        "limit" in out
    )
