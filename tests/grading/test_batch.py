"""How a batch shares the cores: each task it sends gets the cores shared among what runs
then, so the last tasks of a batch, alone, get the cores the others freed."""

from types import SimpleNamespace

from cnncourse.grading.batch import _Batch
from cnncourse.grading.pool import LocalPool
from cnncourse.grading.progress import Progress
from cnncourse.grading.tasks import GradeTask


def grade_task(student: str) -> GradeTask:
    return GradeTask(
        student=student,
        assignment="a1",
        files={},
        release={},
        source={},
        profile="tiny",
        cell_seconds=60,
        limits={},
    )


def recording_pool(monkeypatch, cores: int, workers: int, job_threads: str = ""):
    import cnncourse.grading.pool as pool

    monkeypatch.setenv("CNNCOURSE_JOB_THREADS", job_threads)
    monkeypatch.setattr(pool.os, "sched_getaffinity", lambda pid: set(range(cores)))
    local = LocalPool(workers)
    local.sent = []
    monkeypatch.setattr(local, "submit", lambda function, task, priority=0: local.sent.append(task))
    return local


def batch_of(pool, students, tmp_path):
    course = SimpleNamespace(source=tmp_path / "source", root=tmp_path / "root", profile="tiny")
    (course.source / "a1").mkdir(parents=True)
    for name in ("first", "second"):
        (course.source / "a1" / f"{name}.ipynb").write_text("{}", encoding="utf-8")
    tasks = [grade_task(student) for student in students]
    return _Batch(course, pool, tasks, Progress(len(tasks), echo=lambda line: None), True)


def sent_threads(pool):
    return [(type(task).__name__, task.threads) for task in pool.sent]


def test_a_full_pool_shares_the_cores_and_a_lone_last_task_gets_them_all(monkeypatch, tmp_path):
    pool = recording_pool(monkeypatch, cores=4, workers=2)
    batch = batch_of(pool, ["ann", "ben", "cid"], tmp_path)
    batch._fill()  # two start at once: half the cores each, not all of them for the first
    assert sent_threads(pool) == [("GradeTask", 2), ("GradeTask", 2)]
    batch.running -= 1  # ann is back: cid starts beside ben
    batch._fill()
    assert sent_threads(pool)[2:] == [("GradeTask", 2)]
    batch.running -= 2  # ben and cid are back, nothing waits: the last check runs alone
    batch.left["a1"] = 0
    batch.unchecked[("a1", "first")] = ["cid--a1"]
    batch._send_checks("a1")
    assert sent_threads(pool)[3:] == [("CheckTask", 4)]
    assert list(pool.sent[3].values) == ["cid--a1"]


def test_checks_sent_together_share_the_cores(monkeypatch, tmp_path):
    pool = recording_pool(monkeypatch, cores=4, workers=2)
    batch = batch_of(pool, ["ann"], tmp_path)
    batch.waiting.clear()  # ann is back: one check of each of her two notebooks
    batch.left["a1"] = 0
    batch.unchecked[("a1", "first")] = ["ann--a1"]
    batch.unchecked[("a1", "second")] = ["ann--a1"]
    batch._send_checks("a1")
    assert sent_threads(pool) == [("CheckTask", 2), ("CheckTask", 2)]
    assert batch.running == 2


def test_a_shared_machine_keeps_its_threads_per_job(monkeypatch, tmp_path):
    pool = recording_pool(monkeypatch, cores=4, workers=2, job_threads="1")
    batch = batch_of(pool, ["ann"], tmp_path)
    batch._fill()
    assert sent_threads(pool) == [("GradeTask", 1)]
