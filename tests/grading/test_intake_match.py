"""Matching an export's files to students and assignments: LMS names, rosters, latest attempts."""

from __future__ import annotations

import re
import zipfile

import pytest

from cnncourse.grading.intake import collect_submissions, default_assignments

from .intake_helpers import A1, ASSIGNMENTS, accounted, files, make_zip, notebook, placed, write


def test_canvas_names_take_the_latest_resubmission(tmp_path):
    export = make_zip(
        tmp_path / "canvas.zip",
        {
            f"smithjohn_12345_67890_{A1}.ipynb": notebook("first"),
            f"smithjohn_12345_67891_{A1}-1.ipynb": notebook("second"),
            "smithjohn_12345_67892_pixels.csv": "1,2",
            f"doejane_late_23456_78901_{A1}.ipynb": notebook("jane"),
        },
    )

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {
        f"smithjohn/a1/{A1}.ipynb": f"canvas.zip!smithjohn_12345_67891_{A1}-1.ipynb",
        "smithjohn/a1/pixels.csv": "canvas.zip!smithjohn_12345_67892_pixels.csv",
        f"doejane/a1/{A1}.ipynb": f"canvas.zip!doejane_late_23456_78901_{A1}.ipynb",
    }
    taken = next(
        item for item in result.placed if item.name == f"{A1}.ipynb" and item.student == "smithjohn"
    )
    assert taken.note == f"the latest of 2; ignored canvas.zip!smithjohn_12345_67890_{A1}.ipynb"
    assert result.ignored == [
        (
            f"canvas.zip!smithjohn_12345_67890_{A1}.ipynb",
            f"an older copy of smithjohn/a1/{A1}.ipynb: took "
            f"canvas.zip!smithjohn_12345_67891_{A1}-1.ipynb",
        )
    ]
    assert "second" in (tmp_path / "submissions" / "smithjohn" / "a1" / f"{A1}.ipynb").read_text()
    with zipfile.ZipFile(export) as archive:
        assert accounted(result) == sorted(f"canvas.zip!{name}" for name in archive.namelist())


def test_browser_duplicates_take_the_highest_number_over_the_modification_time(tmp_path):
    export = tmp_path / "export"
    write(export / "alice" / f"{A1}.ipynb", notebook("original"), mtime=3000)
    write(export / "alice" / f"{A1} (1).ipynb", notebook("one"), mtime=2000)
    write(export / "alice" / f"{A1} (2).ipynb", notebook("two"), mtime=1000)

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {f"alice/a1/{A1}.ipynb": f"export/alice/{A1} (2).ipynb"}
    assert sorted(path for path, _ in result.ignored) == [
        f"export/alice/{A1} (1).ipynb",
        f"export/alice/{A1}.ipynb",
    ]
    assert "two" in (tmp_path / "submissions" / "alice" / "a1" / f"{A1}.ipynb").read_text()


def test_without_attempt_numbers_the_latest_modification_time_wins(tmp_path):
    export = tmp_path / "export"
    write(export / "alice" / "A1" / "first" / f"{A1}.ipynb", notebook("first"), mtime=1000)
    write(export / "alice" / "A1" / "first" / "data.csv", "old", mtime=1000)
    write(export / "alice" / "A1" / "second" / f"{A1}.ipynb", notebook("second"), mtime=2000)
    write(export / "alice" / "A1" / "second" / "data.csv", "new", mtime=2000)

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {
        f"alice/a1/{A1}.ipynb": f"export/alice/A1/second/{A1}.ipynb",
        "alice/a1/data.csv": "export/alice/A1/second/data.csv",
    }
    assert sorted(result.ignored) == [
        (
            "export/alice/A1/first/a1_convolutions_and_parameters.ipynb",
            f"an older copy of alice/a1/{A1}.ipynb: took export/alice/A1/second/{A1}.ipynb",
        ),
        (
            "export/alice/A1/first/data.csv",
            "an older copy of alice/a1/data.csv: took export/alice/A1/second/data.csv",
        ),
    ]
    assert (tmp_path / "submissions" / "alice" / "a1" / "data.csv").read_text() == "new"


def test_moodle_folders_and_online_text(tmp_path):
    export = make_zip(
        tmp_path / "moodle.zip",
        {
            f"John Smith_12345_assignsubmission_file_/{A1}.ipynb": notebook("john"),
            "John Smith_12345_assignsubmission_file_/weights/w.txt": "0.5",
            "John Smith_12345_assignsubmission_onlinetext_/onlinetext.html": "<p>hi</p>",
            f"Jane Doe_23456_assignsubmission_file_/Copy of {A1}.ipynb": notebook("jane"),
        },
    )

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    folder = "moodle.zip!John Smith_12345_assignsubmission_file_"
    assert placed(result) == {
        f"John_Smith/a1/{A1}.ipynb": f"{folder}/{A1}.ipynb",
        "John_Smith/a1/weights/w.txt": f"{folder}/weights/w.txt",
        f"Jane_Doe/a1/{A1}.ipynb": f"moodle.zip!Jane Doe_23456_assignsubmission_file_/Copy of "
        f"{A1}.ipynb",
    }
    assert [item.note for item in result.placed if item.student == "Jane_Doe"] == [
        f"renamed from Copy of {A1}.ipynb"
    ]
    assert result.ignored == [
        (
            "moodle.zip!John Smith_12345_assignsubmission_onlinetext_/onlinetext.html",
            "Moodle online text, not a submitted file",
        )
    ]
    assert result.problems == []


def test_blackboard_attempts_take_the_latest_timestamp_and_ignore_receipts(tmp_path):
    export = tmp_path / "export"
    early = "A1_jsmith_attempt_2026-10-01-12-00-00"
    late = "A1_jsmith_attempt_2026-10-02-09-30-00"
    write(export / f"{early}_{A1}.ipynb", notebook("early"), mtime=5000)  # copied later
    write(export / f"{late}_{A1}.ipynb", notebook("late"), mtime=1000)
    write(export / f"{early}.txt", "Name: John Smith\nSubmission Field: ...")

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {f"jsmith/a1/{A1}.ipynb": f"export/{late}_{A1}.ipynb"}
    assert sorted(result.ignored) == [
        (f"export/{early}.txt", "an LMS submission receipt"),
        (
            f"export/{early}_{A1}.ipynb",
            f"an older copy of jsmith/a1/{A1}.ipynb: took export/{late}_{A1}.ipynb",
        ),
    ]
    assert "late" in (tmp_path / "submissions" / "jsmith" / "a1" / f"{A1}.ipynb").read_text()


def test_d2l_folders_take_the_latest_date_and_ignore_the_index_page(tmp_path):
    export = make_zip(
        tmp_path / "d2l.zip",
        {
            "index.html": "<html></html>",
            f"111-222 - John Smith - Oct 1, 2026 930 AM/{A1}.ipynb": notebook("morning"),
            f"112-222 - John Smith - Oct 1, 2026 1200 PM/{A1}.ipynb": notebook("noon"),
            f"113-333 - Ann Lee - Sep 30, 2026 1100 PM/{A1}.ipynb": notebook("ann"),
        },
    )

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {
        f"John_Smith/a1/{A1}.ipynb": (
            f"d2l.zip!112-222 - John Smith - Oct 1, 2026 1200 PM/{A1}.ipynb"
        ),
        f"Ann_Lee/a1/{A1}.ipynb": f"d2l.zip!113-333 - Ann Lee - Sep 30, 2026 1100 PM/{A1}.ipynb",
    }
    assert ("d2l.zip!index.html", "the D2L index page") in result.ignored
    assert result.problems == []


def test_renamed_notebooks_are_matched_only_when_unambiguous(tmp_path):
    assignments = {"a1": [A1], "a6": ["a6_part", "a6_part_extra"]}
    export = tmp_path / "export"
    write(export / "alice" / "a1" / f"Copy of {A1}.ipynb", notebook("alice"))
    write(export / "bob" / f"{A1}-Copy1.ipynb", notebook("bob"))
    write(export / "carol" / "A1" / "MyWork.ipynb", notebook("carol"))
    write(export / "dave" / "a1" / f"{A1}.ipynb", notebook("dave original"), mtime=1000)
    write(export / "dave" / "a1" / f"{A1}-Copy1.ipynb", notebook("dave copy"), mtime=2000)
    write(export / "erin" / "A6" / "final a6_part_extra.ipynb", notebook("erin"))
    write(export / "frank" / "A6" / "scratch.ipynb", notebook("frank"))

    result = collect_submissions(export, tmp_path / "submissions", assignments)

    assert placed(result) == {
        f"alice/a1/{A1}.ipynb": f"export/alice/a1/Copy of {A1}.ipynb",
        f"bob/a1/{A1}.ipynb": f"export/bob/{A1}-Copy1.ipynb",
        f"carol/a1/{A1}.ipynb": "export/carol/A1/MyWork.ipynb",
        f"dave/a1/{A1}.ipynb": f"export/dave/a1/{A1}.ipynb",
    }
    notes = {item.student: item.note for item in result.placed}
    assert notes["bob"] == f"renamed from {A1}-Copy1.ipynb"
    assert notes["carol"] == "renamed from MyWork.ipynb"
    assert result.ignored == [
        (
            f"export/dave/a1/{A1}-Copy1.ipynb",
            f"an older copy of dave/a1/{A1}.ipynb: took export/dave/a1/{A1}.ipynb",
        )
    ]
    assert result.problems == [
        (
            "export/erin/A6/final a6_part_extra.ipynb",
            "final a6_part_extra.ipynb could be any of a6_part, a6_part_extra",
        ),
        (
            "export/frank/A6/scratch.ipynb",
            "scratch.ipynb is not a notebook of a6 (expected a6_part.ipynb, a6_part_extra.ipynb)",
        ),
    ]


def test_a_roster_maps_lms_ids_names_and_emails_and_reports_unknown_students(tmp_path):
    roster = write(
        tmp_path / "roster.csv",
        "student,lms_id,name,email\n"
        "s001,12345,John Smith,john@uni.edu\ns002,,Jane Doe,\ns003,,,ann@uni.edu\n",
    )
    export = tmp_path / "export"
    write(export / f"smithjohn_12345_1_{A1}.ipynb", notebook("john"))
    write(export / f"doejane_23456_2_{A1}.ipynb", notebook("jane"))
    write(export / "ann@uni.edu" / f"{A1}.ipynb", notebook("ann"))
    write(export / f"zedzed_99999_3_{A1}.ipynb", notebook("who"))

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS, roster=roster)

    assert placed(result) == {
        f"s001/a1/{A1}.ipynb": f"export/smithjohn_12345_1_{A1}.ipynb",
        f"s002/a1/{A1}.ipynb": f"export/doejane_23456_2_{A1}.ipynb",
        f"s003/a1/{A1}.ipynb": f"export/ann@uni.edu/{A1}.ipynb",
    }
    assert result.problems == [
        (
            f"export/zedzed_99999_3_{A1}.ipynb",
            f"LMS student 'zedzed' (id 99999) is not in the roster {roster}",
        )
    ]
    assert sorted(files(tmp_path / "submissions")) == [f"s00{n}/a1/{A1}.ipynb" for n in (1, 2, 3)]


def test_a_roster_without_a_student_column_is_refused(tmp_path):
    roster = write(tmp_path / "roster.csv", "id,name\n1,John\n")
    (tmp_path / "export").mkdir()
    with pytest.raises(
        ValueError,
        match=r"roster .*roster.csv has no 'student' column \(it has "
        r"id, name\)",
    ):
        collect_submissions(tmp_path / "export", tmp_path / "out", ASSIGNMENTS, roster=roster)


def test_two_lms_entries_mapping_to_one_student_are_a_conflict(tmp_path):
    export = make_zip(
        tmp_path / "moodle.zip",
        {
            f"John Smith_12345_assignsubmission_file_/{A1}.ipynb": notebook("one"),
            f"John Smith_67890_assignsubmission_file_/{A1}.ipynb": notebook("two"),
            f"Ann Lee_11111_assignsubmission_file_/{A1}.ipynb": notebook("ann"),
        },
    )

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {
        f"Ann_Lee/a1/{A1}.ipynb": f"moodle.zip!Ann Lee_11111_assignsubmission_file_/{A1}.ipynb"
    }
    why = (
        "conflict: the LMS entries 'John Smith' (id 12345), 'John Smith' (id 67890) all map "
        "to student John_Smith"
    )
    assert result.problems == [
        (f"moodle.zip!John Smith_12345_assignsubmission_file_/{A1}.ipynb", why),
        (f"moodle.zip!John Smith_67890_assignsubmission_file_/{A1}.ipynb", why),
    ]
    assert not (tmp_path / "submissions" / "John_Smith").exists()


def test_a_roster_conflict_between_two_lms_accounts(tmp_path):
    roster = write(tmp_path / "roster.csv", "student,lms_id,name\ns001,12345,John Smith\n")
    export = tmp_path / "export"
    write(export / f"smithjohn_12345_1_{A1}.ipynb", notebook("one"))
    write(export / f"johnsmith_55555_2_{A1}.ipynb", notebook("two"))

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS, roster=roster)

    assert result.placed == []
    why = (
        "conflict: the LMS entries 'johnsmith' (id 55555), 'smithjohn' (id 12345) all map to "
        "student s001"
    )
    assert sorted(result.problems) == [
        (f"export/johnsmith_55555_2_{A1}.ipynb", why),
        (f"export/smithjohn_12345_1_{A1}.ipynb", why),
    ]


def test_a_pattern_replaces_the_lms_patterns(tmp_path):
    export = tmp_path / "export"
    write(export / f"hw-a1--jsmith--{A1}.ipynb", notebook("john"))
    write(export / "alice" / f"{A1}.ipynb", notebook("alice"))
    pattern = r"hw-(?P<assignment>\w+)--(?P<student>\w+)--(?P<notebook>\w+)\.ipynb"

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS, pattern=pattern)

    assert placed(result) == {f"jsmith/a1/{A1}.ipynb": f"export/hw-a1--jsmith--{A1}.ipynb"}
    assert result.problems == [
        (
            f"export/alice/{A1}.ipynb",
            f"no folder or file name of export/alice/{A1}.ipynb matches the pattern",
        )
    ]
    with pytest.raises(ValueError, match=r"pattern '\(x' is not a regular expression"):
        collect_submissions(export, tmp_path / "other", ASSIGNMENTS, pattern="(x")
    with pytest.raises(
        ValueError, match=re.escape("pattern 'hw-(?P<who>\\\\w+)' has no (?P<student>...) group")
    ):
        collect_submissions(export, tmp_path / "other", ASSIGNMENTS, pattern=r"hw-(?P<who>\w+)")


def test_the_default_assignments_are_the_course_exercises(tmp_path):
    assert default_assignments(["a1"]) == {"a1": [A1]}
    with pytest.raises(
        ValueError, match="unknown assignment a9: .*exercises has a1, a2, a3, a4, a5"
    ):
        default_assignments(["a9"])
    export = tmp_path / "export"
    write(export / "alice" / f"{A1}.ipynb", notebook("one"))
    write(export / "alice" / "Assignment 5" / "a5_transfer_across_sizes.ipynb", notebook("five"))
    write(export / "bob" / "a2_binary_cnn (1).ipynb", notebook("two"))

    result = collect_submissions(export, tmp_path / "submissions")

    assert placed(result) == {
        f"alice/a1/{A1}.ipynb": f"export/alice/{A1}.ipynb",
        "alice/a5/a5_transfer_across_sizes.ipynb": (
            "export/alice/Assignment 5/a5_transfer_across_sizes.ipynb"
        ),
        "bob/a2/a2_binary_cnn.ipynb": "export/bob/a2_binary_cnn (1).ipynb",
    }
    assert result.problems == []
