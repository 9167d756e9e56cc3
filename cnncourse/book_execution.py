"""Execute the book's chapters ahead of the build into the execution cache Jupyter Book reads.

myst-nb executes one page after another while Sphinx reads them, and waits for each kernel's
clean exit (2-3 s of TensorFlow winding down). `execute_chapters` runs the chapters that are
not in the cache yet first: one at a time, or side by side in a pool of processes, each
kernel with up to twice its share of the cores (`kernel_threads`); it stops each kernel as
soon as its last cell has answered, and stores every executed notebook in the same
jupyter-cache that myst-nb then opens: the notebooks are read with myst-nb's own reader, so
myst-nb finds each one in the cache ("Using cached notebook") instead of executing it again. For
such a page myst-nb writes the notebook it read, without outputs, as the page's download
(``_build/jupyter_execute``): `write_downloads` writes the executed one there after the
build (only where the download has no outputs). A chapter that fails here is left out of the
cache, so Jupyter Book runs it again and reports the error in its usual way.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml

from cnncourse.threads import thread_environment


@dataclass(frozen=True)
class ChapterRun:
    """One chapter executed ahead of the build: how long it took, or why it failed."""

    path: Path
    seconds: float
    error: str | None = None


def chapter_paths(root: Path) -> list[Path]:
    """The executable pages of ``_toc.yml`` (MyST notebooks), in the book's order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    entries = [toc["root"], *(entry["file"] for entry in toc.get("chapters", []))]
    paths = []
    for entry in entries:
        path = root / f"{entry}.md"
        if path.is_file() and _is_notebook(path):
            paths.append(path)
    return paths


def _is_notebook(path: Path) -> bool:
    from myst_nb.core.read import is_myst_markdown_notebook

    return is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def _parser_config(root: Path):
    from myst_parser.config.main import MdParserConfig

    config = yaml.safe_load((root / "_config.yml").read_text())
    extensions = (config.get("parse") or {}).get("myst_enable_extensions") or []
    return MdParserConfig(enable_extensions=set(extensions))


def read_chapter(path: Path, root: Path):
    """The notebook myst-nb makes of a MyST chapter (same reader, so the same cache key)."""
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(
        path.read_text(encoding="utf-8"),
        config=_parser_config(root),
        add_source_map=True,
        path=str(path),
    )


def missing_from_cache(paths: Sequence[Path], root: Path, cache_path: Path) -> list[Path]:
    """The chapters whose current code has no executed notebook in the cache."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    missing = []
    for path in paths:
        try:
            cache.match_cache_notebook(read_chapter(path, root))
        except KeyError:
            missing.append(path)
    return missing


def _previous_seconds(cache_path: Path) -> dict[str, float]:
    """Each chapter's last recorded run time (any earlier version), to start the longest first."""
    from jupyter_cache import get_cache

    seconds: dict[str, float] = {}
    for record in get_cache(str(cache_path)).list_cache_records():
        value = (record.data or {}).get("execution_seconds")
        if value is not None:
            seconds[record.uri] = float(value)
    return seconds


def _execute_one(
    path: str, root: str, cache_path: str, timeout: int, environment: dict[str, str]
) -> ChapterRun:
    """Run in a pool process: execute one chapter in ``environment`` and cache it."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    os.environ.update(environment)
    # The kernel inherits this process's stderr: its start-up warnings are not the reader's
    # business, and a failing cell is reported through the result.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    notebook = read_chapter(Path(path), Path(root))
    result = single_nb_execution(
        notebook,
        cwd=str(Path(path).parent),
        timeout=timeout,
        allow_errors=False,
        # Once the last cell has answered, kill the kernel: a clean exit of TensorFlow's
        # threads takes another 2-3 s per chapter.
        shutdown_kernel="immediate",
    )
    if result.err is not None:
        return ChapterRun(Path(path), result.time, f"{type(result.err).__name__}")
    get_cache(cache_path).cache_notebook_bundle(
        CacheBundleIn(result.nb, path, data={"execution_seconds": result.time}),
        check_validity=False,
        overwrite=True,
    )
    return ChapterRun(Path(path), result.time)


def kernel_threads(jobs: int, cores: int | None = None) -> int:
    """TensorFlow threads for each of ``jobs`` chapter kernels run at once on ``cores`` cores
    (default: this process's): twice its share of the cores, at most all of them.

    A chapter keeps its threads busy only part of the time (importing TensorFlow, plotting,
    small batches), and the other chapters fill the gaps; with one thread, a network trains
    at about half the speed it does with two (the HW9 CNN: 20.6 s against 10.4 s an epoch on
    2 cores), and a chapter that trains for minutes would run at that speed to its end. The
    thread count does not change the results: with op determinism on, the small book's
    glued values other than timings were the same with 1 and 2 chapters at a time.
    """
    cores = len(os.sched_getaffinity(0)) if cores is None else cores
    return max(1, min(cores, 2 * cores // jobs))


def execute_chapters(
    root: Path,
    cache_path: Path,
    timeout: int,
    jobs: int,
    environment: dict[str, str] | None = None,
    report: Callable[[str], None] | None = None,
) -> list[ChapterRun]:
    """Execute the uncached chapters, ``jobs`` at a time, into ``cache_path``; their runs.

    Each kernel runs with ``environment`` (the profile) and, when ``jobs`` > 1,
    `kernel_threads` threads. The chapters that ran longest last time start first, so
    the pool does not end waiting on one long chapter.
    """
    paths = missing_from_cache(chapter_paths(root), root, cache_path)
    if not paths:
        return []
    previous = _previous_seconds(cache_path)
    paths.sort(key=lambda path: -previous.get(str(path), 0.0))
    environment = dict(environment or {})
    if jobs > 1:  # one at a time, a kernel keeps the thread settings it inherits
        threads = kernel_threads(jobs)
        environment |= thread_environment(threads)
    runs: list[ChapterRun] = []
    started = time.perf_counter()
    if report:
        report(
            f"executing {len(paths)} chapters, {jobs} at a time ({threads} thread"
            f"{'s' if threads > 1 else ''} each)"
            if jobs > 1
            else f"executing {len(paths)} chapters, one at a time"
        )
    # spawn, not fork: the parent holds an open SQLite connection to the cache.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [
            pool.submit(_execute_one, str(path), str(root), str(cache_path), timeout, environment)
            for path in paths
        ]
        for future in as_completed(futures):
            run = future.result()
            runs.append(run)
            if report:
                state = f"failed ({run.error})" if run.error else "done"
                report(
                    f"[{len(runs)}/{len(paths)}] {run.path.name} {state} in {run.seconds:.0f} s "
                    f"({time.perf_counter() - started:.0f} s elapsed)"
                )
    return runs


def write_downloads(root: Path, cache_path: Path, output: Path) -> int:
    """Write each chapter's executed notebook from the cache as its download,
    ``output/jupyter_execute/<chapter>.ipynb``, where the build wrote one without outputs;
    how many."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(cache_path)
    written = 0
    for path in chapter_paths(root):
        target = output / "jupyter_execute" / path.relative_to(root).with_suffix(".ipynb")
        # Kept: a page Sphinx did not read again (unchanged), or one myst-nb executed.
        if not target.is_file() or _has_outputs(target):
            continue
        try:
            _, executed = cache.merge_match_into_notebook(read_chapter(path, root))
        except KeyError:  # not in the cache: myst-nb executed it and wrote its outputs
            continue
        nbformat.write(executed, str(target))
        written += 1
    return written


def _has_outputs(notebook: Path) -> bool:
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    return any(cell.get("outputs") for cell in cells)
