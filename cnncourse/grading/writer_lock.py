"""One writer at a time into a shared gradebook: PostgreSQL's advisory lock, across hosts.

Several graders (two teaching assistants' `cnncourse grade`, on one machine or on several)
may write one PostgreSQL gradebook at once. nbgrader's API reads, then inserts (a student,
the course row, an assignment's cells): two writers that read "missing" at the same moment
would both insert, and the second would fail on the unique key. Every write of the grader
runs inside `exclusive_writer`, which holds a session advisory lock on a connection of its
own; the lock ends with the connection, so a grader killed while it holds it frees it.
SQLite is for one machine and serialises its writers itself: nothing to hold there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

#: The advisory lock's key (any 64-bit number; the same on every host of a course).
LOCK_KEY = 0x636E6E636F757273  # "cnncours"


def is_postgresql(db_url: str) -> bool:
    """Whether a SQLAlchemy URL names a PostgreSQL database."""
    from sqlalchemy.engine import make_url

    return make_url(db_url).get_backend_name() == "postgresql"


@contextlib.contextmanager
def exclusive_writer(db_url: str) -> Iterator[None]:
    """Run the block as the gradebook's only writer among the graders that share it."""
    if not is_postgresql(db_url):
        yield
        return
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    engine = sqlalchemy.create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(
                    sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY}
                )
                connection.commit()
    finally:
        engine.dispose()
