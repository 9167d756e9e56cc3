"""The class report's figure: per assignment a score histogram and the pass rate per question."""

from __future__ import annotations

from pathlib import Path

from cnncourse.grading.report_stats import BUCKETS, COUNTED, LOW_DISCRIMINATION

_GOOD, _LOW, _UNKNOWN = "tab:blue", "tab:orange", "tab:gray"


def _bar_colour(question) -> str:
    if question.discrimination is None:
        return _UNKNOWN
    return _LOW if question.discrimination < LOW_DISCRIMINATION else _GOOD


def _histogram(axes, assignment) -> None:
    from matplotlib.ticker import MaxNLocator

    width = 100 / BUCKETS
    axes.bar(
        [bucket * width for bucket in range(BUCKETS)],
        assignment.histogram(),
        width=width,
        align="edge",
        color="tab:blue",
        edgecolor="white",
    )
    axes.set_xlim(0, 100)
    axes.set_xlabel(f"total score (% of {assignment.max_score:g} points)")
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    apart = ", ".join(
        f"{number} {status}"
        for status, number in assignment.statuses.items()
        if number and status not in COUNTED
    )
    pending = f"; {assignment.pending_manual} grades pending" if assignment.pending_manual else ""
    axes.set_title(
        f"{assignment.assignment}: {assignment.counted} submissions"
        + (f" ({apart} left out)" if apart else "")
        + pending
    )


def _pass_rates(axes, assignment, questions) -> None:
    if not questions:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "no graded question", ha="center", va="center")
        return
    rows = range(len(questions))
    rates = [100 * (q.pass_rate or 0.0) for q in questions]
    axes.barh(rows, rates, color=[_bar_colour(q) for q in questions])
    labels = [q.title + (f" ({q.pending} pending)" if q.pending else "") for q in questions]
    axes.set_yticks(rows, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 125)  # room for the discrimination labels
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("submissions with full points (%)")
    axes.set_title(
        f"{assignment.assignment}: pass rate, discrimination D (orange: D < {LOW_DISCRIMINATION:g})"
    )
    for row, (rate, question) in enumerate(zip(rates, questions)):
        text = "D -" if question.discrimination is None else f"D {question.discrimination:.2f}"
        axes.text(rate + 1.5, row, text, va="center", fontsize=8)


def plot_report(questions, assignments, path: Path) -> None:
    """Save the figure at ``path``: one row per assignment with counted submissions
    (its histogram, its pass rates); assignments none of whose submissions count are left out."""
    from matplotlib.figure import Figure

    assignments = [a for a in assignments if a.counted]
    if not assignments:
        figure = Figure(figsize=(6, 2))
        figure.text(0.5, 0.5, "no graded submission", ha="center", va="center")
        figure.savefig(path, dpi=100)
        return
    per_assignment = {
        a.assignment: [q for q in questions if q.assignment == a.assignment] for a in assignments
    }
    heights = [max(3.0, 0.35 * len(items) + 1.5) for items in per_assignment.values()]
    figure = Figure(figsize=(12, sum(heights)), layout="constrained")
    grid = figure.add_gridspec(len(assignments), 2, height_ratios=heights, width_ratios=[1, 1.3])
    for row, assignment in enumerate(assignments):
        _histogram(figure.add_subplot(grid[row, 0]), assignment)
        _pass_rates(
            figure.add_subplot(grid[row, 1]), assignment, per_assignment[assignment.assignment]
        )
    figure.savefig(path, dpi=100)
