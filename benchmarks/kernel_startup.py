"""What a course kernel's start-up costs, package by package, and with an extra package or not.

Every notebook kernel, sandboxed grading run and checker process starts by importing the
package and Keras (TensorFlow); the test suite starts over a hundred of them. This script runs
that import (`CODE`) in fresh processes with ``python -X importtime`` and prints the median
wall time and what the heavy packages take at their first import (the figures nest: Keras
imports TensorFlow, matplotlib and pandas itself).

``--compare DIR`` also runs the same import with ``DIR`` on ``PYTHONPATH``, alternating with
the plain runs, to price a package the install leaves out: Keras imports scikit-learn
whenever it is installed, so ``pip install --target DIR --no-deps scikit-learn joblib
threadpoolctl`` and ``--compare DIR`` show what it would cost every kernel.
Run it from the repository root: ``.venv/bin/python benchmarks/kernel_startup.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

CODE = (
    "import cnncourse, keras\n"
    "from cnncourse import checks, training, plotting\n"
    "import matplotlib.pyplot\n"
)
PACKAGES = ("tensorflow", "keras", "matplotlib.pyplot", "pandas", "scipy.stats", "sklearn")
# Which of them the import loaded (a failed optional import also has an importtime line).
LOADED = f"import sys; print(' '.join(m for m in {PACKAGES!r} if m in sys.modules))"
LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| *(\S+)")  # self | cumulative | name


def run_once(extra_path: str | None) -> tuple[float, dict[str, float]]:
    """Wall seconds of one fresh import of `CODE`, and each of `PACKAGES`' cumulative seconds."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if extra_path:
        env["PYTHONPATH"] = extra_path
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CODE + LOADED],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    loaded = set(done.stdout.split())
    packages = {}
    for match in LINE.finditer(done.stderr):
        name = match.group(2)
        if name in loaded and name not in packages:
            packages[name] = int(match.group(1)) / 1e6
    return wall, packages


def summary(runs: list[tuple[float, dict[str, float]]]) -> str:
    walls = [wall for wall, _ in runs]
    parts = [f"wall {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f})"]
    for name in PACKAGES:
        seconds = [packages[name] for _, packages in runs if name in packages]
        if seconds:
            parts.append(f"{name} {statistics.median(seconds):.2f} s")
        else:
            parts.append(f"{name} not imported")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="fresh processes per arm")
    parser.add_argument("--compare", metavar="DIR", help="also run with DIR on PYTHONPATH")
    args = parser.parse_args(argv)
    if args.compare and not os.path.isdir(args.compare):
        parser.error(f"--compare: {args.compare} is not a folder")
    run_once(None)  # warm the file cache: the first start after a while reads from disk
    plain, extra = [], []
    for number in range(args.repeats):
        print(f"run {number + 1}/{args.repeats}", end="\r", file=sys.stderr, flush=True)
        plain.append(run_once(None))
        if args.compare:
            extra.append(run_once(args.compare))
    print(file=sys.stderr)
    print(f"as installed: {summary(plain)}")
    if args.compare:
        print(f"with {args.compare} on PYTHONPATH: {summary(extra)}")
        difference = statistics.median(w for w, _ in extra) - statistics.median(w for w, _ in plain)
        print(f"difference of the medians: {difference:+.2f} s per start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
