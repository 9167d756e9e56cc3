"""Grading test fixtures: the released fixture course and one graded batch, shared by the tests."""

from __future__ import annotations

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
    from cnncourse.grading.release import release

    course = copy_course(tmp_path_factory.mktemp("demo") / "course")
    assert release([], execute=False, root=course).exit_code == 0
    return course


@pytest.fixture(scope="session")
def graded_batch(demo_course, tmp_path_factory) -> Batch:
    """The demo assignment graded for six students (and a folder for no known assignment)."""
    from cnncourse.grading.grade import grade_all

    base = tmp_path_factory.mktemp("batch")
    submissions = base / "submissions"
    submit(submissions, "alice", "demo", answered(exercise(demo_course, "demo"), RIGHT))
    submit(submissions, "bob", "demo", answered(exercise(demo_course, "demo"), MISTAKES))
    submit(submissions, "carol", "demo", exercise(demo_course, "demo"))
    submit(submissions, "dave", "demo", '{"cells": [ this is not JSON')
    tampered = answered(exercise(demo_course, "demo"), dict(RIGHT, q1_test="print('trust me')"))
    submit(submissions, "erin", "demo", without(tampered, "q2_test"))
    raising = dict(RIGHT, q2_answer="raise ValueError('I give up')")
    submit(submissions, "frank", "demo", answered(exercise(demo_course, "demo"), raising))
    submit(submissions, "mallory", "hw99", exercise(demo_course, "demo"))
    workdir = base / "grading"  # does not exist yet: the batch starts from a clean folder
    start = time.monotonic()
    result = grade_all(submissions, output=workdir, source=demo_course / "solutions")
    seconds = time.monotonic() - start
    rows = {row["student"]: row for row in result.rows()}
    return Batch(demo_course, submissions, workdir, rows, seconds, result)


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
