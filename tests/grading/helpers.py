"""Helpers of the grading tests: the fixture course, and submissions built from its exercises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

FIXTURE_COURSE = Path(__file__).resolve().parent / "fixtures" / "course"
#: Planted in every hidden test of the fixtures (see fixtures/build_fixtures.py).
HIDDEN_MARKER = "HIDDEN-MARKER-7f3a"

# The demo assignment's answers: right, and as a student who made the seed's mistakes.
MODEL = """\
inputs = keras.Input(shape=(8, 8, 3))
x = layers.Conv2D(4, (3, 3), padding="same", activation="relu")(inputs)
x = layers.Flatten()(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs, outputs)"""
RIGHT = {"q1_model": MODEL, "q2_answer": "conv_params = 112\ndense_params = 514"}
MISTAKES = {
    "q1_model": MODEL.replace("Dropout(0.5)", "Dropout(0.2)"),
    "q2_answer": "conv_params = 108\ndense_params = 514",
}

# The plain assignment's answers (the same questions without Keras): right, and mistaken so
# that it scores what the demo's MISTAKES score (1 of 3, 1 of 2).
PLAIN_RIGHT = {"q1_answer": "conv_height = 8\nflat_length = 256", "q2_answer": RIGHT["q2_answer"]}
PLAIN_MISTAKES = {
    "q1_answer": "conv_height = 8\nflat_length = 254",
    "q2_answer": MISTAKES["q2_answer"],
}


def copy_course(target: Path) -> Path:
    """A writable copy of the fixture course (solutions/ only) at ``target``."""
    shutil.copytree(FIXTURE_COURSE, target)
    return target


def exercise(course: Path, assignment: str):
    """The released student notebook of ``assignment`` (run `release` first)."""
    return nbformat.read(
        str(course / "exercises" / assignment / f"{assignment}.ipynb"), as_version=4
    )


def answered(notebook, answers: dict[str, str]):
    """``notebook`` with the cells whose grade_id is in ``answers`` given that source."""
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def without(notebook, grade_id: str):
    notebook.cells = [
        cell
        for cell in notebook.cells
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") != grade_id
    ]
    return notebook


def submit(submissions: Path, student: str, assignment: str, notebook) -> Path:
    """Write a submission (a notebook, or raw text) as submissions/student/assignment/."""
    folder = submissions / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    if isinstance(notebook, str):
        path.write_text(notebook, encoding="utf-8")
    else:
        nbformat.write(notebook, str(path))
    return path


def copy_workdir(workdir, target):
    """A copy of a grading folder whose grading.json points to its own copy of the gradebook."""
    shutil.copytree(workdir, target)
    settings_path = target / "grading.json"
    settings = json.loads(settings_path.read_text())
    settings["db_url"] = f"sqlite:///{(target / 'gradebook.db').resolve()}"
    if "root" in settings:
        settings["root"] = str(target.resolve())
    settings_path.write_text(json.dumps(settings, indent=2))
    return target, settings["db_url"]
