"""A solution notebook's committed outputs: kept in the cells nbval checks, cleared elsewhere.

The solutions are committed executed in the tiny profile for nbval (``--nbval-lax``), which
compares only the cells marked ``# NBVAL_CHECK_OUTPUT``. Every other cell's output (training
logs, curves, timings) would only make each release rewrite the notebook, so
`checked_outputs_only` clears it, and `problems` lists what a committed notebook gets wrong:
a checked cell without output, an unchecked cell with one, a checked output that cannot be
the same on every run.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

#: The comment line that makes nbval compare a cell's output (its tag form: the same in
#: lower case with dashes). The course puts it on the cell's first line.
CHECK_MARKER = "NBVAL_CHECK_OUTPUT"
#: Markers that win over a check marker: nbval neither compares nor (skip) runs the cell.
NOT_CHECKED = ("NBVAL_IGNORE_OUTPUT", "PYTEST_VALIDATE_IGNORE_OUTPUT", "NBVAL_SKIP")

#: Text that differs from run to run, by what it is. The first two are the nbval sanitizer's
#: patterns (tests/solutions/nbval_sanitize.cfg; a test keeps them the same).
VOLATILE = {
    "a memory address": r"0x[0-9a-fA-F]+",
    "a time": r"\d+(\.\d+)?\s?(s|ms|sec|seconds)\b",
    "a temporary path": r"(/tmp/|/var/folders/|\\AppData\\Local\\Temp\\)\S*|\btmp[a-z0-9_]{8}\b",
}

NO_OUTPUT = "checked cell without output"
UNCHECKED_OUTPUT = "unchecked cell with output"
NOT_DETERMINISTIC = "checked output that changes from run to run"


@dataclass(frozen=True)
class Problem:
    """One cell whose committed output is wrong: where it is, what is wrong, and in words."""

    index: int  # position among the notebook's cells, from 1
    cell_id: str | None  # the nbgrader grade_id, else the cell id
    kind: str  # NO_OUTPUT, UNCHECKED_OUTPUT or NOT_DETERMINISTIC
    detail: str

    def __str__(self) -> str:
        where = f"cell {self.index}" + (f" ({self.cell_id})" if self.cell_id else "")
        return f"{where}: {self.kind}: {self.detail}"


def _markers(cell) -> set[str]:
    comments = {
        line.strip().lstrip("#").strip()
        for line in cell.get("source", "").splitlines()
        if line.strip().startswith("#")
    }
    tags = cell.get("metadata", {}).get("tags") or []
    return comments | {str(tag).upper().replace("-", "_") for tag in tags}


def is_checked(cell) -> bool:
    """Whether nbval (``--nbval-lax``) compares this cell's output with its committed one."""
    if cell.get("cell_type") != "code":
        return False
    markers = _markers(cell)
    return CHECK_MARKER in markers and not markers & set(NOT_CHECKED)


def checked_outputs_only(notebook):
    """A copy of ``notebook`` with outputs only in the checked cells.

    Execution counts stay in every cell: run top to bottom in a fresh kernel, they are the
    same on every run, and they show the notebook was executed. In a checked cell,
    consecutive pieces of the same stream are joined into one (where the kernel cut its
    output depends on timing; nbval joins them too). Every cell also loses its execution
    timings (``metadata.execution``).
    """
    committed = copy.deepcopy(notebook)
    for cell in committed["cells"]:
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("cell_type") != "code":
            continue
        if is_checked(cell):
            cell["outputs"] = _joined_streams(cell.get("outputs", []))
        else:
            cell["outputs"] = []
    return committed


def _joined_streams(outputs) -> list:
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and output.get("output_type") == previous.get("output_type") == "stream"
            and output.get("name") == previous.get("name")
        ):
            previous["text"] = _joined(previous.get("text", "")) + _joined(output.get("text", ""))
        else:
            joined.append(output)
    return joined


def _texts(outputs) -> list[str]:
    """The text nbval compares in ``outputs``: streams, text data, error values."""
    texts = []
    for output in outputs:
        if output.get("output_type") == "stream":
            texts.append(_joined(output.get("text", "")))
        elif output.get("output_type") == "error":
            texts.append(_joined(output.get("evalue", "")))
        for mime, value in output.get("data", {}).items():
            if mime.startswith("text/"):
                texts.append(_joined(value))
    return texts


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def volatile_parts(text: str) -> list[str]:
    """What in ``text`` changes from run to run: 'a time: 12 ms', ... (empty: nothing)."""
    found = []
    for what, pattern in VOLATILE.items():
        found += [f"{what}: {match.group(0)}" for match in re.finditer(pattern, text)]
    return found


def problems(notebook) -> list[Problem]:
    """The cells of a committed solution notebook whose outputs are wrong, in order."""
    found = []
    for index, cell in enumerate(notebook["cells"], start=1):
        if cell.get("cell_type") != "code":
            continue
        cell_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or cell.get("id")
        outputs = cell.get("outputs") or []
        if is_checked(cell):
            if not outputs:
                found.append(
                    Problem(index, cell_id, NO_OUTPUT, "nbval has nothing to compare: execute it")
                )
            parts = [part for text in _texts(outputs) for part in volatile_parts(text)]
            if parts:
                found.append(Problem(index, cell_id, NOT_DETERMINISTIC, "; ".join(parts)))
        elif outputs:
            detail = f"{len(outputs)} output(s) that nbval never compares: clear them"
            found.append(Problem(index, cell_id, UNCHECKED_OUTPUT, detail))
    return found
