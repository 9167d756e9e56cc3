"""CONTRIBUTING.md says which test file covers each module, and the files it names exist."""

import re

from tests.conftest import REPO

TABLE_ROW = re.compile(r"^\| `(cnncourse/[^`]+\.py)` \| (.+) \|$")


def _table() -> dict[str, list[str]]:
    text = (REPO / "CONTRIBUTING.md").read_text()
    section = text.split("## Tests per module", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rows[match.group(1)] = re.findall(r"`([^`]+)`", match.group(2))
    return rows


def _mirror(module) -> str:
    relative = module.relative_to(REPO / "cnncourse")
    name = "test_init.py" if relative.name == "__init__.py" else f"test_{relative.name}"
    return (REPO / "tests" / relative.parent / name).relative_to(REPO).as_posix()


def test_every_module_has_a_mirror_test_file_or_a_row():
    table = _table()
    assert table, "CONTRIBUTING.md has no 'Tests per module' table"
    missing = []
    for module in sorted((REPO / "cnncourse").rglob("*.py")):
        name = module.relative_to(REPO).as_posix()
        if module.name == "__main__.py" or (REPO / _mirror(module)).is_file():
            continue
        if name not in table:
            missing.append(f"{name}: no {_mirror(module)} and no row in CONTRIBUTING.md")
    assert not missing, "\n".join(missing)


def test_the_table_names_real_modules_and_test_files():
    problems = []
    for module, tests in _table().items():
        if not (REPO / module).is_file():
            problems.append(f"{module}: no such module")
        if (REPO / _mirror(REPO / module)).is_file():
            problems.append(f"{module}: has its mirror test file, drop the row")
        for test in tests:
            if not (REPO / test).is_file():
                problems.append(f"{module}: {test} does not exist")
    assert not problems, "\n".join(problems)
