"""Time a cold build of the book in one profile, per chapter, then an unchanged rebuild.

``--jobs 1`` executes the chapters one after another (each chapter's time is then what a
reader running it alone sees); the default executes them side by side, as `cnncourse book`
does. Per chapter: the execution time myst-nb recorded (its ``exec_data``, the same figure its
``nb-exec-table`` shows), read from the build's Sphinx environment. The rest of the cold
build is Sphinx reading and writing the pages. Run ``../shared/tools/calibrate.py`` on the
same machine and report its figure with the times (the target is set at 400 img/s).

    .venv/bin/python benchmarks/book_build.py [--profile small] [--keep]
"""

import argparse
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cnncourse.book import build_book, default_jobs  # noqa: E402
from cnncourse.profile import PROFILES  # noqa: E402


def timed_build(profile: str, output: Path, jobs: int | None) -> float:
    started = time.perf_counter()
    status = build_book(profile=profile, output=output, quiet=True, jobs=jobs)
    if status != 0:
        raise SystemExit(f"the {profile} build failed (status {status})")
    return time.perf_counter() - started


def chapter_seconds(output: Path) -> dict[str, float]:
    """Each executed page's run time, from the build's Sphinx environment (myst-nb's data)."""
    with open(output / ".doctrees" / "environment.pickle", "rb") as stream:
        environment = pickle.load(stream)
    metadata = getattr(environment, "nb_metadata", {})
    return {
        name: float(data["exec_data"]["runtime"])
        for name, data in sorted(metadata.items())
        if data.get("exec_data") and data["exec_data"].get("runtime") is not None
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="small", choices=list(PROFILES))
    parser.add_argument("--keep", action="store_true", help="keep the build folder")
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="chapters executed at once (default: cnncourse book's; 1: one after another, "
        "each chapter's own time, as a reader running it alone sees it)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix=f"book-{args.profile}-"))
    output = folder / "_build"
    try:
        cold = timed_build(args.profile, output, args.jobs)
        chapters = chapter_seconds(output)
        cached = timed_build(args.profile, output, args.jobs)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    for name, seconds in chapters.items():
        print(f"  {name:40} {seconds:7.1f} s")
    print(f"  {'(all chapters executing)':40} {sum(chapters.values()):7.1f} s")
    jobs = args.jobs or default_jobs()
    print(
        f"profile {args.profile}, {jobs} chapter(s) at a time: cold build {cold:.0f} s, "
        f"cached rebuild {cached:.1f} s"
    )
    print(
        "(the package's data and pretrained-base caches under CNNCOURSE_CACHE were kept: "
        "point CNNCOURSE_CACHE at an empty folder for a fully cold run)"
    )


if __name__ == "__main__":
    main()
