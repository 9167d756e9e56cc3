"""How far two workers can beat one on this machine: process start-up and training, 1 and 2 at once.

`cnncourse grade --workers 1` gives its one submission every core (TensorFlow's thread pools
sized to the machine), `--workers 2` gives each of two submissions half of them. So the
speed-up of 2 workers over 1 is bounded by how much a submission gains from its second
thread, not only by the scheduler. This script measures, in fresh processes with the
grader's thread variables (`cnncourse.threads.thread_environment`):

- start-up: ``import keras`` (TensorFlow, as every kernel does), one alone and two at once;
- training: a small CNN's ``fit`` (HW9's CNN, the calibration network, on 512 images), alone with 2
  threads, alone with 1 thread, and two processes at once with 1 thread each.

It prints each time (median of ``--repeats``) and the ceiling on the speed-up of two workers
for a submission that is all training: 2 x t(alone, 2 threads) / t(two at once, 1 thread).
Run it from the repository root: ``.venv/bin/python benchmarks/core_scaling.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from cnncourse.threads import thread_environment

START = "import keras"
TRAIN = """
import time
import keras, numpy as np
from cnncourse.models.hw9 import hw9_cnn
model = hw9_cnn()
model.compile("adam", "categorical_crossentropy")
rng = np.random.default_rng(0)
images = rng.random((512, 32, 32, 3), dtype=np.float32)
labels = keras.utils.to_categorical(rng.integers(0, 10, len(images)), 10)
model.fit(images[:64], labels[:64], batch_size=32, epochs=1, verbose=0)
start = time.perf_counter()
model.fit(images, labels, batch_size=32, epochs=1, verbose=0)
print(time.perf_counter() - start)
"""


def _start(code: str, threads: int) -> subprocess.Popen:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **thread_environment(threads))
    return subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )


def _run(code: str, threads: int, together: int, timed_inside: bool) -> float:
    """Seconds per process (the slowest of ``together`` started at once)."""
    began = time.perf_counter()
    processes = [_start(code, threads) for _ in range(together)]
    outputs = [process.communicate()[0] for process in processes]
    for process in processes:
        if process.returncode:
            raise SystemExit(f"a measuring process failed with exit status {process.returncode}")
    if timed_inside:
        return max(float(output) for output in outputs)
    return time.perf_counter() - began


def _median(code, threads, together, timed_inside, repeats) -> float:
    return statistics.median(_run(code, threads, together, timed_inside) for _ in range(repeats))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    half = max(1, cores // 2)
    print(f"{cores} cores; median of {args.repeats} runs each", flush=True)
    start_alone = _median(START, cores, 1, False, args.repeats)
    start_pair = _median(START, half, 2, False, args.repeats)
    print(f"start-up (import keras): alone {start_alone:.2f} s, two at once {start_pair:.2f} s")
    alone_all = _median(TRAIN, cores, 1, True, args.repeats)
    alone_half = _median(TRAIN, half, 1, True, args.repeats)
    pair_half = _median(TRAIN, half, 2, True, args.repeats)
    print(
        f"training: alone with {cores} threads {alone_all:.2f} s, alone with "
        f"{half} {alone_half:.2f} s, two at once with {half} each "
        f"{pair_half:.2f} s"
    )
    print(
        f"ceiling for 2 workers over 1: start-up {2 * start_alone / start_pair:.2f}x, "
        f"training {2 * alone_all / pair_half:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
