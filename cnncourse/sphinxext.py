"""Sphinx extension of the book: serve MathJax from the installed package, never from a CDN."""

from __future__ import annotations

import shutil
from pathlib import Path

# MathJax 3 with SVG output: the fonts are drawn as SVG paths, so no web font is loaded.
MATHJAX_ENTRY = "tex-svg.js"
# Components MathJax may load lazily (TeX extensions, the accessibility menu).
MATHJAX_LAZY_DIRS = ("input", "ui", "a11y", "output", "adaptors")


def mathjax_source() -> Path:
    """The folder of MathJax's es5 build inside the installed django-static-mathjax package."""
    try:
        import mathjax
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise RuntimeError(
            "the book needs MathJax from the package django-static-mathjax; "
            "install the project with `pip install -e .`"
        ) from error
    folder = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (folder / MATHJAX_ENTRY).is_file():
        raise RuntimeError(f"MathJax is incomplete: {folder / MATHJAX_ENTRY} is missing")
    return folder


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / MATHJAX_ENTRY, target / MATHJAX_ENTRY)
    for name in MATHJAX_LAZY_DIRS:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, dirs_exist_ok=True)


def setup(app):
    app.config.mathjax_path = f"mathjax/{MATHJAX_ENTRY}"
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
