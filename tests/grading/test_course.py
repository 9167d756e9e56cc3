"""The course's nbgrader glue: the line that says why an nbgrader call failed."""

from cnncourse.grading.course import nbgrader_error


def test_nbgrader_error_is_the_last_line_that_is_not_nbgrader_logging():
    log = (
        "[GenerateAssignmentApp | INFO] Updating/creating assignment 'a1'\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "  nbgrader.preprocessors.base.ValidationError: cell q1 has no grade_id\n"
        "[GenerateAssignmentApp | ERROR] There was an error processing assignment\n\n"
    )
    result = {"success": False, "log": log, "error": "Traceback ...\nRuntimeError: boom\n"}
    assert (
        nbgrader_error(result)
        == "nbgrader.preprocessors.base.ValidationError: cell q1 has no grade_id"
    )
    assert nbgrader_error(result, "error") == "RuntimeError: boom"
    assert nbgrader_error({"success": False, "log": "[App | ERROR] only logging\n"}) is None
    assert nbgrader_error({"success": False}, "error") is None
