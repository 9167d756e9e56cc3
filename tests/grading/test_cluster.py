"""A class graded on a real Dask cluster into PostgreSQL, with a worker killed midway.

The cluster is a `dask scheduler` and three `dask worker` processes on loopback, started the way
the README tells instructors to start them; the batch is ten submissions across the five
assignments: each assignment's exercise untouched, and half done (the solution's answers up to
its first autograded question, as a student who stopped there; the full solutions are graded
in tests/assignments, and here would only cost minutes). One worker is killed
with SIGKILL while it runs a submission: Dask runs that submission again on another worker,
and the gradebook ends with exactly one graded submission per student and assignment.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.assignments.helpers import REPO, answered, exercise_notebook, solution_answers, submit

pytestmark = pytest.mark.slow

ASSIGNMENTS = {
    "a1": "a1_convolutions_and_parameters",
    "a2": "a2_binary_cnn",
    "a3": "a3_cifar10_architectures",
    "a4": "a4_transfer_learning",
    "a5": "a5_transfer_across_sizes",
}
DASK = Path(sys.executable).parent / "dask"


def first_question(assignment: str, notebook: str) -> tuple[list[str], str]:
    """The answer cells before the exercise's first autograded test cell, and that cell."""
    answers = []
    for cell in exercise_notebook(assignment, notebook).cells:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("solution"):
            answers.append(grading["grade_id"])
        elif grading.get("grade") and cell.cell_type == "code":
            return answers, grading["grade_id"]
    raise AssertionError(f"{notebook} has no autograded test cell")


def half_done(assignment: str, notebook: str):
    """The exercise with the solution's answers up to its first autograded question."""
    answers, _ = first_question(assignment, notebook)
    solution = solution_answers(assignment, notebook)
    return answered(
        exercise_notebook(assignment, notebook),
        {grade_id: solution[grade_id] for grade_id in answers},
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and three single-thread workers (no nanny: a killed worker stays dead); two
    survive the kill, so the rest of the batch still runs two at a time."""
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    environment = {**os.environ, "CNNCOURSE_WORKER_TMP": str(logs)}
    processes = [
        subprocess.Popen(
            [
                str(DASK),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                address.rsplit(":", 1)[1],
                "--no-dashboard",
            ],
            stdout=subprocess.DEVNULL,
            stderr=(logs / "scheduler.log").open("w"),
            env=environment,
        )
    ]
    for number in range(3):
        processes.append(
            subprocess.Popen(
                [
                    str(DASK),
                    "worker",
                    address,
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--name",
                    f"worker-{number}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=(logs / f"worker-{number}.log").open("w"),
                env=environment,
            )
        )
    client = Client(address, timeout=60, set_as_default=False)
    client.wait_for_workers(3, timeout=120)
    pids = client.run(os.getpid)
    yield {"address": address, "client": client, "pids": pids, "processes": processes, "logs": logs}
    # The scheduler stops its workers (SIGTERM alone leaves a worker draining for ~20 s).
    client.shutdown()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def class_batch(cluster, postgres_server, tmp_path_factory):
    """Ten submissions graded through the cluster into a fresh PostgreSQL database."""
    import sqlalchemy

    from cnncourse.grading.grade import grade_all

    base = tmp_path_factory.mktemp("class")
    submissions = base / "submissions"
    for assignment, notebook in ASSIGNMENTS.items():
        exercise = exercise_notebook(assignment, notebook)
        submit(
            submissions, f"half-{assignment}", assignment, notebook, half_done(assignment, notebook)
        )
        submit(submissions, f"blank-{assignment}", assignment, notebook, exercise)
    database = f"class_{os.getpid()}_{int(time.time())}"
    server = sqlalchemy.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{database}"'))
    url = postgres_server.rsplit("/", 1)[0] + "/" + database
    lines: list[str] = []
    done: dict = {}

    def grade() -> None:
        try:
            done["result"] = grade_all(
                submissions,
                gradebook=url,
                output=base / "grading",
                source=REPO / "solutions",
                scheduler=cluster["address"],
                echo=lines.append,
            )
        except BaseException as error:  # noqa: BLE001 - re-raised in the test thread
            done["error"] = error

    grader = threading.Thread(target=grade)
    grader.start()
    killed = _kill_a_busy_worker(cluster, grader)
    grader.join(timeout=3000)
    assert not grader.is_alive(), "the batch did not finish"
    if "error" in done:
        raise done["error"]
    yield {
        "result": done["result"],
        "url": url,
        "lines": lines,
        "killed": killed,
        "workdir": base / "grading",
        "workers": sorted(cluster["pids"]),
    }
    with server.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    server.dispose()


def _kill_a_busy_worker(cluster, grader: threading.Thread) -> dict | None:
    """SIGKILL the first worker seen running a phase-1 task, a few seconds into it."""
    client = cluster["client"]
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and grader.is_alive():
        busy = {
            worker: keys
            for worker, keys in client.processing().items()
            if any("run_grade_task" in str(key) for key in keys)
        }
        if busy:
            worker = sorted(busy)[0]
            time.sleep(5)  # inside its sandbox by now
            os.kill(cluster["pids"][worker], signal.SIGKILL)
            process = next(p for p in cluster["processes"] if p.pid == cluster["pids"][worker])
            process.wait(timeout=30)
            return {"worker": worker, "keys": [str(key) for key in busy[worker]]}
        time.sleep(0.2)
    return None


def test_every_submission_is_graded_once_despite_the_killed_worker(class_batch):
    outcomes = class_batch["result"].outcomes
    assert sorted(f"{o.student}/{o.assignment}" for o in outcomes) == sorted(
        f"{kind}-{a}/{a}" for a in ASSIGNMENTS for kind in ("half", "blank")
    )
    for outcome in outcomes:
        assert outcome.status == "graded", (outcome.student, outcome.reason)
        # the half-done submission scores its first question (written answers wait for a
        # grader), the untouched one nothing
        assert (outcome.score > 0) == outcome.student.startswith("half-"), outcome
        # Everything ran on the cluster, none on the killed worker after its death
        assert outcome.worker.startswith("tcp://127.0.0.1:")
    assert class_batch["killed"], "no worker was seen running a grading task"
    killed = class_batch["killed"]["worker"]
    alive = set(class_batch["workers"]) - {killed}
    assert len(alive) == 2
    assert {o.worker for o in outcomes} - {killed} <= alive


def test_the_gradebook_holds_one_submission_per_student_and_assignment(class_batch):
    import sqlalchemy
    from nbgrader.api import Gradebook

    from cnncourse.grading.course import nbgrader_api  # noqa: F401 - alembic on PATH

    with Gradebook(class_batch["url"]) as gradebook:
        for assignment in ASSIGNMENTS:
            found = gradebook.find_assignment(assignment)
            assert sorted(s.student.id for s in found.submissions) == [
                f"blank-{assignment}",
                f"half-{assignment}",
            ]
            _, first_test = first_question(assignment, ASSIGNMENTS[assignment])
            for student in (f"half-{assignment}", f"blank-{assignment}"):
                submission = gradebook.find_submission(assignment, student)
                tests = [
                    grade
                    for notebook in submission.notebooks
                    for grade in notebook.grades
                    if grade.cell.cell_type == "code"
                ]
                wanted = [
                    grade.max_score
                    if student.startswith("half-") and grade.cell.name == first_test
                    else 0.0
                    for grade in tests
                ]
                assert sum(wanted) > 0 or student.startswith("blank-"), student
                assert [grade.score for grade in tests] == wanted, student
                assert submission.score == pytest.approx(
                    next(o.score for o in class_batch["result"].outcomes if o.student == student)
                )
    engine = sqlalchemy.create_engine(class_batch["url"])
    with engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text(
                "SELECT count(*), count(DISTINCT (assignment_id, student_id)) "
                "FROM submitted_assignment"
            )
        ).one()
    engine.dispose()
    assert tuple(rows) == (10, 10)


def test_the_batch_shows_progress_and_a_summary(class_batch):
    lines = class_batch["lines"]
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 10
    assert progress[-1].startswith("[10/10] ")
    assert "elapsed" in progress[0] and "left" in progress[0]
    assert any(
        line.startswith("graded 10 submissions in ") and "10 graded" in line for line in lines
    )
    assert any(line.startswith("slowest: ") for line in lines)
    assert any("the Dask cluster at tcp://127.0.0.1:" in line for line in lines)


def test_the_journal_says_where_each_submission_ran(class_batch):
    for path in (class_batch["workdir"] / "outcomes").glob("*.json"):
        outcome = json.loads(path.read_text())["outcome"]
        assert outcome["worker"] and outcome["overhead_seconds"] >= 0
