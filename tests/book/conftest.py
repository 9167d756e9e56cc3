"""Build the book once per test session, in the tiny profile, into a cached folder."""

import fcntl
import re
from pathlib import Path

import pytest
import yaml

from cnncourse.book import build_book

REPO = Path(__file__).resolve().parents[2]
# Inside the repository (ignored by git) so that a local rerun reuses the execution cache;
# a clean clone in CI starts cold.
BUILD = REPO / ".cache" / "test-book" / "_build"


def toc_files() -> list[str]:
    """Every document of _toc.yml but the root page, in order, e.g. 'book/01_why_convolutions'."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    found = []

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return found


def chapters() -> list[str]:
    """The numbered chapters of _toc.yml (not the root page, not plain pages)."""
    return [name for name in toc_files() if re.match(r"book/\d\d_", name)]


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The html folder of a strict tiny-profile build; the build must succeed."""
    BUILD.mkdir(parents=True, exist_ok=True)
    # Test modules run on two pytest-xdist workers: one builds, the other waits for the lock
    # and then only re-renders from the execution cache.
    with (BUILD.parent / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # One chapter at a time (not the default two): the other worker's tests already
        # keep the second core busy.
        status = build_book(profile="tiny", output=BUILD, strict=True, quiet=True, jobs=1)
    assert status == 0, "the strict tiny-profile build of the book failed (see the output above)"
    return BUILD / "html"
