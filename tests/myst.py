"""Helper of the book tests: a MyST chapter page as the book's chapters start."""

#: The front matter of every chapter (jupytext's MyST format, the Python 3 kernel).
FRONT_MATTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def myst_page(body: str) -> str:
    """A chapter page: the front matter, then ``body`` (MyST markdown with code cells)."""
    return FRONT_MATTER + body
