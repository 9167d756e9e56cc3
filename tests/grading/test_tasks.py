"""The tasks a worker runs: bytes in and out, paths kept inside, the same code everywhere."""

import pytest

from cnncourse.grading import tasks


def test_files_travel_as_bytes_and_stay_inside_their_folder(tmp_path):
    source = tmp_path / "submission"
    (source / "data").mkdir(parents=True)
    (source / "a1.ipynb").write_text("{}")
    (source / "data" / "x.csv").write_bytes(b"1,2\n")
    (source / "link").symlink_to(source / "a1.ipynb")
    files = tasks.read_files(source)
    assert files == {"a1.ipynb": b"{}", "data/x.csv": b"1,2\n"}  # the link is left out
    copy = tasks.write_files(tmp_path / "copy", files)
    assert (copy / "data" / "x.csv").read_bytes() == b"1,2\n"
    for bad in ("../evil.ipynb", "/etc/evil", "data/../../evil"):
        with pytest.raises(ValueError, match="not a path inside"):
            tasks.write_files(tmp_path / "copy", {bad: b"x"})
    assert not (tmp_path / "evil.ipynb").exists()


def test_a_submission_too_large_to_send_is_refused_with_its_folder(tmp_path):
    (tmp_path / "big.bin").write_bytes(b"x" * 2048)
    with pytest.raises(ValueError, match=f"{tmp_path} holds more than 0 MB"):
        tasks.read_files(tmp_path, limit=1024)


def test_each_job_gets_its_share_of_the_threads(monkeypatch):
    env = tasks.job_environment(3)
    assert {
        env[key]
        for key in (
            "TF_NUM_INTRAOP_THREADS",
            "TF_NUM_INTEROP_THREADS",
            "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
        )
    } == {"3"}
    monkeypatch.delenv("CNNCOURSE_JOB_THREADS", raising=False)
    monkeypatch.setattr(tasks.os, "sched_getaffinity", lambda pid: set(range(8)))
    assert tasks.job_environment(None)["TF_NUM_INTRAOP_THREADS"] == "8"  # not a Dask worker
    monkeypatch.setenv("CNNCOURSE_JOB_THREADS", "2")
    assert tasks.job_environment(None)["OMP_NUM_THREADS"] == "2"


def test_a_worker_with_other_code_refuses_the_task():
    task = tasks.GradeTask(
        student="alice",
        assignment="a1",
        files={},
        release={},
        source={},
        profile="tiny",
        cell_seconds=10,
        limits={},
        code="0" * 16,
    )
    with pytest.raises(RuntimeError, match="runs other cnncourse code .* install the same"):
        tasks.run_grade_task(task)
    check = tasks.CheckTask(
        assignment="a1", notebook="a1", source="{}", values={}, profile="tiny", code="0" * 16
    )
    with pytest.raises(RuntimeError, match="runs other cnncourse code"):
        tasks.run_check_task(check)


def test_the_workspaces_of_a_killed_grader_are_unmounted_and_removed(tmp_path, monkeypatch):
    import os
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    monkeypatch.setenv("CNNCOURSE_WORKER_TMP", str(tmp_path))
    stale = tmp_path / f"cnncourse-{dead.pid}-alice--a1-x1"
    mine = tmp_path / f"cnncourse-{os.getpid()}-bob--a1-x2"
    for base in (stale, mine):
        (base / "sandboxes" / "job").mkdir(parents=True)
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(stale / "sandboxes" / "job")],
            check=False,
        ).returncode
        == 0
    )
    tasks.remove_stale_workspaces.cache_clear()
    assert tasks.remove_stale_workspaces() == [stale]
    assert not stale.exists() and mine.is_dir()
    if mounted:
        assert str(stale) not in open("/proc/mounts").read()
    tasks.remove_stale_workspaces.cache_clear()
