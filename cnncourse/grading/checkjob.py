"""Phase 2 of a chunk of submissions: the trusted checker, run in a sandbox of its own.

`run_checks` takes paths and settings and returns plain data (each submission's scores and
messages), so it runs wherever phase 1's values are: on the grading machine or on a worker.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from cnncourse.grading import sandbox
from cnncourse.grading.jobs import RETURN_BYTES, copy_out

#: Seconds phase 2 may spend on one submission's checks.
CHECK_SECONDS = 600


def run_checks(
    source: Path,
    values: dict[str, Path],
    scratch: Path,
    results: Path,
    *,
    profile: str,
    sandboxed: bool = True,
    env: dict | None = None,
    readonly: list[Path] = (),
) -> dict[str, dict]:
    """Check every submission of ``values`` (key -> its values folder) against ``source``.

    The checker never ran student code; it still runs in a sandbox of its own (the
    instructor's notebook and the collected values read-only, no network, no gradebook),
    since it opens files that student code wrote. A checker stopped at its time limit loses
    only the submission it was on, which is recorded as not checked; the rest are checked
    again by a new checker.
    """
    shutil.rmtree(results, ignore_errors=True)
    results.mkdir(parents=True)
    remaining = list(values)
    while remaining:
        job = scratch / f"checker--{source.parent.name}--{source.stem}"
        if job.exists():
            sandbox.release_folder(job, True)
        limits = sandbox.Limits(notebook_seconds=CHECK_SECONDS * len(remaining))
        mounted = sandbox.prepare(job, limits)
        inside = "/job" if sandboxed else str(job)
        request = {
            "source": str(source),
            "workdir": f"{inside}/work",
            "results": f"{inside}/out",
            "submissions": [{"key": key, "values": str(values[key])} for key in remaining],
        }
        (job / "request.json").write_text(json.dumps(request))
        if os.geteuid() == 0:
            os.lchown(job / "request.json", sandbox.SANDBOX_UID, sandbox.SANDBOX_UID)
        environment = {"CNNCOURSE_PROFILE": profile, **(env or {})}
        folders = sorted({Path(folder).parent for folder in values.values()})
        merged = None
        cache = environment.get("CNNCOURSE_CACHE")
        if sandboxed and cache:
            merged = sandbox.overlay(job, Path(cache))
        try:
            sandbox.run(
                job,
                ["-m", "cnncourse.grading.checker", f"{inside}/request.json"],
                limits,
                readonly=[source.parent, *folders, *readonly],
                env=environment,
                sandboxed=sandboxed,
                writable={merged: Path(cache)} if merged else None,
            )
            copy_out(job / "out", results, [RETURN_BYTES])
        finally:
            sandbox.release_folder(job, mounted)
        done = [key for key in remaining if (results / f"{key}.json").is_file()]
        if len(done) < len(remaining):
            stuck = next(key for key in remaining if key not in done)
            (results / f"{stuck}.json").write_text(
                json.dumps(
                    {
                        "scores": [],
                        "seconds": 0,
                        "error": "the checks did not finish (stopped after their time limit)",
                    }
                )
            )
        remaining = [key for key in remaining if not (results / f"{key}.json").is_file()]
    return {key: json.loads((results / f"{key}.json").read_text()) for key in values}
