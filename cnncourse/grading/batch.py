"""Run a batch's jobs: phase 1 per submission, phase 2 per assignment, then record each one.

Every submission ends with exactly one journal entry (graded, failed, invalid, missing,
timeout or tampered, with the reason); a submission whose grading breaks is recorded as
failed and the batch goes on.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import nbformat

from cnncourse.grading import sandbox
from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.jobs import RETURN_BYTES, JobSpec, Phase1, copy_out, digest, run_phase1
from cnncourse.grading.record import (
    Outcome,
    autograded_notebook,
    record_grades,
    remove_grades,
    write_journal,
)
from cnncourse.grading.results import TIMEOUT_ERROR, cell_outcomes
from cnncourse.paths import cache_dir, data_dir

#: Seconds phase 2 may spend on one submission's checks.
CHECK_SECONDS = 600
_SHOWN_ERRORS = 3


def _spec(course, student: str, assignment: str, sandboxed: bool, limits: dict) -> JobSpec:
    output = course.root / "phase1" / f"{student}--{assignment}"
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    readonly = [str(cache_dir())] + ([str(data_dir())] if data_dir() else [])
    env = {key: os.environ[key] for key in ("CNNCOURSE_DATA", "CNNCOURSE_CACHE",
                                             "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
           if key in os.environ}
    env.setdefault("CNNCOURSE_CACHE", str(cache_dir()))
    return JobSpec(student=student, assignment=assignment,
                   submission=str(course.submissions / student / assignment),
                   release=str(course.released / assignment),
                   source=str(course.source / assignment), output=str(output),
                   scratch=str(course.root / "sandboxes"), profile=course.profile,
                   cell_seconds=course.timeout,
                   limits={"notebook_seconds": max(600, course.timeout * 20), **limits},
                   sandboxed=sandboxed, readonly=tuple(readonly), env=env)


def run_checker(course, assignment: str, name: str, keys: list[str], *,
                sandboxed: bool = True) -> dict[str, dict]:
    """Phase 2 for one notebook of ``keys`` (student--assignment), in a fresh process.

    The checker never ran student code; it still runs in a sandbox of its own (the
    instructor's notebook and the collected values read-only, no network, no gradebook),
    since it opens files that student code wrote. A checker stopped at its time limit
    loses only the submission it was on, which is recorded as not checked.
    """
    results = course.root / "phase2" / assignment / name
    shutil.rmtree(results, ignore_errors=True)
    results.mkdir(parents=True)
    source = course.source / assignment / f"{name}.ipynb"
    values = course.root / "phase1"
    remaining = list(keys)
    while remaining:
        job = course.root / "sandboxes" / f"checker--{assignment}--{name}"
        if job.exists():
            sandbox.release_folder(job, True)
        limits = sandbox.Limits(notebook_seconds=CHECK_SECONDS * len(remaining))
        mounted = sandbox.prepare(job, limits)
        inside = "/job" if sandboxed else str(job)
        request = {"source": str(source), "workdir": f"{inside}/work", "results": f"{inside}/out",
                   "submissions": [{"key": key, "values": str(values / key / name / "values")}
                                   for key in remaining]}
        (job / "request.json").write_text(json.dumps(request))
        if os.geteuid() == 0:
            os.lchown(job / "request.json", sandbox.SANDBOX_UID, sandbox.SANDBOX_UID)
        env = {"CNNCOURSE_PROFILE": course.profile, "CNNCOURSE_CACHE": str(cache_dir())}
        env.update({key: os.environ[key] for key in ("CNNCOURSE_DATA", "TF_NUM_INTRAOP_THREADS",
                                                      "TF_NUM_INTEROP_THREADS")
                    if key in os.environ})
        readonly = [source.parent, values, cache_dir()] + ([data_dir()] if data_dir() else [])
        merged = sandbox.overlay(job, cache_dir()) if sandboxed else None
        try:
            sandbox.run(job, ["-m", "cnncourse.grading.checker", f"{inside}/request.json"],
                        limits, readonly=readonly, env=env, sandboxed=sandboxed,
                        writable={merged: cache_dir()} if merged else None)
            copy_out(job / "out", results, [RETURN_BYTES])
        finally:
            sandbox.release_folder(job, mounted)
        done = [key for key in remaining if (results / f"{key}.json").is_file()]
        if len(done) < len(remaining):
            stuck = next(key for key in remaining if key not in done)
            (results / f"{stuck}.json").write_text(json.dumps({
                "scores": [], "seconds": 0,
                "error": "the checks did not finish (stopped after their time limit)"}))
        remaining = [key for key in remaining if not (results / f"{key}.json").is_file()]
    return {key: json.loads((results / f"{key}.json").read_text()) for key in keys}


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
        return [f"{prefix}the sandbox ended before the notebook finished (exit code "
                f"{found['exit_code']})"]
    return [f"{prefix}the notebook stopped early: {str(said)[:200]}"] if said else []


def _compose(course, student, assignment, phase1: Phase1, checked: dict):
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
                f"{prefix}the notebook {found['stopped']}")
        else:
            notes += _early_end(folder, found, prefix)
        executed = None
        if (folder / "executed.ipynb").is_file():
            try:
                executed = nbformat.read(str(folder / "executed.ipynb"), as_version=4)
                more_errors, more_timeouts = _cell_problems(executed, prefix, course.timeout,
                                                            set(found["unanswered"]))
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
        notebooks[name] = {"scores": {g: s["points"] for g, s in scores.items()},
                           "unanswered": local, "messages": {
                               g: [c["message"] for c in s["checks"] if not c["passed"]]
                               + ([s["error"]] if s.get("error") else [])
                               for g, s in scores.items()}}
    failed_checks = any(line for line in stopped if "checks failed" in line)
    status = ("failed" if failed_checks else "invalid" if phase1.invalid else
              "missing" if phase1.missing else "timeout" if stopped or timeouts else
              "stopped" if limited else "tampered" if tampered else "graded")
    reason = phase1.invalid + phase1.missing + stopped + limited + timeouts + tampered + \
        notes + phase1.ignored
    if unanswered:
        reason.append("unanswered: " + ", ".join(unanswered))
    if partial:
        reason.append("partial credit: " + ", ".join(partial))
    if errors:
        more = f" and {len(errors) - _SHOWN_ERRORS} more" if len(errors) > _SHOWN_ERRORS else ""
        reason.append("errors: " + "; ".join(errors[:_SHOWN_ERRORS]) + more)
    return status, "; ".join(reason), notebooks


def _record(course, student, assignment, phase1, checked) -> Outcome:
    status, reason, notebooks = _compose(course, student, assignment, phase1, checked)
    if phase1.notebooks:
        with kernel_environment(None):  # nbgrader's own SQLAlchemy warnings, silenced
            score, max_score, pending = record_grades(
                course.db_url, assignment, student,
                {name: {"scores": found["scores"], "unanswered": found["unanswered"]}
                 for name, found in notebooks.items()})
    else:
        remove_grades(course.db_url, assignment, student)
        score, max_score, pending = 0.0, _max_score(course, assignment), 0
    first = sum(found["seconds"] for found in phase1.notebooks.values())
    second = sum(result.get("seconds", 0) for result in checked.values())
    outcome = Outcome(student, assignment, score, max_score, status, reason,
                      round(first + second, 1), phase1.digest, pending, round(first, 1),
                      round(second, 1))
    write_journal(course.root, outcome, {name: found["messages"]
                                         for name, found in notebooks.items()})
    return outcome


def _max_score(course, assignment: str) -> float:
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(course.db_url) as gradebook:
            return float(gradebook.find_assignment(assignment).max_score)
    except MissingEntry:
        return 0.0


def _failed(course, student, assignment, reason: str) -> Outcome:
    outcome = Outcome(student, assignment, 0.0, 0.0, "failed", reason,
                      digest=digest(course.submissions / student / assignment))
    write_journal(course.root, outcome, {})
    return outcome


def grade_jobs(course, jobs, known: set[str], failures: dict[str, str], *, sandboxed: bool,
               limits: dict, echo=print) -> list[Outcome]:
    """Grade ``jobs`` ((student, assignment) pairs), one assignment at a time."""
    outcomes = []
    total, done, begin = len(jobs), 0, time.monotonic()
    by_assignment: dict[str, list[str]] = {}
    for student, assignment in jobs:
        by_assignment.setdefault(assignment, []).append(student)
    for assignment, students in by_assignment.items():
        if assignment not in known or assignment in failures:
            reason = failures.get(assignment) or f"no assignment {assignment!r} in {course.source}"
            for student in students:
                outcomes.append(_failed(course, student, assignment, reason))
                done += 1
                echo(f"  [{done}/{total}] {student}/{assignment}: failed: {reason}")
            continue
        phases = {}
        for student in students:
            try:
                phases[student] = run_phase1(_spec(course, student, assignment, sandboxed, limits))
            except Exception as error:  # noqa: BLE001 - recorded, the batch goes on
                phases[student] = error
        names = sorted(path.stem for path in (course.released / assignment).glob("*.ipynb"))
        checked: dict[str, dict] = {student: {} for student in students}
        for name in names:
            keys = [f"{student}--{assignment}" for student in students
                    if isinstance(phases[student], Phase1) and name in phases[student].notebooks]
            owner = {f"{student}--{assignment}": student for student in students}
            if keys:
                for key, result in run_checker(course, assignment, name, keys,
                                               sandboxed=sandboxed).items():
                    checked[owner[key]][name] = result
        for student in students:
            phase1 = phases[student]
            try:
                if isinstance(phase1, Exception):
                    raise phase1
                outcome = _record(course, student, assignment, phase1, checked[student])
            except Exception as error:  # noqa: BLE001 - recorded, the batch goes on
                outcome = _failed(course, student, assignment,
                                  f"the grader failed: {type(error).__name__}: {error}")
            outcomes.append(outcome)
            done += 1
            why = f": {outcome.reason}" if outcome.reason else ""
            echo(f"  [{done}/{total}] {student}/{assignment}: {outcome.score:g}/"
                 f"{outcome.max_score:g} {outcome.status} ({time.monotonic() - begin:.0f} s "
                 f"elapsed){why}")
    return outcomes


__all__ = ["grade_jobs", "run_checker"]
