"""Whether a matplotlib figure was produced, with enough lines or images on it."""

from __future__ import annotations

from cnncourse.checks.result import Result, plural


def _axes_of(figure) -> list | None:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(figure, (Figure, SubFigure)):
        return list(figure.get_axes())
    if isinstance(figure, Axes):
        return [figure]
    if hasattr(figure, "ravel") and not isinstance(figure, (str, bytes)):
        figure = figure.ravel().tolist()
    if isinstance(figure, (list, tuple)) and figure and all(isinstance(a, Axes) for a in figure):
        return list(figure)
    return None


def _lines(axes) -> int:
    return sum(1 for line in axes.lines if len(line.get_xdata()) > 0)


def figure(
    value, *, lines: int = 0, images: int = 0, axes: int = 1, name: str = "your figure"
) -> Result:
    """Whether ``value`` (a Figure, an Axes or an array of Axes) shows something.

    ``lines`` and ``images`` are the least numbers of plotted lines (``plot``) and images
    (``imshow``) across its axes; with both 0 anything drawn will do.
    """
    found = _axes_of(value)
    if found is None:
        return Result.fail(
            f"{name}: expected a matplotlib Figure or Axes, got {type(value).__name__} (keep "
            "the figure, e.g. fig, ax = plt.subplots(), and use it after plotting)"
        )
    drawn = [a for a in found if a.get_visible()]
    line_count = sum(_lines(a) for a in drawn)
    image_count = sum(len(a.images) for a in drawn)
    other = sum(len(a.collections) + len(a.patches) for a in drawn)
    has = (
        f"{plural(len(drawn), 'axes', 'axes')}, {plural(line_count, 'line')} and "
        f"{plural(image_count, 'image')}"
    )
    if len(drawn) < axes:
        return Result.fail(
            f"{name}: expected at least {plural(axes, 'axes', 'axes')}, yours has {has}"
        )
    if line_count < lines:
        return Result.fail(
            f"{name}: expected at least {plural(lines, 'plotted line')}, yours has {has}"
        )
    if image_count < images:
        return Result.fail(
            f"{name}: expected at least {plural(images, 'image')} (imshow), yours has {has}"
        )
    if not (line_count or image_count or other):
        return Result.fail(f"{name} is empty: nothing is drawn on its {len(drawn)} axes")
    return Result.ok(f"{name} has {has}")
