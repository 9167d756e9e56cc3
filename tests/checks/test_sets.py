"""Collections: the same items as the truth, disjoint splits, balanced classes, the best pick."""

from pathlib import Path

import pytest

from cnncourse.checks import Question, balanced, best_choice, disjoint, same_items


def class_and_name(path):
    return "/".join(Path(path).parts[-2:])


BAD = [
    "/data/PetImages/Cat/666.jpg",
    "/data/PetImages/Cat/Thumbs.db",
    "/data/PetImages/Dog/11702.jpg",
]


def test_same_files_given_as_other_paths_pass_through_the_key():
    answer = [Path("/tmp/copy/PetImages/Dog/11702.jpg"), "Cat/Thumbs.db", Path("Cat/666.jpg")]
    result = same_items(answer, BAD, name="removed_files", key=class_and_name)
    assert result.passed
    assert result.message == "removed_files: all 3 items are right"


def test_missing_extra_and_repeated_items_are_named_and_counted():
    answer = ["Cat/666.jpg", "Cat/666.jpg", "Dog/3.jpg"]
    result = same_items(answer, BAD, name="removed_files", key=class_and_name)
    assert not result.passed
    assert result.message == (
        "removed_files: expected 3 items, yours has 2 items missing (Cat/Thumbs.db, "
        "Dog/11702.jpg); 1 item that should not be there (Dog/3.jpg); 1 item listed twice "
        "(Cat/666.jpg)"
    )


def test_long_lists_are_cut_and_a_hint_is_added():
    result = same_items([], [f"Cat/{i}.jpg" for i in range(10)], show=2, hint="delete them")
    assert result.message == (
        "your answer: expected 10 items, yours has 10 items missing "
        "(Cat/0.jpg, Cat/1.jpg and 8 more) (delete them)"
    )


@pytest.mark.parametrize("answer", [None, "Cat/666.jpg", {"Cat": ["666.jpg"]}, 3])
def test_not_a_list_fails_with_its_type(answer):
    result = same_items(answer, BAD, name="removed_files")
    assert not result.passed
    assert result.message.startswith("removed_files: expected a list of items, got ")


def test_a_key_that_fails_on_the_answer_fails_the_check():
    result = same_items([1, 2], BAD, key=class_and_name)
    assert not result.passed and "cannot read the items (TypeError" in result.message


def test_disjoint_parts_and_the_first_overlap():
    parts = {"train": ["Cat/1.jpg", "Dog/1.jpg"], "val": ["Cat/2.jpg"], "test": ["Dog/2.jpg"]}
    result = disjoint(parts, name="train, val and test")
    assert result.passed
    assert result.message == "train, val and test do not overlap (train 2, val 1, test 1)"
    parts["test"] = ["Dog/2.jpg", "Cat/1.jpg"]
    result = disjoint(parts, name="train, val and test")
    assert result.message == (
        "train, val and test: train and test share 1 item (Cat/1.jpg): "
        "an image may be in one part only"
    )
    assert not disjoint(["Cat/1.jpg"]).passed
    assert not disjoint({"train": None}).passed


def test_balanced_classes():
    assert balanced({"Cat": 28, "Dog": 28}, name="the classes of train").message == (
        "the classes of train are balanced (Cat 28, Dog 28)"
    )
    result = balanced({"Cat": 30, "Dog": 26}, name="the classes of train")
    assert not result.passed
    assert result.message.startswith("the classes of train are not balanced (Cat 30, Dog 26)")
    assert balanced({"Cat": 30, "Dog": 29}, tolerance=1).passed
    assert not balanced({"Cat": "many"}).passed


def test_best_choice_accepts_any_tied_best_and_names_the_best_otherwise():
    scores = {(1e-4, (32, 32, 32)): 0.5, (1e-3, (64, 64, 64)): 0.5, (1e-3, (32, 32, 32)): 0.25}
    assert best_choice((1e-4, (32, 32, 32)), scores).passed
    assert best_choice((1e-3, (64, 64, 64)), scores).passed
    result = best_choice(
        (1e-3, (32, 32, 32)), scores, name="best_params", score_name="val_accuracy"
    )
    assert result.message == (
        "best_params: (0.001, (32, 32, 32)) has val_accuracy 0.25, but "
        "(0.0001, (32, 32, 32)) has the highest (0.5)"
    )
    assert "is none of the candidates" in best_choice((0.1, (8,)), scores).message
    assert best_choice("b", {"a": 2.0, "b": 1.0}, largest=False).passed


def test_best_choice_with_a_key_reading_dicts():
    def as_point(row):
        return (float(row["learning_rate"]), tuple(row["filters"]))

    rows = [
        {"learning_rate": 1e-4, "filters": [32] * 3, "val_accuracy": 0.6},
        {"learning_rate": 1e-3, "filters": [64] * 3, "val_accuracy": 0.7},
    ]
    scores = {as_point(row): row["val_accuracy"] for row in rows}

    def key(value):  # applied to the candidates (tuples already) and to the choice
        return value if isinstance(value, tuple) else as_point(value)

    assert best_choice({"learning_rate": 1e-3, "filters": (64, 64, 64)}, scores, key=key).passed
    result = best_choice({"filters": (64, 64, 64)}, scores, key=key)
    assert not result.passed and "cannot read it (KeyError" in result.message


def test_results_add_up_in_a_question():
    question = Question("1.2 split", echo=False)
    question.add(same_items(["a", "b"], ["a", "b"]), points=1)
    question.add(lambda: disjoint({"x": ["a"], "y": ["a"]}), points=1)
    assert float(question.score()) == 1
