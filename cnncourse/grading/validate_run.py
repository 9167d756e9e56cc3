"""`cnncourse validate`'s run: the time estimate, and the notebook run with a line per cell."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

#: Seconds `cnncourse validate` took on each finished assignment (the solution's answers typed
#: into the exercise) in the tiny profile, on an idle 2-core CPU (624 img/s on the course's
#: calibration script). An untouched a1 took 19 s.
TINY_SECONDS = {"a1": 41, "a2": 39, "a3": 37, "a4": 54, "a5": 45}
#: Without a measured figure: a kernel with TensorFlow, then this much per code cell (tiny).
START_SECONDS, SECONDS_PER_CODE_CELL = 20, 3
#: How much longer the other profiles run than tiny: small measured on a finished a1 (119 s
#: against 41 s on the same CPU), full a rough factor (the real datasets, the full epochs).
PROFILE_FACTOR = {"tiny": 1, "small": 3, "full": 100}


def code_cells(notebook) -> list[int]:
    """Indices (from 0) of the cells the kernel runs: code cells with some source."""
    return [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.source.strip()
    ]


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(5, round(seconds / 5) * 5):.0f} s"
    if seconds < 5400:
        return f"{round(seconds / 60):.0f} min"
    return f"{seconds / 3600:.1f} h"


def estimate(assignment: str | None, notebook, profile: str) -> str:
    """The expected run time in words, saying what the estimate rests on."""
    cells = len(code_cells(notebook))
    if assignment in TINY_SECONDS:
        tiny, basis = (
            TINY_SECONDS[assignment],
            (f"{assignment} took {TINY_SECONDS[assignment]} s in the tiny profile on a 2-core CPU"),
        )
    else:
        tiny = START_SECONDS + SECONDS_PER_CODE_CELL * cells
        basis = f"from its {cells} code cells"
    factor = PROFILE_FACTOR.get(profile, 1)
    rough = "an" if factor == 1 and assignment in TINY_SECONDS else "a rough"
    if factor != 1:
        basis += f", times about {factor} for the {profile} profile"
    return f"about {_duration(tiny * factor)} ({rough} estimate: {basis})"


class Progress:
    """One line per cell as it starts: rewritten in place on a terminal, plain lines otherwise."""

    def __init__(self, total: int, describe: Callable[[int], str], out=None) -> None:
        self.out = out or sys.stdout
        self.total, self.describe = total, describe
        self.done_cells = 0
        self.start = time.monotonic()
        self.width = 0
        isatty = getattr(self.out, "isatty", None)
        self.live = bool(isatty and isatty())

    def cell(self, index: int) -> None:
        self.done_cells += 1
        elapsed = time.monotonic() - self.start
        line = f"  [{self.done_cells}/{self.total}] {elapsed:4.0f} s  {self.describe(index)}"
        if self.live:
            line = line[:119]
            self.out.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.out.write(line + "\n")
        self.out.flush()

    def finish(self) -> float:
        """Clear the live line; the seconds the run took."""
        if self.live and self.width:
            self.out.write("\r" + " " * self.width + "\r")
            self.out.flush()
            self.width = 0
        return time.monotonic() - self.start


def run_with_progress(
    notebook,
    *,
    cwd: Path,
    progress: Progress,
    profile: str | None = None,
    timeout: int | None = None,
):
    """Execute ``notebook`` in place with `execute.run_notebook`, calling ``progress.cell``
    as each code cell starts (a cell past ``timeout`` gets a CellTimeoutError output)."""
    from cnncourse.grading.execute import run_notebook

    def started(cell, cell_index):
        if cell.cell_type == "code" and cell.source.strip():
            progress.cell(cell_index)

    try:
        return run_notebook(
            notebook, cwd=cwd, profile=profile, timeout=timeout, on_cell_start=started
        )
    finally:
        progress.finish()
