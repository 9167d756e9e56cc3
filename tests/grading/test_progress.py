"""Progress lines of a batch: [n/N], the time elapsed and left, and the closing summary."""

from cnncourse.grading.progress import Progress, duration
from cnncourse.grading.record import Outcome


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def outcome(student, status="graded", seconds=10.0, score=3.0, reason=""):
    return Outcome(student, "a1", score, 5.0, status, reason, seconds=seconds)


def test_durations_read_as_people_read_them():
    assert [duration(s) for s in (0, 42.4, 65, 3599, 3600 * 2 + 600)] == [
        "0 s",
        "42 s",
        "1 min 05 s",
        "59 min 59 s",
        "2 h 10 min",
    ]


def test_each_line_counts_and_estimates_what_is_left():
    clock, lines = Clock(), []
    progress = Progress(4, lines.append, clock=clock)
    clock.now += 30
    progress.finished(outcome("alice"))
    assert lines[-1] == "[1/4] alice/a1: 3/5 graded in 10 s (30 s elapsed, about 1 min 30 s left)"
    clock.now += 10
    progress.finished(outcome("bob", "invalid", 2, 0, "a1.ipynb is not a valid notebook"))
    assert lines[-1] == (
        "[2/4] bob/a1: 0/5 invalid in 2 s (40 s elapsed, about 40 s left): "
        "a1.ipynb is not a valid notebook"
    )
    clock.now += 20
    progress.finished(outcome("carol", seconds=50))
    progress.finished(outcome("dave", "timeout", 30))
    assert lines[-1].startswith("[4/4] dave/a1") and "left" not in lines[-1]


def test_the_summary_counts_statuses_and_names_the_slowest():
    clock, lines = Clock(), []
    progress = Progress(4, lines.append, clock=clock)
    for name, status, seconds in (
        ("alice", "graded", 10),
        ("bob", "invalid", 2),
        ("carol", "graded", 50),
        ("dave", "timeout", 30),
    ):
        progress.finished(outcome(name, status, seconds))
    clock.now += 125
    summary = progress.summary()
    assert summary == [
        "graded 4 submissions in 2 min 05 s: 2 graded, 1 timeout, 1 invalid",
        "slowest: carol/a1 50 s, dave/a1 30 s, alice/a1 10 s",
    ]
    assert lines[-2:] == summary
