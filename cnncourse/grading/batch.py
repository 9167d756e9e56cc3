"""Run a batch on a pool: phase 1 per submission, phase 2 per chunk, each recorded when done.

The grader keeps as many phase-1 tasks in flight as the pool has room for; as submissions of
an assignment come back, their values are checked in chunks (one checker start serves
several submissions) and each submission is recorded, with its progress line, as soon as
its checks are in. Each task gets the cores shared among the tasks that run when it is
sent, so the last ones of a batch, alone, get the cores the others freed. Every submission
ends with exactly one journal entry (graded, failed, invalid, missing, timeout, stopped or
tampered, with the reason); one whose grading breaks, on any worker, is recorded as failed
and the batch goes on. Only this process writes the gradebook and the journal.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections import deque
from dataclasses import replace

from cnncourse.grading.compose import compose
from cnncourse.grading.execute import kernel_environment
from cnncourse.grading.jobs import Phase1, digest
from cnncourse.grading.progress import Progress
from cnncourse.grading.record import Outcome, record_grades, remove_grades, write_journal
from cnncourse.grading.tasks import (
    CheckTask,
    GradeTask,
    code_digest,
    make_task,
    read_files,
    run_check_task,
    run_grade_task,
    write_files,
)

#: The most submissions one checker start checks (its start, a few seconds, is shared; the
#: submissions of a chunk are recorded, with their progress lines, when it is done).
CHUNK = 4


def tests_digest(course, assignment: str) -> str:
    """A hash of the instructor's assignment folder: the tests a grade was computed with."""
    return digest(course.source / assignment)


def _max_score(course, assignment: str) -> float:
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(course.db_url) as gradebook:
            return float(gradebook.find_assignment(assignment).max_score)
    except MissingEntry:
        return 0.0


def _failed(course, student, assignment, reason: str) -> Outcome:
    outcome = Outcome(
        student,
        assignment,
        0.0,
        0.0,
        "failed",
        reason,
        digest=digest(course.submissions / student / assignment),
        tests_digest=tests_digest(course, assignment),
    )
    write_journal(course.root, outcome, {})
    return outcome


def _why(error: BaseException) -> str:
    if type(error).__name__ == "KilledWorker":
        return "every worker that ran it died (Dask's KilledWorker); see the workers' logs"
    return f"{type(error).__name__}: {error}"


def record(course, task: GradeTask, phase1: Phase1, checked: dict, timing: dict) -> Outcome:
    """Write one submission's gradebook rows, autograded notebook and journal entry."""
    student, assignment = task.student, task.assignment
    begin = time.monotonic()
    status, reason, notebooks = compose(course, student, assignment, phase1, checked)
    if phase1.notebooks:
        with kernel_environment(None):  # nbgrader's own SQLAlchemy warnings, silenced
            score, max_score, pending = record_grades(
                course.db_url,
                assignment,
                student,
                {
                    name: {"scores": found["scores"], "unanswered": found["unanswered"]}
                    for name, found in notebooks.items()
                },
            )
    else:
        remove_grades(course.db_url, assignment, student)
        score, max_score, pending = 0.0, _max_score(course, assignment), 0
    first = sum(found["seconds"] for found in phase1.notebooks.values())
    second = sum(result.get("seconds", 0) for result in checked.values())
    # The checker's whole run (its start and the instructor's setup cells too) is the checks'
    # time, shared by the submissions of its chunk: the grader's own overhead is the rest.
    checker = max(timing["checks"], second)
    total = timing["phase1"] + timing["checks"] + time.monotonic() - begin
    outcome = Outcome(
        student,
        assignment,
        score,
        max_score,
        status,
        reason,
        seconds=round(total, 1),
        digest=phase1.digest,
        pending_manual=pending,
        phase1_seconds=round(first, 1),
        phase2_seconds=round(second, 1),
        tests_digest=tests_digest(course, assignment),
        worker=timing["worker"],
        checker_seconds=round(checker, 1),
        overhead_seconds=round(max(0.0, total - first - checker), 1),
    )
    write_journal(
        course.root, outcome, {name: found["messages"] for name, found in notebooks.items()}
    )
    return outcome


class _Batch:
    """The state of one batch: what waits, what runs, what waits for its checks."""

    def __init__(
        self, course, pool, tasks: list[GradeTask], progress: Progress, sandboxed: bool
    ) -> None:
        self.course, self.pool, self.progress, self.sandboxed = course, pool, progress, sandboxed
        self.waiting = deque(tasks)
        self.tasks = {task.key: task for task in tasks}
        self.running = 0
        self.left: dict[str, int] = {}  # assignment -> phase-1 tasks not back yet
        for task in tasks:
            self.left[task.assignment] = self.left.get(task.assignment, 0) + 1
        self.chunk = {
            assignment: max(1, min(CHUNK, math.ceil(count / pool.capacity())))
            for assignment, count in self.left.items()
        }
        self.phase1: dict[str, Phase1] = {}
        self.timing: dict[str, dict] = {}
        self.unchecked: dict[tuple[str, str], list[str]] = {}  # (assignment, notebook) -> keys
        self.pending: dict[str, set[str]] = {}  # key -> notebooks to check
        self.checked: dict[str, dict] = {}

    def run(self) -> None:
        self._fill()
        while self.running:
            task, result = self.pool.next_done()
            self.running -= 1
            # The freed slot gets its next submission before this one is recorded, so no
            # worker waits for the grader's own writing.
            self._fill()
            if isinstance(task, GradeTask):
                self._phase1_done(task, result)
            else:
                self._checks_done(task, result)

    def _threads(self, task, sending: int):
        """``task`` with its share of the cores among what will run once ``sending`` tasks,
        this one included, are sent: the last tasks of a batch get the cores others freed."""
        busy = self.running + sending + len(self.waiting)
        threads = self.pool.threads_for(busy)
        return task if threads == task.threads else replace(task, threads=threads)

    def _fill(self) -> None:
        while self.waiting and self.running < self.pool.capacity():
            task = self.waiting.popleft()
            self.pool.submit(run_grade_task, self._threads(task, 1))
            self.running += 1

    def _finish(self, task: GradeTask, outcome_of) -> None:
        try:
            outcome = outcome_of()
        except Exception as error:  # noqa: BLE001 - recorded, the batch goes on
            outcome = _failed(
                self.course, task.student, task.assignment, f"the grader failed: {_why(error)}"
            )
        self.progress.finished(outcome)

    def _phase1_done(self, task: GradeTask, result) -> None:
        self.left[task.assignment] -= 1
        if isinstance(result, BaseException):
            self._finish(
                task,
                lambda: _failed(
                    self.course, task.student, task.assignment, f"the grader failed: {_why(result)}"
                ),
            )
        else:
            try:
                self._keep(task, result)
            except Exception as error:  # noqa: BLE001 - recorded, the batch goes on
                reason = f"the grader failed: {_why(error)}"
                self._finish(
                    task, lambda: _failed(self.course, task.student, task.assignment, reason)
                )
        self._send_checks(task.assignment)

    def _keep(self, task: GradeTask, result: dict) -> None:
        folder = self.course.root / "phase1" / task.key
        shutil.rmtree(folder, ignore_errors=True)
        write_files(folder, result["files"])
        found = Phase1(**result["phase1"])
        self.phase1[task.key] = found
        self.timing[task.key] = {
            "phase1": result["seconds"],
            "checks": 0.0,
            "worker": result["worker"],
        }
        self.checked[task.key] = {}
        self.pending[task.key] = set(found.notebooks)
        if not found.notebooks:
            self._record(task.key)
        for name in found.notebooks:
            self.unchecked.setdefault((task.assignment, name), []).append(task.key)

    def _send_checks(self, assignment: str) -> None:
        size = self.chunk[assignment]
        chunks = []
        for (owner, name), keys in self.unchecked.items():
            if owner != assignment:
                continue
            while keys and (len(keys) >= size or not self.left[assignment]):
                chunk, keys[:] = keys[:size], keys[size:]
                chunks.append((name, chunk))
        for number, (name, chunk) in enumerate(chunks):
            source = self.course.source / assignment / f"{name}.ipynb"
            values = {
                key: read_files(self.course.root / "phase1" / key / name / "values", limit=2**40)
                for key in chunk
            }
            task = CheckTask(
                assignment=assignment,
                notebook=name,
                source=source.read_text(encoding="utf-8"),
                values=values,
                profile=self.course.profile,
                sandboxed=self.sandboxed,
                threads=self.pool.threads,
                code=code_digest(),
            )
            self.pool.submit(run_check_task, self._threads(task, len(chunks) - number), priority=1)
            self.running += 1

    def _checks_done(self, task: CheckTask, result) -> None:
        if isinstance(result, BaseException):
            results = {
                key: {"scores": [], "error": f"the checker failed: {_why(result)}"}
                for key in task.values
            }
            seconds = 0.0
        else:
            results, seconds = result["results"], result["seconds"]
        for key in task.values:
            self.checked[key][task.notebook] = results.get(
                key, {"scores": [], "error": "not checked"}
            )
            self.timing[key]["checks"] += seconds / len(task.values)
            self.pending[key].discard(task.notebook)
            if not self.pending[key]:
                self._record(key)

    def _record(self, key: str) -> None:
        task = self.tasks[key]
        self._finish(
            task,
            lambda: record(
                self.course, task, self.phase1[key], self.checked[key], self.timing[key]
            ),
        )
        (self.course.root / "phase1" / key / "timing.json").write_text(json.dumps(self.timing[key]))


def grade_jobs(
    course,
    jobs,
    known: set[str],
    failures: dict[str, str],
    *,
    sandboxed: bool,
    limits: dict,
    pool,
    echo=print,
) -> list[Outcome]:
    """Grade ``jobs`` ((student, assignment) pairs) on ``pool``; the outcomes as recorded."""
    progress = Progress(len(jobs), echo)
    tasks = []
    for student, assignment in jobs:
        if assignment not in known or assignment in failures:
            reason = failures.get(assignment) or f"no assignment {assignment!r} in {course.source}"
            progress.finished(_failed(course, student, assignment, reason))
            continue
        try:
            tasks.append(
                make_task(
                    course,
                    student,
                    assignment,
                    sandboxed=sandboxed,
                    limits=limits,
                    threads=pool.threads,
                )
            )
        except (OSError, ValueError) as error:
            progress.finished(
                _failed(course, student, assignment, f"could not read the submission: {error}")
            )
    # One assignment after another: its chunks fill, and are checked, while the next runs.
    tasks.sort(key=lambda task: (task.assignment, task.student))
    _Batch(course, pool, tasks, progress, sandboxed).run()
    if jobs:
        progress.summary()
    return progress.outcomes


__all__ = ["grade_jobs", "record", "tests_digest"]
