"""Figures for the book and the notebooks: training curves, image grids, comparisons, layer graphs.

Every function returns a `matplotlib.figure.Figure` that is *not* registered with pyplot
(no global state, nothing to close, safe under the Agg backend and in loops). In a notebook,
leave the figure as the last expression of a cell or call ``display(fig)`` (it is shown
once); in the book, ``myst_nb.glue("name", fig)``; on disk, ``fig.savefig(path)``.

| module | job |
| --- | --- |
| `figures` | `new_figure` (a Figure outside pyplot that displays in a notebook), the colours |
| `curves` | `plot_history`: training curves |
| `images` | `as_display_image`, `image_grid` (the one grid of images), `plot_images` |
| `comparison` | `plot_comparison`: several results as bars or lines |
| `model_graph` | `layer_graph`: a Keras model's layers and connections as data |
| `graph_layout` | where each box of a layer graph goes |
| `graph_drawing` | `plot_model_graph`: the layer graph drawn |
"""

from cnncourse.plotting.comparison import plot_comparison
from cnncourse.plotting.curves import plot_history
from cnncourse.plotting.figures import HIGHLIGHT_COLOUR, RUN_COLOURS, new_figure
from cnncourse.plotting.graph_drawing import plot_model_graph
from cnncourse.plotting.images import (
    as_display_image,
    image_grid,
    plot_augmented_versions,
    plot_images,
)
from cnncourse.plotting.model_graph import GraphNode, LayerGraph, layer_graph

__all__ = [
    "HIGHLIGHT_COLOUR",
    "RUN_COLOURS",
    "GraphNode",
    "LayerGraph",
    "as_display_image",
    "image_grid",
    "layer_graph",
    "new_figure",
    "plot_augmented_versions",
    "plot_comparison",
    "plot_history",
    "plot_images",
    "plot_model_graph",
]
