"""Graders that share one PostgreSQL gradebook write one at a time: a real server, real graders.

A grader waits for the advisory lock that another holds before it writes anything (seen in
PostgreSQL's own lock table); two graders started together into one new database, for the
same students and different assignments, both finish and every grade is there once.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from cnncourse.grading.writer_lock import LOCK_KEY, exclusive_writer, is_postgresql

from .helpers import PLAIN_MISTAKES, PLAIN_RIGHT, answered, exercise, submit

STUDENTS = ("ann", "ben")


def test_only_postgresql_urls_take_the_lock(tmp_path):
    assert is_postgresql("postgresql://cnncourse@127.0.0.1:5432/gradebook")
    assert is_postgresql("postgresql+psycopg://cnncourse@127.0.0.1/gradebook")
    assert not is_postgresql(f"sqlite:///{tmp_path / 'gradebook.db'}")
    with exclusive_writer(f"sqlite:///{tmp_path / 'gradebook.db'}"):
        pass  # nothing to hold: SQLite serialises its own writers
    assert not (tmp_path / "gradebook.db").exists()


def _waiting_for_the_lock(url: str) -> int:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        waiting = connection.execute(
            sqlalchemy.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
        ).scalar_one()
    engine.dispose()
    return int(waiting)


def _scores(url: str, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(url) as gradebook:
        return {
            submission.student.id: float(submission.score)
            for submission in gradebook.assignment_submissions(assignment)
        }


@pytest.mark.slow
def test_a_grader_waits_while_another_holds_the_gradebook(
    demo_course, tmp_path, postgres_gradebook
):
    import sqlalchemy

    from cnncourse.grading.grade import grade_all

    submissions = tmp_path / "submissions"
    submit(
        submissions,
        "ann",
        "sleepy",
        answered(exercise(demo_course, "sleepy"), {"answer": "answer = 42"}),
    )
    engine = sqlalchemy.create_engine(postgres_gradebook)
    holder = engine.connect()
    holder.execute(sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
    holder.commit()
    done = {}

    def grade():
        done["result"] = grade_all(
            submissions,
            gradebook=postgres_gradebook,
            output=tmp_path / "grading",
            source=demo_course / "solutions",
        )

    grader = threading.Thread(target=grade)
    grader.start()
    try:
        deadline = time.monotonic() + 120
        while _waiting_for_the_lock(postgres_gradebook) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _waiting_for_the_lock(postgres_gradebook) == 1, "the grader never asked for the lock"
        time.sleep(1)
        assert grader.is_alive()
        inspector = sqlalchemy.inspect(engine)
        assert "grade" not in inspector.get_table_names()  # not even the tables are made yet
    finally:
        holder.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        holder.commit()
        holder.close()
        engine.dispose()
    grader.join(timeout=300)
    assert not grader.is_alive()
    assert [outcome.status for outcome in done["result"].outcomes] == ["graded"]
    assert _scores(postgres_gradebook, "sleepy") == {"ann": 1.0}


@pytest.mark.slow
def test_two_graders_fill_one_new_gradebook_together(demo_course, tmp_path, postgres_gradebook):
    submissions = tmp_path / "submissions"
    for student in STUDENTS:
        answers = PLAIN_RIGHT if student == "ann" else PLAIN_MISTAKES
        submit(submissions, student, "plain", answered(exercise(demo_course, "plain"), answers))
        submit(
            submissions,
            student,
            "sleepy",
            answered(exercise(demo_course, "sleepy"), {"answer": "answer = 42"}),
        )
    graders = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cnncourse",
                "grade",
                str(submissions),
                "--assignment",
                assignment,
                "--gradebook",
                postgres_gradebook,
                "--output",
                str(tmp_path / f"grading-{assignment}"),
                "--workers",
                "1",
            ],
            cwd=demo_course,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for assignment in ("plain", "sleepy")
    ]
    outputs = [grader.communicate(timeout=600)[0] for grader in graders]
    for grader, output in zip(graders, outputs):
        assert grader.returncode == 0, output[-3000:]
        assert "2 graded" in output, output[-3000:]
    assert _scores(postgres_gradebook, "plain") == {"ann": 5.0, "ben": 2.0}
    assert _scores(postgres_gradebook, "sleepy") == {"ann": 1.0, "ben": 1.0}
