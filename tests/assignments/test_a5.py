"""Assignment 5 (transfer across sizes) graded in one batch: solution, untouched, one mistaken."""

import re

import pytest

from .helpers import (
    auto_points,
    grade_students,
    max_points,
)

ASSIGNMENT, NOTEBOOK = "a5", "a5_transfer_across_sizes"

# A student who labels STL-10 in its own class order (its question 8 head then learns those
# wrong labels), uses Dropout 0.2 in the CIFAR-10 model,
# leaves out the STL-10 model's augmentation, forgets the Dense biases, and resizes the
# images to 32x32 instead of moving the convolutional base.
MISTAKES = {
    "q1_answer": [
        (
            "x_stl_train, y_stl_train = keep_shared(stl.x_train, stl.y_train, stl_names)\n"
            "x_stl_test, y_stl_test = keep_shared(stl.x_test, stl.y_test, stl_names)",
            "cifar_order = shared_classes\n"
            "shared_classes = [name for name in stl_names if name in cifar_order]  # STL's order\n"
            "x_stl_train, y_stl_train = keep_shared(stl.x_train, stl.y_train, stl_names)\n"
            "x_stl_test, y_stl_test = keep_shared(stl.x_test, stl.y_test, stl_names)\n"
            "shared_classes = cifar_order",
        )
    ],
    "q2_answer": [("layers.Dropout(0.5)", "layers.Dropout(0.2)")],
    "q4_answer": [("x = models.augmentation((96, 96, 3))(inputs)", "x = inputs")],
    "q6_answer": [
        ("dense_params_96 = flatten_96 * 128 + 128", "dense_params_96 = flatten_96 * 128")
    ],
    "q7_answer": [("x = inputs\n", "x = layers.Resizing(32, 32)(inputs)  # CIFAR-10's size\n")],
}
FULL = {
    "q1_test": 4,
    "q2_test": 3,
    "q3_test": 1,
    "q4_test": 2,
    "q5_test": 3,
    "q6_test": 2,
    "q7_test": 4,
    "q8_test": 2,
}


# The solution with the CIFAR-10 model and the STL-10 head left untrained: both fitted at a
# learning rate of 1e-12 (compile_and_fit refuses 0), so their histories are complete and
# their accuracies stay at chance.
UNTRAINED = {
    "q3_answer": [("original_epochs=30)", "original_epochs=30, learning_rate=1e-12)")],
    "q8_answer": [("learning_rate=3e-2)", "learning_rate=1e-12)")],
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return grade_students(
        tmp_path_factory.mktemp("a5"),
        ASSIGNMENT,
        NOTEBOOK,
        {"mistaken": MISTAKES, "untrained": UNTRAINED},
    )


@pytest.mark.slow
def test_the_test_cells_and_their_points(batch):
    assert max_points(batch, "solution") == FULL
    assert batch.rows["solution"]["max_score"] == "23"  # 21 autograded + 2 graded by hand


@pytest.mark.slow
def test_the_solution_gets_full_marks(batch):
    assert auto_points(batch, "solution") == FULL
    row = batch.rows["solution"]
    assert (row["score"], row["status"], row["reason"]) == ("21", "graded", "")


@pytest.mark.slow
def test_the_untouched_exercise_scores_zero_without_stopping_the_batch(batch):
    assert auto_points(batch, "untouched") == {name: 0 for name in FULL}
    row = batch.rows["untouched"]
    assert (row["score"], row["status"]) == ("0", "graded")
    assert "unanswered: q1_answer, q2_answer" in row["reason"]
    assert (
        "this check could not run: NameError: name 'shared_classes' is not defined"
        in batch.failed("untouched", "q1_test")
    )


@pytest.mark.slow
def test_each_mistake_costs_its_own_question(batch):
    points = auto_points(batch, "mistaken")
    # The wrong label map costs question 8's training point too (below).
    assert points == dict(FULL, q1_test=3, q2_test=1, q4_test=1, q6_test=1, q7_test=2, q8_test=1)
    assert batch.rows["mistaken"]["score"] == "13"


@pytest.mark.slow
def test_a_wrong_label_map_names_the_class(batch):
    q1 = batch.failed("mistaken", "q1_test")
    assert re.search(
        r"y_stl_train: the \d+ images of class '\w+' should have label (\d), \d+ of "
        r"yours have (?!\1)\d \('\w+'\)",
        q1,
    )
    assert "y_cifar" not in q1 and "x_stl" not in q1  # the images and CIFAR-10's labels pass
    # Question 8's head learnt the wrong labels: measured against the right ones, its loss on
    # the images it trained on is no better than a guess.
    assert re.search(
        r"the loss of stl_transfer_model on its training images 2\.\d{3} is above the 2\.000 "
        r"allowed",
        batch.failed("mistaken", "q8_test"),
    )


@pytest.mark.slow
def test_same_counts_different_layers(batch):
    q2 = batch.failed("mistaken", "q2_test")
    assert (
        "Dropout: expected rate 0.5, yours is 0.2 (your model has the expected total of "
        "592,169 parameters, but not the expected layers)" in q2
    )
    assert "augmentation" in batch.failed("mistaken", "q4_test")
    assert "is missing" in batch.failed("mistaken", "q4_test")


@pytest.mark.slow
def test_forgotten_biases_and_resized_images(batch):
    assert "dense_params_96: 4,718,592 is not right: that forgets the 128 biases" in batch.failed(
        "mistaken", "q6_test"
    )
    q7 = batch.failed("mistaken", "q7_test")
    assert "stl_transfer_model resizes the images: layer" in q7 and "(Resizing)" in q7
    assert "hold the weights of cifar_model" not in q7  # the weights part passes


@pytest.mark.slow
def test_untrained_models_lose_exactly_their_training_points(batch):
    assert auto_points(batch, "untrained") == dict(FULL, q3_test=0, q8_test=1)
    messages = batch.failed("untrained", "q3_test")
    # The history's best validation accuracy (90 images) may pass by chance; the model's
    # accuracy on the 180 test images does not, and the one point needs both.
    assert re.fullmatch(
        r"best val_accuracy 0\.\d{3} (reaches 0\.150|is below the 0\.150 "
        r"expected) in the tiny profile; the test accuracy of cifar_model "
        r"0\.\d{3} is below the 0\.150 expected in the tiny profile",
        messages,
    ), messages
    # Question 8 in tiny: 17 validation and 81 test images cannot resolve a trained head, so
    # its training point rests on the loss on the 64 images the head trained on; the
    # parameter point is kept.
    q8 = batch.failed("untrained", "q8_test")
    assert re.fullmatch(
        r"best val_accuracy 0\.\d{3} reaches 0\.000 in the tiny profile; the loss of "
        r"stl_transfer_model on its training images 2\.\d{3} is above the 2\.000 allowed; "
        r"the test accuracy of stl_transfer_model 0\.\d{3} reaches 0\.000 in the tiny profile",
        q8,
    ), q8
