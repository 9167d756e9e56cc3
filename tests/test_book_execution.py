"""Chapters executed side by side land in the cache myst-nb reads: each runs exactly once."""

import json
import re
import textwrap

import pytest

from cnncourse.book import build_book, default_jobs
from cnncourse.book_execution import (
    chapter_paths,
    execute_chapters,
    kernel_threads,
    missing_from_cache,
    write_downloads,
)
from tests.conftest import REPO
from tests.myst import FRONT_MATTER

pytestmark = pytest.mark.slow

CHAPTER = (
    FRONT_MATTER
    + """\
# Chapter {name}

Threads here: {{glue:text}}`threads_{name}`.

```{{code-cell}} ipython3
:tags: [remove-input]
import os
from pathlib import Path
from myst_nb import glue

with open({runs!r}, "a") as runs:
    runs.write("ran\\n")
glue("threads_{name}", os.environ.get("TF_NUM_INTRAOP_THREADS", "unset"), display=False)
```
"""
)


def _book(tmp_path, names):
    book = tmp_path / "book_root"
    (book / "book").mkdir(parents=True)
    (book / "_config.yml").write_text((REPO / "_config.yml").read_text())
    toc = "".join(f"  - file: book/{name}\n" for name in names)
    (book / "_toc.yml").write_text(f"format: jb-book\nroot: book/intro\nchapters:\n{toc}")
    (book / "book" / "intro.md").write_text("# Intro\n\nA plain page, not a notebook.\n")
    for name in names:
        runs = tmp_path / f"runs-{name}.txt"
        text = CHAPTER.format(name=name, runs=str(runs))
        (book / "book" / f"{name}.md").write_text(textwrap.dedent(text))
    return book


def test_each_chapter_runs_once_and_the_build_uses_the_cache(tmp_path):
    names = ["one", "two", "three"]
    book = _book(tmp_path, names)
    assert [path.stem for path in chapter_paths(book)] == names  # the plain intro is skipped

    status = build_book(profile="tiny", output=book / "_build", quiet=True, root=book, jobs=2)

    assert status == 0
    for name in names:
        # Once, by the pool: had myst-nb not found it in the cache it would run again.
        assert (tmp_path / f"runs-{name}.txt").read_text() == "ran\n", name
        page = (book / "_build" / "html" / "book" / f"{name}.html").read_text()
        # The pool's kernels ran with the threads `kernel_threads` gives them, and the glue
        # reached the page.
        assert re.search(rf"Threads here: (<[^>]+>)*{kernel_threads(2)}<", page), name
        # The page's download is the executed notebook, not the one myst-nb read.
        download = json.loads(
            (book / "_build" / "jupyter_execute" / "book" / f"{name}.ipynb").read_text()
        )
        assert any(cell.get("outputs") for cell in download["cells"]), name
    cache = book / "_build" / ".jupyter_cache-tiny"
    assert missing_from_cache(chapter_paths(book), book, cache) == []
    # Downloads that have their outputs are left as they are; one without is written again.
    assert write_downloads(book, cache, book / "_build") == 0
    stripped = book / "_build" / "jupyter_execute" / "book" / "two.ipynb"
    notebook = json.loads(stripped.read_text())
    for cell in notebook["cells"]:
        if "outputs" in cell:
            cell["outputs"] = []
    stripped.write_text(json.dumps(notebook))
    assert write_downloads(book, cache, book / "_build") == 1
    assert any(cell.get("outputs") for cell in json.loads(stripped.read_text())["cells"])


def test_a_changed_chapter_is_the_only_one_executed_again(tmp_path):
    book = _book(tmp_path, ["one", "two"])
    cache = tmp_path / "cache"
    first = execute_chapters(book, cache, timeout=60, jobs=2)
    assert sorted(run.path.stem for run in first) == ["one", "two"]
    assert all(run.error is None for run in first)

    chapter = book / "book" / "two.md"
    chapter.write_text(chapter.read_text().replace('"ran\\n"', '"ran again\\n"'))
    second = execute_chapters(book, cache, timeout=60, jobs=2)

    assert [run.path.stem for run in second] == ["two"]
    assert (tmp_path / "runs-one.txt").read_text() == "ran\n"
    assert (tmp_path / "runs-two.txt").read_text() == "ran\nran again\n"


def test_a_failing_chapter_is_reported_and_left_out_of_the_cache(tmp_path):
    book = _book(tmp_path, ["good", "bad"])
    bad = book / "book" / "bad.md"
    bad.write_text(bad.read_text().replace("import os\n", "import os\nraise RuntimeError('no')\n"))
    cache = tmp_path / "cache"

    runs = {run.path.stem: run for run in execute_chapters(book, cache, timeout=60, jobs=2)}

    assert runs["good"].error is None
    assert runs["bad"].error == "CellExecutionError"
    assert [path.stem for path in missing_from_cache(chapter_paths(book), book, cache)] == ["bad"]


@pytest.mark.parametrize(
    ("cores", "jobs", "threads"),
    [(1, 1, 1), (2, 2, 2), (4, 2, 4), (8, 4, 4), (16, 4, 8), (64, 4, 32)],
)
def test_chapters_at_once_and_their_threads_follow_the_cores(monkeypatch, cores, jobs, threads):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)))
    assert default_jobs() == jobs
    # Twice each kernel's share of the cores, never more than all of them.
    assert kernel_threads(jobs) == threads
    assert kernel_threads(2, cores=2) == 2 and kernel_threads(3, cores=2) == 1
