"""The order and the units in which pytest-xdist hands out the test files (tests/scheduling.py)."""

from types import SimpleNamespace

from tests.scheduling import SHARED, SharedFixtureScheduling, order_files


def _item(nodeid: str, fixtures=(), slow=False):
    return SimpleNamespace(
        nodeid=nodeid,
        fixturenames=list(fixtures),
        get_closest_marker=lambda name: object() if slow and name == "slow" else None,
    )


def test_files_with_a_batch_come_first_then_slow_ones_then_the_rest():
    items = [
        _item("tests/test_quick.py::test_a"),
        _item("tests/test_slow.py::test_b", slow=True),
        _item("tests/test_quick.py::test_c"),
        _item("tests/test_batch.py::test_d", fixtures=["hostile_batch"], slow=True),
        _item("tests/test_batch.py::test_e"),
    ]
    assert order_files(items, {"hostile_batch"}) == []
    assert [item.nodeid for item in items] == [
        "tests/test_batch.py::test_d",
        "tests/test_batch.py::test_e",
        "tests/test_slow.py::test_b",
        "tests/test_quick.py::test_a",
        "tests/test_quick.py::test_c",
    ]


def test_a_file_sharing_a_locked_fixture_must_be_listed():
    items = [_item("tests/grading/test_new.py::test_x", fixtures=["graded_batch"], slow=True)]
    assert order_files(items, {"graded_batch"}) == [
        "tests/grading/test_new.py uses graded_batch: add it to SHARED in tests.scheduling"
    ]


def test_the_files_of_one_shared_fixture_are_one_unit_of_work():
    split = SharedFixtureScheduling._split_scope
    scopes = {split(None, f"{path}::test_x") for path in SHARED if SHARED[path] == "built_book"}
    assert scopes == {"shared fixture built_book"}
    assert split(None, "tests/test_quick.py::test_a") == "tests/test_quick.py"
