"""The README: a Quick start of two commands (CI runs the second), a table of the CLI's commands."""

import re
import subprocess

import pytest

from cnncourse.cli import main
from tests.conftest import REPO


def bash_blocks(text: str) -> list[str]:
    """The contents of the ```bash blocks of a Markdown text, in order."""
    return re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M)


def quick_start_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    heading = re.search(r"^#+ *Quick start", text, re.M)
    blocks = bash_blocks(text[heading.end() :]) if heading else []
    assert blocks, "README has no Quick start bash block"
    return [
        line
        for line in blocks[0].splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_quick_start_has_exactly_two_commands():
    first, second = quick_start_commands()
    assert "pip install" in first and "cnncourse book" in first
    assert "pip install" in second and "pytest" in second
    assert "constraints.txt" in first and "constraints.txt" in second


def test_install_commands_compile_bytecode():
    """Without bytecode (and PYTHONDONTWRITEBYTECODE set) every process recompiles TensorFlow."""
    for page in ("README.md", "book/intro.md", "book/run_it_yourself.md"):
        blocks = bash_blocks((REPO / page).read_text())
        assert any("pip install" in block for block in blocks), page
        assert not any("--no-compile" in block for block in blocks), page


def test_ci_runs_the_readme_test_command():
    printed = subprocess.run(
        [str(REPO / ".ci" / "run"), "--print"], capture_output=True, text=True, check=True
    )
    assert printed.stdout.strip() == quick_start_commands()[1]


def test_constraints_pin_every_direct_dependency():
    pins = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (REPO / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    for name in (
        "tensorflow",
        "keras",
        "keras-tuner",
        "nbgrader",
        "nbval",
        "jupyter-book",
        "jupytext",
        "myst-nb",
        "pytest",
        "selenium",
        "django-static-mathjax",
    ):
        assert name in pins, f"{name} is not pinned in constraints.txt"


def command_table() -> dict[str, str]:
    """The README's table of commands: the command's name -> its whole row."""
    text = (REPO / "README.md").read_text()
    table = re.search(
        r"^\| command \| what it does \|\n\| --- \| --- \|\n((?:\|.*\n)+)", text, re.M
    )
    assert table, "README has no | command | what it does | table"
    rows = {}
    for row in table.group(1).splitlines():
        found = re.match(r"\| `cnncourse ([a-z]+)[^`]*` \|", row)
        assert found, f"a row of the README's command table names no command: {row[:80]}"
        rows[found.group(1)] = row
    return rows


def help_text(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as exit:
        main([*argv, "--help"])
    assert exit.value.code == 0
    return capsys.readouterr().out


def cli_commands(capsys) -> list[str]:
    """The commands `cnncourse --help` lists (under COMMAND, one per line with its help)."""
    listed = help_text(capsys).split("COMMAND\n", 1)[1]
    return re.findall(r"^    ([a-z]+)\b", listed, re.M)


def test_the_command_table_lists_exactly_the_cli_commands(capsys):
    commands = cli_commands(capsys)
    assert {"profile", "release", "grade", "validate"} <= set(commands)
    assert list(command_table()) == commands  # every command, in the order of --help


def test_every_option_in_the_command_table_exists(capsys):
    for command, row in command_table().items():
        options = set(re.findall(r"--[a-z][a-z-]*", help_text(capsys, command)))
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", row):
            assert option in options, f"README: `cnncourse {command}` has no option {option}"
