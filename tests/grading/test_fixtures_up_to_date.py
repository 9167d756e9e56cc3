"""tests/grading/fixtures/course/ is exactly what fixtures/build_fixtures.py writes."""

import json

from tests.grading.fixtures import build_fixtures

REGENERATE = f".venv/bin/python {build_fixtures.SCRIPT}"


def _files(course):
    return {
        path.relative_to(course).as_posix(): path.read_bytes()
        for path in sorted(course.rglob("*"))
        if path.is_file()
    }


def test_the_committed_fixture_course_is_what_the_script_writes(tmp_path):
    build_fixtures.write(tmp_path)
    generated, committed = _files(tmp_path), _files(build_fixtures.COURSE)
    stale = [
        f"{name}: " + ("missing" if name not in committed else "no longer written by the script")
        for name in sorted(set(generated) ^ set(committed))
    ]
    stale += [
        f"{name}: out of date"
        for name in sorted(set(generated) & set(committed))
        if generated[name] != committed[name]
    ]
    assert not stale, f"run `{REGENERATE}`:\n" + "\n".join(stale)


def test_every_fixture_notebook_says_it_is_generated():
    notebooks = sorted(build_fixtures.COURSE.rglob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        metadata = json.loads(path.read_text())["metadata"]
        note = metadata.get("cnncourse", {}).get("note", "")
        assert build_fixtures.SCRIPT in note and "do not edit" in note, f"{path}: no note"
