"""The grading commands of `cnncourse`: options passed through, results printed, exit codes."""

import pytest

from cnncourse.cli import main


def _fake_grade_all(calls, folder):
    """A `grade_all` that records its arguments and grades nothing."""
    from cnncourse.grading.grade import BatchResult

    return lambda *args, **kwargs: calls.append(kwargs) or BatchResult(folder, submissions=folder)


def test_grade_passes_profile_and_timeout_through(monkeypatch, tmp_path):
    import cnncourse.grading.grade as grade

    calls = []
    monkeypatch.setattr(grade, "grade_all", _fake_grade_all(calls, tmp_path))
    assert main(["grade", str(tmp_path), "--profile", "small", "--timeout", "99"]) == 0
    assert (calls[0]["profile"], calls[0]["cell_timeout"]) == ("small", 99)
    assert main(["grade", str(tmp_path)]) == 0
    assert (calls[1]["profile"], calls[1]["cell_timeout"]) == ("tiny", None)


def test_grade_passes_workers_scheduler_and_regrade_through(monkeypatch, tmp_path):
    import cnncourse.grading.grade as grade

    calls = []
    monkeypatch.setattr(grade, "grade_all", _fake_grade_all(calls, tmp_path))
    assert main(["grade", str(tmp_path), "--workers", "3", "--regrade"]) == 0
    assert (calls[0]["workers"], calls[0]["scheduler"], calls[0]["regrade"]) == (3, None, True)
    assert main(["grade", str(tmp_path), "--scheduler", "tcp://10.0.0.1:8786"]) == 0
    assert (calls[1]["workers"], calls[1]["scheduler"], calls[1]["regrade"]) == (
        None,
        "tcp://10.0.0.1:8786",
        False,
    )


def test_grade_prints_the_closing_lines_of_the_batch(monkeypatch, tmp_path, capsys):
    import cnncourse.grading.grade as grade

    monkeypatch.setattr(grade, "grade_all", _fake_grade_all([], tmp_path))
    assert main(["grade", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"nothing to grade in {tmp_path}",
        f"wrote {tmp_path / 'grades.csv'} and the gradebook ",
    ]


def test_profile_choices_are_the_profiles(capsys):
    from cnncourse.profile import PROFILES

    for name in ("book", "grade", "validate"):
        with pytest.raises(SystemExit):
            main([name, "--help"])
        assert "--profile {" + ",".join(PROFILES) + "}" in capsys.readouterr().out, name
