"""New figures outside pyplot that display in a notebook, and the colours the figures share."""

from __future__ import annotations

import contextlib
import sys

from matplotlib.figure import Figure

# Colours of the runs in the curves and of the values in the comparisons (matplotlib's tab10).
RUN_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
HIGHLIGHT_COLOUR = "red"


def run_colour(index: int) -> str:
    """The colour of the ``index``-th run or value (the tab10 cycle, repeating after ten)."""
    return RUN_COLOURS[index % len(RUN_COLOURS)]


def new_figure(**kwargs) -> Figure:
    """A Figure outside pyplot; in a Jupyter kernel, one that displays as an image.

    IPython shows a bare Figure as an image only once the inline backend has registered its
    display formatters, which it does when its module is loaded: normally at the first
    pyplot figure. A notebook that never makes one would see "<Figure size ...>" instead,
    so load it here when the kernel's backend is the inline one.
    """
    if "ipykernel" in sys.modules and "matplotlib_inline.backend_inline" not in sys.modules:
        import matplotlib

        try:
            backend = matplotlib.get_backend(auto_select=False)
        except TypeError:  # matplotlib < 3.10
            backend = matplotlib.rcParams._get("backend")
        if "inline" in str(backend):
            with contextlib.suppress(ImportError):
                import matplotlib_inline.backend_inline  # noqa: F401
    return Figure(**kwargs)
