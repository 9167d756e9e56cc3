"""Where and how a batch grades: plain paths and settings, so a job can be sent elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnncourse.grading.course import nbgrader_api
from cnncourse.profile import get_profile

#: Statuses of a submission, most serious first (a submission gets the first that applies).
STATUSES = ("failed", "invalid", "missing", "timeout", "stopped", "tampered", "graded")


@dataclass(frozen=True)
class GradingCourse:
    """Where and how a batch grades; plain paths and settings, so a job can be sent elsewhere.

    ``root`` is the grading work folder: it holds the staged copies of the submissions
    (``submitted/``), nbgrader's ``autograded/`` notebooks and the assignments generated
    from ``source`` (``release/``), which also put them in the gradebook.
    """

    root: Path
    source: Path
    submissions: Path
    db_url: str
    profile: str = "tiny"
    cell_timeout: int | None = None

    @property
    def timeout(self) -> int:
        return int(self.cell_timeout or get_profile(self.profile).cell_timeout)

    @property
    def staged(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def released(self) -> Path:
        return self.root / "release"

    def api(self, **directories):
        """An NbGraderAPI on this course (extra CourseDirectory folders may be given)."""
        folders = {
            "source_directory": self.source,
            "release_directory": self.released,
            "submitted_directory": self.staged,
            "autograded_directory": self.autograded,
            "feedback_directory": self.root / "feedback",
        }
        folders.update(directories)
        return nbgrader_api(self.root, cell_timeout=self.timeout, db_url=self.db_url, **folders)
