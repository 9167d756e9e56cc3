"""The nbgrader configuration and course directory shared by release, grade and feedback.

`nbgrader_config.py` at the repository root calls `configure`, so the `nbgrader` command
and `cnncourse` produce the same notebooks.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import sys
from pathlib import Path

from traitlets.config import Config

from cnncourse.grading.writer_lock import exclusive_writer
from cnncourse.profile import current_profile

SOURCE_FOLDER = "solutions"
RELEASE_FOLDER = "exercises"


def configure(config: Config | None = None, *, cell_timeout: int | None = None) -> Config:
    """The course's nbgrader settings, added to ``config`` (a new one when None)."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        Execute,
        GetGrades,
        IgnorePattern,
        IncludeHeaderFooter,
        InstantiateTests,
        LimitOutput,
        LockCells,
        SaveAutoGrades,
        SaveCells,
    )

    from cnncourse.grading.execute import KERNEL_ARGUMENTS
    from cnncourse.grading.preprocessors import (
        GeneratedNote,
        HideHiddenTests,
        MarkPendingGrades,
        StderrAsStdout,
    )

    c = config if config is not None else Config()
    c.CourseDirectory.source_directory = SOURCE_FOLDER
    c.CourseDirectory.release_directory = RELEASE_FOLDER
    # nbgrader's own generate chain, then the "generated, do not edit" note.
    c.GenerateAssignment.preprocessors = [
        IncludeHeaderFooter,
        InstantiateTests,
        LockCells,
        ClearSolutions,
        ClearOutput,
        CheckCellMetadata,
        ComputeChecksums,
        SaveCells,
        ClearHiddenTests,
        ClearMarkScheme,
        ComputeChecksums,
        CheckCellMetadata,
        GeneratedNote,
    ]
    c.GeneratedNote.source_folder = SOURCE_FOLDER
    # nbgrader's autograde chain, with stderr turned into stdout right after execution:
    # TensorFlow's warnings must not zero a passing test cell.
    c.Autograde.autograde_preprocessors = [
        Execute,
        StderrAsStdout,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    # A deleted test cell is put back from the gradebook and run, not silently scored 0.
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = int(cell_timeout or current_profile().cell_timeout)
    c.Execute.extra_arguments = list(KERNEL_ARGUMENTS)
    # Feedback shows the messages of hidden tests, never their source.
    # Answers waiting for grading by hand are shown as pending, not as 0.
    c.GenerateFeedback.preprocessors = [
        GetGrades,
        MarkPendingGrades,
        HideHiddenTests,
        CSSHTMLHeaderPreprocessor,
    ]
    return c


def quiet_logger(name: str = "cnncourse.grading.nbgrader") -> logging.Logger:
    """A logger that nbgrader can write to without printing: capture_log still reads it."""
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())  # no "last resort" printing to stderr
    return logger


def ensure_alembic_on_path() -> None:
    """Put this Python's scripts folder on PATH when `alembic` is not there.

    nbgrader's Gradebook runs the `alembic` command when it creates a database; a venv
    used without activation (`.venv/bin/python -m cnncourse`) does not have it on PATH.
    """
    if shutil.which("alembic"):
        return
    scripts = str(Path(sys.executable).parent)
    os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


@functools.cache
def _alembic_head() -> str:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import _temp_alembic_ini

    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
        return ScriptDirectory.from_config(AlembicConfig(ini)).get_heads()[0]


def read_alembic_head_in_process() -> None:
    """Make nbgrader read its database revision in this process, once.

    nbgrader's Gradebook runs ``alembic heads`` in a subprocess each time it creates a
    database (5 s on a busy 2-core machine) just to read the same revision string; this
    reads it with alembic's Python API instead, and falls back to nbgrader's own way.
    """
    import nbgrader.api

    original = nbgrader.api.get_alembic_version
    if getattr(original, "in_process", False):
        return

    def get_alembic_version() -> str:
        try:
            return _alembic_head()
        except Exception:  # noqa: BLE001 - nbgrader's subprocess still works
            return original()

    get_alembic_version.in_process = True
    nbgrader.api.get_alembic_version = get_alembic_version


def nbgrader_api(
    root: Path,
    *,
    cell_timeout: int | None = None,
    db_url: str | None = None,
    **directories: Path | str,
):
    """An `nbgrader.apps.NbGraderAPI` on the course at ``root`` with the course's settings.

    ``directories`` sets CourseDirectory folders (source_directory=..., submitted_directory=...);
    absolute paths may point outside ``root``.
    """
    from nbgrader.apps import NbGraderAPI

    ensure_alembic_on_path()
    read_alembic_head_in_process()
    Path(root).mkdir(parents=True, exist_ok=True)
    config = configure(Config(), cell_timeout=cell_timeout)
    config.CourseDirectory.root = str(Path(root).resolve())
    for key, value in directories.items():
        setattr(config.CourseDirectory, key, str(value))
    if db_url:
        config.CourseDirectory.db_url = db_url
    return NbGraderAPI(config=config, log=quiet_logger())


def nbgrader_error(result: dict, key: str = "log") -> str | None:
    """The last line of what an `NbGraderAPI` call that failed says in ``result[key]``
    ("log" or "error"), leaving out nbgrader's own ``[App | LEVEL]`` lines; None if empty."""
    lines = [
        line.strip()
        for line in str(result.get(key) or "").splitlines()
        if line.strip() and not line.startswith("[")
    ]
    return lines[-1] if lines else None


def course_root(root: Path | None = None) -> Path:
    """The course folder holding solutions/: ``root``, the current folder, or this checkout."""
    from cnncourse.paths import repo_root

    candidates = (root,) if root is not None else (Path.cwd(), repo_root())
    for candidate in candidates:
        if candidate is not None and (Path(candidate) / SOURCE_FOLDER).is_dir():
            return Path(candidate).resolve()
    where = root if root is not None else Path.cwd()
    raise FileNotFoundError(
        f"no {SOURCE_FOLDER}/ folder in {where}: run from the course repository (or give its root)"
    )


def assignment_names(source: Path) -> list[str]:
    """The assignments of a source folder: its sub-folders holding notebooks."""
    return sorted(
        path.name for path in Path(source).iterdir() if path.is_dir() and any(path.glob("*.ipynb"))
    )


def ensure_course_row(db_url: str) -> None:
    """Make the gradebook's row of the course nbgrader files assignments under ("").

    nbgrader's apps run with an empty course id and never add a Course row for it; SQLite
    does not enforce the foreign key, PostgreSQL refuses every assignment without the row.
    """
    from nbgrader.api import Course, Gradebook

    ensure_alembic_on_path()
    read_alembic_head_in_process()
    # The first grader into a new database creates its tables, the others wait for it.
    with exclusive_writer(db_url), Gradebook(db_url) as gradebook:
        if gradebook.db.get(Course, "") is None:
            gradebook.db.add(Course(id=""))
            gradebook.db.commit()


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite gradebook file."""
    return f"sqlite:///{Path(path).resolve()}"
