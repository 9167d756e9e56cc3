"""Reading an LMS export: zips of the whole export or per student, unsafe entries, size limits."""

from __future__ import annotations

import stat
import zipfile

from cnncourse.grading import intake_export
from cnncourse.grading.intake import collect_submissions

from .intake_helpers import (
    A1,
    ASSIGNMENTS,
    accounted,
    files,
    make_zip,
    notebook,
    placed,
    write,
    zip_bytes,
)


def test_a_whole_export_zip_with_a_wrapper_folder_and_macos_junk(tmp_path):
    export = make_zip(
        tmp_path / "export.zip",
        {
            f"submissions/alice/{A1}.ipynb": notebook("alice"),
            f"submissions/bob/A1/{A1}.ipynb": notebook("bob"),
            f"__MACOSX/submissions/alice/._{A1}.ipynb": "resource fork",
        },
    )

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {
        f"alice/a1/{A1}.ipynb": f"export.zip!submissions/alice/{A1}.ipynb",
        f"bob/a1/{A1}.ipynb": f"export.zip!submissions/bob/A1/{A1}.ipynb",
    }
    assert result.ignored == [
        (f"export.zip!__MACOSX/submissions/alice/._{A1}.ipynb", "a macOS resource folder")
    ]
    assert result.problems == []
    assert sorted(files(tmp_path / "submissions")) == [f"alice/a1/{A1}.ipynb", f"bob/a1/{A1}.ipynb"]


def test_a_zip_per_student_in_a_folder_nested_one_level_deep(tmp_path):
    export = tmp_path / "export"
    make_zip(export / "alice.zip", {f"A1/{A1}.ipynb": notebook("alice"), "A1/helper.py": "x = 1"})
    make_zip(
        export / "bob.zip",
        {"bob_work.zip": zip_bytes(tmp_path, "inner.zip", {f"{A1}.ipynb": notebook("bob")})},
    )
    two = zip_bytes(tmp_path, "two.zip", {f"{A1}.ipynb": notebook("eve")})
    make_zip(export / "eve.zip", {"one.zip": zip_bytes(tmp_path, "one.zip", {"two.zip": two})})

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert placed(result) == {
        f"alice/a1/{A1}.ipynb": f"export/alice.zip!A1/{A1}.ipynb",
        "alice/a1/helper.py": "export/alice.zip!A1/helper.py",
        f"bob/a1/{A1}.ipynb": f"export/bob.zip!bob_work.zip!{A1}.ipynb",
    }
    assert result.problems == [
        (
            "export/eve.zip!one.zip!two.zip",
            "export/eve.zip!one.zip!two.zip is a zip nested more than one level deep",
        )
    ]
    assert not [
        path for path in (tmp_path / "submissions").iterdir() if path.name.startswith(".intake")
    ], "the staging folder is removed"


def test_malicious_zip_entries_are_refused_and_nothing_is_written_outside_the_target(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(intake_export, "MAX_FILE_BYTES", 1000)
    outside = tmp_path / "outside_absolute.ipynb"
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"alice/{A1}.ipynb", notebook("alice"))
        archive.writestr("../../evil.ipynb", notebook("evil"))
        archive.writestr("alice/../../../evil2.ipynb", notebook("evil"))
        archive.writestr(str(outside), notebook("absolute"))
        link = zipfile.ZipInfo("alice/link.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "../../../../etc/passwd")
        archive.writestr("alice/bomb.csv", b"0" * 50_000)
    target = tmp_path / "deep" / "er" / "submissions"
    before = {path for path in tmp_path.rglob("*")}

    result = collect_submissions(export, target, ASSIGNMENTS)

    assert placed(result) == {f"alice/a1/{A1}.ipynb": f"export.zip!alice/{A1}.ipynb"}
    assert result.problems == [
        (
            "export.zip!../../evil.ipynb",
            "zip entry '../../evil.ipynb' of export.zip refused: a "
            "path that leaves the archive (..)",
        ),
        (
            "export.zip!alice/../../../evil2.ipynb",
            "zip entry 'alice/../../../evil2.ipynb' of "
            "export.zip refused: a path that leaves the "
            "archive (..)",
        ),
        (f"export.zip!{outside}", f"zip entry '{outside}' of export.zip refused: an absolute path"),
        (
            "export.zip!alice/link.ipynb",
            "zip entry 'alice/link.ipynb' of export.zip refused: a symbolic link",
        ),
        (
            "export.zip!alice/bomb.csv",
            "zip entry 'alice/bomb.csv' of export.zip refused: 50000 "
            "bytes, over the 1000 bytes a file may have",
        ),
    ]
    after = {path for path in tmp_path.rglob("*")}
    assert {path for path in after - before if target not in path.parents} == {
        tmp_path / "deep",
        tmp_path / "deep" / "er",
        target,
    }
    assert sorted(files(target)) == [f"alice/a1/{A1}.ipynb"]
    with zipfile.ZipFile(export) as archive:
        assert accounted(result) == sorted(f"export.zip!{name}" for name in archive.namelist())
    assert not outside.exists() and not (tmp_path.parent / "evil.ipynb").exists()


def test_windows_drive_and_backslash_entries_are_refused(tmp_path):
    drive, dotdot = "C:\\Users\\evil.ipynb", "alice\\..\\..\\evil.ipynb"
    export = make_zip(tmp_path / "export.zip", {drive: notebook(), dotdot: notebook()})

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert result.placed == []
    assert [why for _, why in result.problems] == [
        f"zip entry {drive!r} of export.zip refused: an absolute path",
        f"zip entry {dotdot!r} of export.zip refused: a path that leaves the archive (..)",
    ]


def test_the_total_size_limit_stops_an_archive_that_unpacks_too_much(tmp_path, monkeypatch):
    monkeypatch.setattr(intake_export, "MAX_TOTAL_BYTES", 1500)
    export = make_zip(
        tmp_path / "export.zip",
        {f"alice/{A1}.ipynb": notebook(), "alice/one.csv": "1" * 1000, "alice/two.csv": "2" * 1000},
    )

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert result.problems == [
        (
            "export.zip!alice/two.csv",
            "zip entry 'alice/two.csv' of "
            "export.zip refused: over the size limits (104857600 bytes a "
            "file, 1500 bytes in all)",
        )
    ]
    assert sorted(files(tmp_path / "submissions")) == [f"alice/a1/{A1}.ipynb", "alice/a1/one.csv"]


def test_a_broken_zip_and_a_symlink_in_a_folder_export_are_reported(tmp_path):
    export = tmp_path / "export"
    write(export / "alice.zip", "this is not a zip")
    write(tmp_path / "secret.ipynb", notebook("secret"))
    (export / "bob").mkdir()
    (export / "bob" / f"{A1}.ipynb").symlink_to(tmp_path / "secret.ipynb")

    result = collect_submissions(export, tmp_path / "submissions", ASSIGNMENTS)

    assert result.placed == []
    assert result.problems == [
        (
            "export/alice.zip",
            "export/alice.zip is not a readable zip archive: File is not a zip file",
        ),
        (f"export/bob/{A1}.ipynb", f"export/bob/{A1}.ipynb is a symbolic link: not followed"),
    ]
