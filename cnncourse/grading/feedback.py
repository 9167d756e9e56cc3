"""Per-student HTML feedback from a graded folder: each check's message, never a hidden test.

nbgrader's generate_feedback renders the autograded notebook, in which the hidden tests
were restored; the course's feedback chain (`HideHiddenTests`) strips them and the
tracebacks that quote them. A submission that could not be graded gets a page with the
reason instead.
"""

from __future__ import annotations

import html
from pathlib import Path

from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.grade import load_course, read_grades

NOT_GRADED_PAGE = "not-graded.html"


def _not_graded_page(row: dict) -> str:
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(row['assignment'])}: not graded</title></head><body>\n"
        f"<h1>{html.escape(row['assignment'])}</h1>\n"
        f"<p>Score: {html.escape(row['score'])} / {html.escape(row['max_score'])} "
        f"({html.escape(row['status'])})</p>\n"
        f"<p>Your submission could not be graded: {html.escape(row['reason'])}</p>\n"
        "</body></html>\n")


def write_feedback(workdir: Path, output: Path) -> int:
    """Write ``output/<student>/<assignment>/<notebook>.html`` for every graded submission.

    Returns 0, or 1 when nbgrader could not write some feedback (each is printed).
    """
    course = load_course(Path(workdir))
    output = Path(output).resolve()
    output.mkdir(parents=True, exist_ok=True)
    api = course.api(feedback_directory=output)
    failures = 0
    for row in read_grades(workdir):
        student, assignment = row["student"], row["assignment"]
        folder = output / student / assignment
        if not (course.autograded / student / assignment).is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / NOT_GRADED_PAGE).write_text(_not_graded_page(row), encoding="utf-8")
            print(f"  {student}/{assignment}: not graded, wrote {folder / NOT_GRADED_PAGE}")
            continue
        with kernel_environment(None):
            result = api.generate_feedback(assignment, student, force=True)
        if result.get("success"):
            pages = sorted(path.name for path in folder.glob("*.html"))
            print(f"  {student}/{assignment}: {', '.join(pages)}")
        else:
            failures += 1
            lines = result.get("error", "").strip().splitlines()
            print(f"  {student}/{assignment}: no feedback ({lines[-1] if lines else 'unknown'})")
    print(f"feedback in {output}")
    return 1 if failures else 0
