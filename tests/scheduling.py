"""How pytest-xdist hands out the test files: the long ones first, a shared batch's files together.

`--dist loadfile` sends whole files to the workers, and by default the files with the most
tests first, which puts the few long tests of a graded batch or a book build at the end,
with one worker idle while the other finishes them. Here the collection is ordered instead
(`order_files`): the files that use a graded batch or the book build first, then the other
slow files, then the quick ones; and the files that share one locked session fixture are one
unit (`SHARED`), so that no worker waits on the other's lock.
"""

from __future__ import annotations

from xdist.scheduler import LoadFileScheduling

#: Files whose tests share a session fixture built once under a lock -> that fixture.
SHARED = {
    "tests/book/test_browser.py": "built_book",
    "tests/book/test_build.py": "built_book",
    "tests/grading/test_feedback.py": "graded_batch",
    "tests/grading/test_grade.py": "graded_batch",
    "tests/grading/test_report.py": "graded_batch",
}


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


class SharedFixtureScheduling(LoadFileScheduling):
    """Whole files to a worker, in the collection's order; the files of `SHARED` as one."""

    def _split_scope(self, nodeid: str) -> str:
        path = _file(nodeid)
        return f"shared fixture {SHARED[path]}" if path in SHARED else path


def order_files(items, slow_fixtures: set[str]) -> list[str]:
    """Reorder ``items`` in place, file by file: the files that use one of ``slow_fixtures``
    first, then those with a slow test, then the rest (each group in collection order); the
    problems with `SHARED`, as lines."""
    rank: dict[str, int] = {}
    problems = []
    for item in items:
        path = _file(item.nodeid)
        used = slow_fixtures & set(getattr(item, "fixturenames", ()))
        kind = 0 if used else 1 if item.get_closest_marker("slow") else 2
        rank[path] = min(rank.get(path, 2), kind)
        for fixture in used & set(SHARED.values()):
            if SHARED.get(path) != fixture:
                problems.append(f"{path} uses {fixture}: add it to SHARED in {__name__}")
    items.sort(key=lambda item: rank[_file(item.nodeid)])
    return sorted(set(problems))
