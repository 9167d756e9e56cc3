"""Time a cold build of the book in one profile, then an unchanged (cached) rebuild."""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cnncourse.book import build_book  # noqa: E402


def timed_build(profile: str, output: Path) -> float:
    started = time.perf_counter()
    status = build_book(profile=profile, output=output, quiet=True)
    if status != 0:
        raise SystemExit(f"the {profile} build failed (status {status})")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="small", choices=["tiny", "small", "full"])
    parser.add_argument("--keep", action="store_true", help="keep the build folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix=f"book-{args.profile}-"))
    output = folder / "_build"
    try:
        cold = timed_build(args.profile, output)
        cached = timed_build(args.profile, output)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"profile {args.profile}: cold build {cold:.0f} s, cached rebuild {cached:.0f} s")
    print("(the package's data and pretrained-base caches under CNNCOURSE_CACHE were kept: "
          "point CNNCOURSE_CACHE at an empty folder for a fully cold run)")


if __name__ == "__main__":
    main()
