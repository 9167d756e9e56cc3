"""Execute a notebook in a fresh kernel under a size profile, with a per-cell time limit."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path

from cnncourse.profile import current_profile, use_profile

#: The error name a cell that ran past its time limit gets in its outputs.
TIMEOUT_ERROR = "CellTimeoutError"

#: Arguments of every kernel the course starts: no kernel log lines on the grader's stderr.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


@contextlib.contextmanager
def kernel_environment(profile: str | None) -> Iterator[None]:
    """Run a block with CNNCOURSE_PROFILE set for the kernels it starts (None: unchanged)."""
    with warnings.catch_warnings():
        # nbgrader's database layer warns on its own use of SQLAlchemy sessions.
        warnings.filterwarnings("ignore", module=r"nbgrader(\..*)?")
        warnings.filterwarnings("ignore", message=r".*not in session.*")
        # nbgrader puts a deleted test cell back without a cell id.
        warnings.filterwarnings("ignore", module=r"nbformat(\..*)?")
        if profile is None:
            yield
        else:
            with use_profile(profile):
                yield


def run_notebook(
    notebook,
    *,
    cwd: Path,
    profile: str | None = None,
    timeout: int | None = None,
    allow_errors: bool = True,
    on_cell_start=None,
):
    """Execute ``notebook`` (a NotebookNode, changed in place and returned) in ``cwd``.

    The kernel runs under ``profile`` (None: the caller's); each cell may run ``timeout``
    seconds (None: the profile's ``cell_timeout``). A cell past its time gets a
    ``CellTimeoutError`` error output and the kernel is interrupted. ``on_cell_start(cell,
    cell_index)``, when given, is called as each cell starts (nbclient's hook).
    """
    import nbformat
    from nbclient import NotebookClient

    with kernel_environment(profile):
        limit = int(timeout or current_profile().cell_timeout)
        message = f"the cell ran past the {limit} s limit"

        def mark_timeout(cell, cell_index, execute_reply):
            """nbclient answers a timed-out cell with this reply: record it in the cell too
            (its outputs only hold the KeyboardInterrupt of the interrupted kernel)."""
            if (execute_reply or {}).get("content", {}).get("ename") == TIMEOUT_ERROR:
                cell.outputs.append(
                    nbformat.v4.new_output(
                        "error",
                        ename=TIMEOUT_ERROR,
                        evalue=message,
                        traceback=[f"{TIMEOUT_ERROR}: {message}"],
                    )
                )

        client = NotebookClient(
            notebook,
            timeout=limit,
            allow_errors=allow_errors,
            interrupt_on_timeout=True,
            error_on_timeout={
                "ename": TIMEOUT_ERROR,
                "evalue": message,
                "traceback": [f"{TIMEOUT_ERROR}: {message}"],
            },
            on_cell_executed=mark_timeout,
            on_cell_start=on_cell_start,
            record_timing=False,
            # Once the last cell has answered, the kernel has nothing left to give: killing
            # it spares the 2-3 s TensorFlow's threads take to wind down at a clean exit.
            shutdown_kernel="immediate",
            extra_arguments=list(KERNEL_ARGUMENTS),
            resources={"metadata": {"path": str(cwd)}},
        )
        client.execute()
    return notebook
