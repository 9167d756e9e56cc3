"""Inside the sandbox (phase 1): execute the job's notebook, cut its outputs, write the result.

``python -m cnncourse.grading.sandboxed JOB`` reads ``JOB/job.json`` (the notebook, the
per-cell time limit, the output limit), executes the notebook in a fresh kernel with
nbclient, and writes ``JOB/executed.ipynb`` and ``JOB/result.json``. Everything it writes is
untrusted: the student's code runs as the same user and may change any of it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_CUT = "\n... [output cut: over the size limit]\n"


def _limit_outputs(notebook, per_output: int, total: int) -> None:
    """Cut long text outputs and drop what exceeds the whole notebook's output budget."""
    spent = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            size = len(json.dumps(output))
            if size > per_output:
                if output.get("output_type") == "stream":
                    output["text"] = str(output.get("text", ""))[:per_output] + _CUT
                elif output.get("output_type") == "error":
                    output["traceback"] = output.get("traceback", [])[-5:]
                    output["evalue"] = str(output.get("evalue", ""))[:per_output]
                else:
                    output = {"output_type": "stream", "name": "stdout", "text": _CUT}
                size = len(json.dumps(output))
            if spent + size > total:
                kept.append({"output_type": "stream", "name": "stdout", "text": _CUT})
                break
            spent += size
            kept.append(output)
        cell["outputs"] = kept


def execute(job: Path) -> dict:
    """Execute the job's notebook; the result (kernel death or other error) as data."""
    import nbformat
    from nbclient.exceptions import DeadKernelError

    from cnncourse.grading.execute import run_notebook

    settings = json.loads((job / "job.json").read_text())
    notebook = nbformat.read(str(job / settings["notebook"]), as_version=4)
    result = {"error": None}
    try:
        run_notebook(notebook, cwd=job / "work", timeout=int(settings["cell_seconds"]))
    except DeadKernelError as error:
        result["error"] = f"the kernel died ({str(error).strip()[:200] or 'it exited'})"
    except Exception as error:  # noqa: BLE001 - whatever the notebook did
        result["error"] = f"{type(error).__name__}: {str(error)[:300]}"
    _limit_outputs(notebook, int(settings["output_bytes"]) // 10, int(settings["output_bytes"]))
    nbformat.write(notebook, str(job / "executed.ipynb"))
    return result


def main(argv: list[str]) -> int:
    job = Path(argv[0])
    try:
        result = execute(job)
    except Exception as error:  # noqa: BLE001 - the notebook could not even be run
        result = {"error": f"{type(error).__name__}: {str(error)[:300]}"}
    (job / "result.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
