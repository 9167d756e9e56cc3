"""Placing the chosen files: existing files kept unless forced, invalid and empty files reported."""

from __future__ import annotations

from cnncourse.grading.intake import collect_submissions

from .intake_helpers import A1, ASSIGNMENTS, notebook, placed, write


def test_files_already_in_the_target_are_not_overwritten_unless_forced(tmp_path):
    export, target = tmp_path / "export", tmp_path / "submissions"
    source = write(export / "alice" / f"{A1}.ipynb", notebook("first"))
    assert collect_submissions(export, target, ASSIGNMENTS).problems == []

    again = collect_submissions(export, target, ASSIGNMENTS)
    assert [item.note for item in again.placed] == ["already there, unchanged"]

    write(source, notebook("changed"))
    refused = collect_submissions(export, target, ASSIGNMENTS)
    destination = target / "alice" / "a1" / f"{A1}.ipynb"
    assert refused.placed == []
    assert refused.problems == [
        (
            f"export/alice/{A1}.ipynb",
            f"{destination} already exists and differs: not overwritten (force replaces it)",
        )
    ]
    assert "first" in destination.read_text()

    forced = collect_submissions(export, target, ASSIGNMENTS, force=True)
    assert forced.problems == [] and "changed" in destination.read_text()


def test_empty_invalid_and_unplaceable_files_are_reported(tmp_path):
    export = tmp_path / "export"
    write(export / "alice" / f"{A1}.ipynb", '{"cells": [ not JSON')
    write(export / "bob" / f"{A1}.ipynb", "")
    write(export / "bob" / "empty.txt", "")
    write(export / "README.txt", "instructions")
    write(export / "carol" / "notes.md", "no notebook")

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {f"alice/a1/{A1}.ipynb": f"export/alice/{A1}.ipynb"}
    assert (
        tmp_path / "submissions" / "alice" / "a1" / f"{A1}.ipynb"
    ).read_text() == '{"cells": [ not JSON'
    [(path, why)] = result.warnings
    assert path == f"export/alice/{A1}.ipynb"
    assert why.startswith("not a valid notebook (Notebook does not appear to be JSON")
    assert why.endswith("copied, the grader records it as invalid")
    assert result.ignored == [("export/bob/empty.txt", "an empty file (0 bytes)")]
    assert sorted(result.problems) == [
        (
            "export/README.txt",
            "not inside a student's folder, and its name matches no LMS "
            "pattern (canvas, moodle, blackboard, d2l)",
        ),
        (f"export/bob/{A1}.ipynb", "an empty file (0 bytes)"),
        ("export/carol/notes.md", "cannot tell which assignment notes.md belongs to"),
    ]
