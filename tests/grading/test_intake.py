"""LMS intake: exports of Canvas, Moodle, Blackboard, D2L and plain folders placed for grading."""

from __future__ import annotations

from cnncourse import cli
from cnncourse.grading.intake import collect_submissions

from .intake_helpers import A1, ASSIGNMENTS, files, notebook, placed, write


def test_plain_folders_per_student_with_assignment_folders_and_attachments(tmp_path):
    export = tmp_path / "export"
    write(export / "alice" / "A1" / "work" / f"{A1}.ipynb", notebook("alice"))
    write(export / "alice" / "A1" / "work" / "data" / "pixels.csv", "1,2,3")
    write(
        export / "alice" / "A1" / "work" / ".ipynb_checkpoints" / f"{A1}-checkpoint.ipynb",
        notebook("old"),
    )
    write(export / "alice" / ".DS_Store", "junk")
    write(export / "bob" / "Assignment 1" / "A1_Convolutions_And_Parameters.ipynb", notebook("bob"))
    write(export / "carol" / "a2" / "a2_binary_cnn.ipynb", notebook("carol"))

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {
        f"alice/a1/{A1}.ipynb": f"export/alice/A1/work/{A1}.ipynb",
        "alice/a1/data/pixels.csv": "export/alice/A1/work/data/pixels.csv",
        f"bob/a1/{A1}.ipynb": "export/bob/Assignment 1/A1_Convolutions_And_Parameters.ipynb",
        "carol/a2/a2_binary_cnn.ipynb": "export/carol/a2/a2_binary_cnn.ipynb",
    }
    assert result.problems == [] and result.warnings == []
    assert sorted(result.ignored) == [
        ("export/alice/.DS_Store", "macOS folder settings"),
        ("export/alice/A1/work/.ipynb_checkpoints", "a Jupyter checkpoint"),
    ]
    written = files(tmp_path / "submissions")
    assert sorted(written) == [
        "alice/a1/a1_convolutions_and_parameters.ipynb",
        "alice/a1/data/pixels.csv",
        "bob/a1/a1_convolutions_and_parameters.ipynb",
        "carol/a2/a2_binary_cnn.ipynb",
    ]
    assert "alice" in written[f"alice/a1/{A1}.ipynb"] and "bob" in written[f"bob/a1/{A1}.ipynb"]


def test_the_collect_command_prints_each_student_and_problem_and_exits_1_on_problems(
    tmp_path, capsys
):
    export, target = tmp_path / "export", tmp_path / "submissions"
    write(export / "alice" / "A1" / f"{A1}.ipynb", notebook("alice"))
    write(export / "alice" / "A1" / "data.csv", "1,2")

    assert cli.main(["collect", str(export), "--to", str(target), "--assignment", "a1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"alice: a1/{A1}.ipynb, a1/data.csv",
        f"2 files placed for 1 students in {target}; 0 ignored, 0 warnings, 0 not placed",
    ]

    write(export / "stray.ipynb", notebook())
    assert cli.main(["collect", str(export), "--to", str(target), "--assignment", "a1"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"alice: a1/{A1}.ipynb, a1/data.csv",
        "  a1/a1_convolutions_and_parameters.ipynb from "
        f"export/alice/A1/{A1}.ipynb: already there, unchanged",
        "  a1/data.csv from export/alice/A1/data.csv: already there, unchanged",
        "problem: export/stray.ipynb: not inside a student's folder, and its name "
        "matches no LMS pattern (canvas, moodle, blackboard, d2l)",
        f"2 files placed for 1 students in {target}; 0 ignored, 0 warnings, 1 not placed",
    ]

    assert cli.main(["collect", str(tmp_path / "missing.zip"), "--to", str(target)]) == 2
    assert "is neither a folder nor a .zip file" in capsys.readouterr().err
