"""The `cnncourse` command's own behaviour (subcommands are tested beside their modules)."""

import json
import subprocess
import sys

from cnncourse.cli import main


def test_profile_json_lists_every_profile(capsys):
    assert main(["profile", "--json"]) == 0
    profiles = json.loads(capsys.readouterr().out)
    assert set(profiles) == {"full", "small", "tiny"}
    assert profiles["full"]["pets_per_class"] == 2000


def test_profile_marks_the_active_one(capsys, monkeypatch):
    monkeypatch.setenv("CNNCOURSE_PROFILE", "tiny")
    assert main(["profile"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("*")] == ["tiny"]


def test_console_script_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "cnncourse", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    for command in ("book", "models", "release", "grade", "feedback", "report", "validate"):
        assert command in result.stdout


def test_grade_passes_profile_and_timeout_through(monkeypatch, tmp_path):
    import cnncourse.grading.grade as grade

    calls = []
    monkeypatch.setattr(grade, "grade_all", lambda *args, **kwargs: calls.append(kwargs) or 0)
    assert main(["grade", str(tmp_path), "--profile", "small", "--timeout", "99"]) == 0
    assert (calls[0]["profile"], calls[0]["cell_timeout"]) == ("small", 99)
    assert main(["grade", str(tmp_path)]) == 0
    assert (calls[1]["profile"], calls[1]["cell_timeout"]) == ("tiny", None)


def test_grade_passes_workers_scheduler_and_regrade_through(monkeypatch, tmp_path):
    import cnncourse.grading.grade as grade

    calls = []
    monkeypatch.setattr(grade, "grade_all", lambda *args, **kwargs: calls.append(kwargs) or 0)
    assert main(["grade", str(tmp_path), "--workers", "3", "--regrade"]) == 0
    assert (calls[0]["workers"], calls[0]["scheduler"], calls[0]["regrade"]) == (3, None, True)
    assert main(["grade", str(tmp_path), "--scheduler", "tcp://10.0.0.1:8786"]) == 0
    assert (calls[1]["workers"], calls[1]["scheduler"], calls[1]["regrade"]) == (
        None,
        "tcp://10.0.0.1:8786",
        False,
    )


CHECK_ONLY = """\
import sys
from cnncourse import cli
try:
    code = cli.main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = sorted(name for name in ("tensorflow", "keras", "nbgrader", "nbclient")
               if name in sys.modules)
print("heavy:", ",".join(heavy) or "none", file=sys.stderr)
sys.exit(code)
"""


def run_cli(*argv):
    return subprocess.run([sys.executable, "-c", CHECK_ONLY, *argv], capture_output=True, text=True)


def test_a_missing_notebook_is_reported_before_any_heavy_import(tmp_path):
    result = run_cli("validate", "/no/such.ipynb")
    assert result.returncode == 2
    assert "cnncourse validate: /no/such.ipynb does not exist" in result.stderr
    assert "heavy: none" in result.stderr
    result = run_cli("validate", str(tmp_path))
    assert (result.returncode, "heavy: none" in result.stderr) == (2, True)
    assert "is a folder, not a notebook" in result.stderr


def test_a_missing_submissions_folder_is_reported_before_any_heavy_import(tmp_path):
    result = run_cli("grade", str(tmp_path / "nothing"))
    assert result.returncode == 2 and "heavy: none" in result.stderr
    assert f"cnncourse grade: {tmp_path / 'nothing'} does not exist" in result.stderr


def test_an_unknown_command_is_named_with_the_choices():
    result = subprocess.run(
        [sys.executable, "-m", "cnncourse", "nonsense"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "invalid choice: 'nonsense'" in result.stderr and "validate" in result.stderr
    assert "heavy: none" in run_cli("nonsense").stderr
