"""A batch's progress: one line per finished submission with [n/N], the time and what is left."""

from __future__ import annotations

import time
from collections import Counter

from cnncourse.grading.settings import STATUSES

#: How many of the slowest submissions the summary names.
SLOWEST = 3


def duration(seconds: float) -> str:
    """``seconds`` as people read it: 42 s, 3 min 05 s, 2 h 10 min."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Counts finished submissions and prints a line for each, then a summary."""

    def __init__(self, total: int, echo=print, clock=time.monotonic) -> None:
        self.total, self.echo, self.clock = total, echo, clock
        self.begin = clock()
        self.outcomes: list = []

    def estimate(self) -> float | None:
        """Seconds left, from the pace so far (None before the first submission finished)."""
        done = len(self.outcomes)
        if not done:
            return None
        return (self.clock() - self.begin) / done * (self.total - done)

    def finished(self, outcome) -> str:
        """Count ``outcome`` (a record.Outcome) and print its line; returns the line."""
        self.outcomes.append(outcome)
        elapsed = self.clock() - self.begin
        left = self.estimate()
        pace = f"{duration(elapsed)} elapsed" + (
            f", about {duration(left)} left" if left and len(self.outcomes) < self.total else ""
        )
        why = f": {outcome.reason}" if outcome.reason else ""
        line = (
            f"[{len(self.outcomes)}/{self.total}] {outcome.student}/{outcome.assignment}: "
            f"{outcome.score:g}/{outcome.max_score:g} {outcome.status} in "
            f"{duration(outcome.seconds)} ({pace}){why}"
        )
        self.echo(line)
        return line

    def summary(self) -> list[str]:
        """The closing lines: how many of each status, the time, the slowest submissions."""
        counts = Counter(outcome.status for outcome in self.outcomes)
        parts = [f"{counts[status]} {status}" for status in reversed(STATUSES) if counts[status]]
        lines = [
            f"graded {len(self.outcomes)} submissions in {duration(self.clock() - self.begin)}"
            + (f": {', '.join(parts)}" if parts else "")
        ]
        slowest = sorted(self.outcomes, key=lambda outcome: -outcome.seconds)[:SLOWEST]
        if slowest:
            lines.append(
                "slowest: "
                + ", ".join(
                    f"{outcome.student}/{outcome.assignment} {duration(outcome.seconds)}"
                    for outcome in slowest
                )
            )
        for line in lines:
            self.echo(line)
        return lines
