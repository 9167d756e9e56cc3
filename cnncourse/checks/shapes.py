"""Shapes and sizes in the checks' messages: the one place that writes them.

Two kinds of text, one rule each:

- an array's or a tensor's shape, batch axis included, as Python prints ``x.shape``:
  ``shape_text((None, 32, 32, 3))`` is "(None, 32, 32, 3)", ``shape_text((10,))`` "(10,)";
- a size without the batch axis (an image, a layer's input in a specification, a kernel or a
  pool window), height x width x channels: ``size_text((32, 32, 3))`` is "32x32x3",
  ``size_text((5, 5))`` "5x5", and "?" stands for a size that is not fixed.
"""

from __future__ import annotations

from collections.abc import Iterable


def shape_text(shape: Iterable) -> str:
    """A shape as Python writes a tuple: (None, 32, 32, 3), (10,), ()."""
    dims = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def shapes_text(shapes: Iterable) -> str:
    """Several shapes as Python writes a list of tuples: [(3, 3, 3, 8), (8,)]."""
    return "[" + ", ".join(shape_text(shape) for shape in shapes) + "]"


def size_text(size: Iterable) -> str:
    """A size as height x width (x channels): 32x32x3, 5x5; ? for a size that is not fixed."""
    return "x".join("?" if d is None else str(d) for d in size)
