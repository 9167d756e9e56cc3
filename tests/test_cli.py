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


def test_a_missing_export_or_roster_is_reported_before_any_heavy_import(tmp_path):
    result = run_cli("collect", str(tmp_path / "export.zip"), "--to", str(tmp_path / "to"))
    assert result.returncode == 2 and "heavy: none" in result.stderr
    assert "is neither a folder nor a .zip file" in result.stderr
    (tmp_path / "notes.txt").write_text("not an export")
    result = run_cli("collect", str(tmp_path / "notes.txt"), "--to", str(tmp_path / "to"))
    assert (result.returncode, "heavy: none" in result.stderr) == (2, True)
    assert f"cnncourse collect: export {tmp_path / 'notes.txt'} is neither" in result.stderr
    export = tmp_path / "export"
    export.mkdir()
    roster = ["--roster", str(tmp_path / "roster.csv")]
    result = run_cli("collect", str(export), "--to", str(tmp_path / "to"), *roster)
    assert result.returncode == 2 and "heavy: none" in result.stderr
    assert f"cnncourse collect: {tmp_path / 'roster.csv'} does not exist" in result.stderr
    result = run_cli("collect", str(export), "--to", str(tmp_path / "to"), "--roster", str(export))
    assert result.returncode == 2 and "is a folder, not a file" in result.stderr
    assert not (tmp_path / "to").exists()
