"""A submission's outcome from trusted facts: its status, the reason, and what to record.

`compose` reads what phase 1 found (tamper findings, how each sandbox ended, the executed
notebook's errors) and phase 2's scores, writes the autograded notebook that feedback and
formgrader show, and returns the status (the first of `settings.STATUSES` that applies),
the reason in words and the points per notebook.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from cnncourse.grading.execute import TIMEOUT_ERROR
from cnncourse.grading.jobs import Phase1
from cnncourse.grading.record import autograded_notebook
from cnncourse.grading.results import cell_outcomes

_SHOWN_ERRORS = 3


def _cell_problems(executed, prefix: str, timeout: int, unanswered: set[str]) -> tuple[list, list]:
    """Errors and time-outs of the student's cells (test cells' own errors left out)."""
    errors, timeouts = [], []
    for outcome in cell_outcomes(executed):
        if outcome.is_test or not outcome.error:
            continue
        if outcome.error.startswith(TIMEOUT_ERROR):
            timeouts.append(f"{prefix}{outcome.label} ran past the {timeout} s limit")
        elif f"{prefix}{outcome.grade_id}" not in unanswered:
            errors.append(f"{prefix}{outcome.label} {outcome.error}")
    return errors, timeouts


def _early_end(folder: Path, found: dict, prefix: str) -> list[str]:
    """Why the notebook did not run to its end (the kernel died, the runner was killed)."""
    try:
        said = json.loads((folder / "result.json").read_text()).get("error")
    except (OSError, ValueError, AttributeError):
        return [
            f"{prefix}the sandbox ended before the notebook finished (exit code "
            f"{found['exit_code']})"
        ]
    return [f"{prefix}the notebook stopped early: {str(said)[:200]}"] if said else []


def compose(course, student: str, assignment: str, phase1: Phase1, checked: dict):
    """The outcome of one submission and what to record, from trusted facts."""
    tampered, notes, timeouts, errors, unanswered, partial = [], [], [], [], [], []
    stopped, limited = [], []  # past the time limit; past the memory or process limit
    notebooks = {}
    for name, found in phase1.notebooks.items():
        prefix = f"{name}: " if len(phase1.notebooks) > 1 else ""
        tampered += found["tampered"]
        notes += found["notes"]
        unanswered += found["unanswered"]
        folder = course.root / "phase1" / f"{student}--{assignment}" / name
        if found["stopped"]:
            (stopped if found.get("limit") == "time" else limited).append(
                f"{prefix}the notebook {found['stopped']}"
            )
        else:
            notes += _early_end(folder, found, prefix)
        executed = None
        if (folder / "executed.ipynb").is_file():
            try:
                executed = nbformat.read(str(folder / "executed.ipynb"), as_version=4)
                more_errors, more_timeouts = _cell_problems(
                    executed, prefix, course.timeout, set(found["unanswered"])
                )
                errors += more_errors
                timeouts += more_timeouts
            except Exception:  # noqa: BLE001 - written by the student's side
                executed = None
        result = checked.get(name, {"scores": [], "error": "not checked"})
        if result.get("error"):
            stopped.append(f"{prefix}the checks failed: {result['error']}")
        scores = {score["grade_id"]: score for score in result["scores"]}
        for grade_id, score in scores.items():
            if 0 < score["points"] < score["max_points"]:
                partial.append(f"{prefix}{grade_id} {score['points']:g}/{score['max_points']:g}")
        source = nbformat.read(str(course.source / assignment / f"{name}.ipynb"), as_version=4)
        target = course.autograded / student / assignment
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(autograded_notebook(source, executed, scores), str(target / f"{name}.ipynb"))
        local = {grade_id.removeprefix(prefix) for grade_id in found["unanswered"]}
        notebooks[name] = {
            "scores": {g: s["points"] for g, s in scores.items()},
            "unanswered": local,
            "messages": {
                g: [c["message"] for c in s["checks"] if not c["passed"]]
                + ([s["error"]] if s.get("error") else [])
                for g, s in scores.items()
            },
        }
    failed_checks = any(line for line in stopped if "checks failed" in line)
    status = (
        "failed"
        if failed_checks
        else "invalid"
        if phase1.invalid
        else "missing"
        if phase1.missing
        else "timeout"
        if stopped or timeouts
        else "stopped"
        if limited
        else "tampered"
        if tampered
        else "graded"
    )
    reason = (
        phase1.invalid
        + phase1.missing
        + stopped
        + limited
        + timeouts
        + tampered
        + notes
        + phase1.ignored
    )
    if unanswered:
        reason.append("unanswered: " + ", ".join(unanswered))
    if partial:
        reason.append("partial credit: " + ", ".join(partial))
    if errors:
        more = f" and {len(errors) - _SHOWN_ERRORS} more" if len(errors) > _SHOWN_ERRORS else ""
        reason.append("errors: " + "; ".join(errors[:_SHOWN_ERRORS]) + more)
    return status, "; ".join(reason), notebooks
