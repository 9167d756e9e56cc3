"""Grading test fixtures: the released fixture course and one graded batch, shared by the tests."""

from __future__ import annotations

import fcntl
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import MISTAKES, RIGHT, answered, copy_course, exercise, submit, without


@dataclass
class Batch:
    course: Path
    submissions: Path
    workdir: Path
    rows: dict[str, dict]
    seconds: float
    result: object


@pytest.fixture(scope="session")
def demo_course(tmp_path_factory) -> Path:
    """A fixture course with its exercises released (not executed)."""
    return _released_course(tmp_path_factory.mktemp("demo") / "course")


def _released_course(target: Path) -> Path:
    from cnncourse.grading.release import release

    course = copy_course(target)
    assert release([], execute=False, root=course).exit_code == 0
    return course


@pytest.fixture(scope="session")
def graded_batch(tmp_path_factory, worker_id) -> Batch:
    """The demo assignment graded for six students (and a folder for no known assignment).

    Graded once per test run: under pytest-xdist the first worker to ask grades it into the
    run's shared temporary folder and the others wait for its lock, then read its result (the
    test files that use it run on different workers). Tests only read the grading folder;
    those that change it work on a copy (`copy_workdir`)."""
    if worker_id == "master":
        return _grade_demo_batch(tmp_path_factory.mktemp("batch"))
    shared = tmp_path_factory.getbasetemp().parent / "graded-batch"
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        saved = shared / "batch.pickle"
        if not saved.exists():
            batch = _grade_demo_batch(shared / "run")
            saved.write_bytes(pickle.dumps(batch))
        return pickle.loads(saved.read_bytes())


def _grade_demo_batch(base: Path) -> Batch:
    from cnncourse.grading.grade import grade_all

    course = _released_course(base / "course")
    submissions = base / "submissions"
    submit(submissions, "alice", "demo", answered(exercise(course, "demo"), RIGHT))
    submit(submissions, "bob", "demo", answered(exercise(course, "demo"), MISTAKES))
    submit(submissions, "carol", "demo", exercise(course, "demo"))
    submit(submissions, "dave", "demo", '{"cells": [ this is not JSON')
    tampered = answered(exercise(course, "demo"), dict(RIGHT, q1_test="print('trust me')"))
    submit(submissions, "erin", "demo", without(tampered, "q2_test"))
    raising = dict(RIGHT, q2_answer="raise ValueError('I give up')")
    submit(submissions, "frank", "demo", answered(exercise(course, "demo"), raising))
    submit(submissions, "mallory", "hw99", exercise(course, "demo"))
    workdir = base / "grading"  # does not exist yet: the batch starts from a clean folder
    start = time.monotonic()
    result = grade_all(submissions, output=workdir, source=course / "solutions")
    seconds = time.monotonic() - start
    rows = {row["student"]: row for row in result.rows()}
    return Batch(course, submissions, workdir, rows, seconds, result)


def _postgres_server() -> str | None:
    """The URL of the throwaway PostgreSQL server `.ci/postgres` started, or None."""
    import os

    url = os.environ.get("CNNCOURSE_TEST_POSTGRES")
    if not url:
        path = Path(os.environ.get("CNNCOURSE_PG_DIR", "/tmp/cnncourse-postgres")) / "url"
        url = path.read_text().strip() if path.is_file() else None
    return url


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """A PostgreSQL server to grade into (started by `.ci/postgres`, which CI runs)."""
    import os

    import sqlalchemy

    url = _postgres_server()
    problem = None if url else "no PostgreSQL server: run .ci/postgres"
    if url:
        try:
            with sqlalchemy.create_engine(url).connect() as connection:
                connection.execute(sqlalchemy.text("SELECT 1"))
        except Exception as error:  # noqa: BLE001 - any driver or connection error
            problem = f"PostgreSQL at {url} does not answer: {error}"
    if problem:
        if os.environ.get("CNNCOURSE_REQUIRE_POSTGRES"):
            pytest.fail(problem)
        pytest.skip(problem)
    return url


@pytest.fixture
def postgres_gradebook(postgres_server, request) -> str:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    import re
    import uuid

    import sqlalchemy

    name = (
        "gradebook_"
        + re.sub(r"\W", "_", request.node.name.lower())[:30]
        + "_"
        + uuid.uuid4().hex[:8]
    )
    server = sqlalchemy.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    yield postgres_server.rsplit("/", 1)[0] + "/" + name
    with server.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()
