"""Place the chosen files in SUBMISSIONS/<student>/<assignment>/ and sum up where each went."""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat


@dataclass
class Placed:
    """One file written to ``target/student/assignment/name``, from ``source``."""

    student: str
    assignment: str
    name: str
    source: str
    note: str = ""


@dataclass
class IntakeResult:
    """Where each file of an export went: placed, ignored (path, why) or a problem (path, why)."""

    target: Path
    placed: list[Placed] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> list[str]:
        """Printable lines: one per student placed, the notes, problems, warnings, a count."""
        lines, students = [], sorted({item.student for item in self.placed})
        for student in students:
            mine = [item for item in self.placed if item.student == student]
            lines.append(f"{student}: " + ", ".join(f"{i.assignment}/{i.name}" for i in mine))
            lines += [
                f"  {i.assignment}/{i.name} from {i.source}: {i.note}" for i in mine if i.note
            ]
        lines += [f"problem: {path}: {why}" for path, why in self.problems]
        lines += [f"warning: {path}: {why}" for path, why in self.warnings]
        lines.append(
            f"{len(self.placed)} files placed for {len(students)} students in "
            f"{self.target}; {len(self.ignored)} ignored, {len(self.warnings)} warnings, "
            f"{len(self.problems)} not placed"
        )
        return lines


def _notebook_problem(path: Path) -> str | None:
    try:
        nbformat.validate(nbformat.read(str(path), as_version=4))
        return None
    except Exception as error:  # noqa: BLE001 - JSON, schema or encoding errors alike
        first = next((line for line in str(error).splitlines() if line.strip()), "")
        return (
            f"not a valid notebook ({first.strip()[:160]}): copied, the grader records it "
            "as invalid"
        )


def place_files(groups: dict, target: Path, force: bool, result: IntakeResult) -> None:
    for (student, assignment, name), group in sorted(groups.items()):
        *older, chosen = sorted(group, key=lambda item: item.rank)
        notes = [] if chosen.rank[0] else [f"renamed from {chosen.inner[-1]}"]
        if older:
            notes.append(
                f"the latest of {len(group)}; ignored " + ", ".join(other.source for other in older)
            )
        result.ignored += [
            (other.source, f"an older copy of {student}/{assignment}/{name}: took {chosen.source}")
            for other in older
        ]
        destination = target / student / assignment / name
        if destination.is_file() and filecmp.cmp(destination, chosen.path, shallow=False):
            notes.append("already there, unchanged")
        elif destination.exists() and not (force and destination.is_file()):
            result.problems.append(
                (
                    chosen.source,
                    f"{destination} already exists and differs: "
                    "not overwritten (force replaces it)",
                )
            )
            continue
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.unlink(missing_ok=True)
            shutil.copy2(chosen.path, destination)
        if chosen.notebook and (why := _notebook_problem(destination)):
            result.warnings.append((chosen.source, why))
        result.placed.append(Placed(student, assignment, name, chosen.source, "; ".join(notes)))
