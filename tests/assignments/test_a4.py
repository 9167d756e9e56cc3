"""Assignment 4 (transfer learning) graded in one batch: solution, untouched, two mistaken.

Offline (always in the grader's sandbox) every base is EfficientNet-Lite0 with ImageNet
weights: the counts and layer names below are its own."""

import re

import pytest

from .helpers import (
    auto_points,
    grade_students,
    max_points,
)

ASSIGNMENT, NOTEBOOK = "a4", "a4_transfer_learning"

# A student who puts a softmax on one unit, unfreezes one layer too few, trains heads that
# never learn (both question 5 runs at a learning rate of 1e-9: as good as an untrained,
# random head on the frozen ImageNet base), types an accuracy in, and keeps batch
# normalisation frozen when training from scratch.
SOFTMAX_STUDENT = {
    "q2_answer": [
        ('layers.Dense(1, activation="sigmoid")', 'layers.Dense(1, activation="softmax")')
    ],
    "q3_answer": [("finetune_base.layers[:-5]", "finetune_base.layers[:-4]")],
    "q5_answer": [
        (
            "pets_run = training.compile_and_fit(pets_model, pets_train, pets_val, "
            "original_epochs=10)",
            "pets_run = training.compile_and_fit(pets_model, pets_train, pets_val, "
            "original_epochs=10, learning_rate=1e-9)",
        ),
        (
            "flowers_val,\n                                       original_epochs=10)",
            "flowers_val,\n                                       original_epochs=10, "
            "learning_rate=1e-9)",
        ),
    ],
    "q6_answer": [
        (
            'pets_test_accuracy = training.evaluate(pets_model, pets_test)["accuracy"]',
            "pets_test_accuracy = 0.95  # what I remember from the forum",
        )
    ],
    "q7_answer": [
        (
            "models.unfreeze(scratch_model, keep_batchnorm_frozen=False)",
            "models.unfreeze(scratch_model)",
        )
    ],
}
# A student who forgets the biases of VGG19's top, leaves the bases trainable, and pairs the
# two-unit softmax with the labels and loss of one sigmoid unit.
UNFROZEN_STUDENT = {
    "q1_answer": [
        (
            "vgg19_top = (7 * 7 * 512 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000)",
            "vgg19_top = 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000",
        )
    ],
    "q2_answer": [("vgg_base.trainable = False", "vgg_base.trainable = True")],
    "q4_answer": [
        ('softmax2_label_mode = "int"', 'softmax2_label_mode = "binary"'),
        (
            'softmax2_loss = "sparse_categorical_crossentropy"',
            'softmax2_loss = "binary_crossentropy"',
        ),
    ],
    "q5_answer": [("    base.trainable = False", "    base.trainable = True")],
}
FULL = {
    "q1_test": 3,
    "q2_test": 4,
    "q3_test": 3,
    "q4_test": 4,
    "q5_test": 2,
    "q6_test": 3,
    "q7_test": 2,
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return grade_students(
        tmp_path_factory.mktemp("a4"),
        ASSIGNMENT,
        NOTEBOOK,
        {"softmax": SOFTMAX_STUDENT, "unfrozen": UNFROZEN_STUDENT},
    )


@pytest.mark.slow
def test_the_test_cells_and_their_points(batch):
    assert max_points(batch, "solution") == FULL
    assert batch.rows["solution"]["max_score"] == "25"  # 21 autograded + 4 graded by hand


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
    assert "unanswered: q1_answer, q2_answer, q3_answer" in row["reason"]
    assert (
        "this check could not run: NameError: name 'vgg19_base_params' is not defined"
        in batch.failed("untouched", "q1_test")
    )


@pytest.mark.slow
def test_a_softmax_on_one_unit_and_the_other_mistakes(batch):
    points = auto_points(batch, "softmax")
    # Question 2: the activation half of the output check and the architecture (2 of 4 lost
    # to the architecture, 0.5 to the activation); question 5: its training point (below).
    assert points == dict(FULL, q2_test=1.5, q3_test=0, q5_test=1, q6_test=2, q7_test=1.5)
    q2 = batch.failed("softmax", "q2_test")
    assert (
        "the output activation: 'softmax' is not right: a softmax over ONE unit always "
        "outputs 1.0" in q2
    )
    assert "layer 6 Dense: expected activation 'sigmoid', yours is 'softmax'" in q2
    q3 = batch.failed("softmax", "q3_test")
    assert (
        "finetune_base: layer 'block7a_project_conv' is one of its last 5 layers and should "
        "train, yours is frozen" in q3
    )
    assert (
        "the parameters that train: 412,800 is not right: that is what the last 4 layers "
        "train" in q3
    )
    assert (
        "pets_test_accuracy: 0.95 is not right: it is not the accuracy of pets_model on "
        "pets_test" in batch.failed("softmax", "q6_test")
    )
    # Batch normalisation's scale and offset stay frozen: fewer parameters train than should.
    assert re.search(
        r"scratch_model should have ([\d,]+) trainable parameters, yours has "
        r"([\d,]+) of",
        batch.failed("softmax", "q7_test"),
    )
    assert batch.rows["softmax"]["score"] == "13"


@pytest.mark.slow
def test_unfrozen_bases_and_the_other_mistakes(batch):
    points = auto_points(batch, "unfrozen")
    # Question 2: the frozen check and the architecture (whose base must be frozen);
    # question 5: the two frozen-base parts of its first check.
    assert points == dict(FULL, q1_test=2, q2_test=1, q4_test=3, q5_test=1.5)
    assert (
        "VGG19 without its top: 20,033,576 is not right: that forgets the 9,192 biases"
        in batch.failed("unfrozen", "q1_test")
    )
    q2 = batch.failed("unfrozen", "q2_test")
    assert "vgg_base must be frozen: 3,371,008 of its 3,413,024 parameters are trainable" in q2
    assert "layer 2 the efficientnet_lite0 base must be frozen" in q2
    assert (
        "('binary', 'binary_crossentropy') is not right: that pair is for ONE sigmoid unit"
        in batch.failed("unfrozen", "q4_test")
    )
    q5 = batch.failed("unfrozen", "q5_test")
    assert "the base of pets_model must be frozen" in q5
    assert "the base of flowers_model must be frozen" in q5
    assert batch.rows["unfrozen"]["score"] == "15.5"


@pytest.mark.slow
def test_heads_that_do_not_learn_lose_the_training_checks(batch):
    # Question 5's training point, and all of it: the best training accuracies (chance 0.5
    # and 0.2) and both test accuracies fall short of the tiny thresholds (the student's
    # other points are counted above); its other point, the frozen bases, is kept.
    assert auto_points(batch, "softmax")["q5_test"] == FULL["q5_test"] - 1
    q5 = batch.failed("softmax", "q5_test").splitlines()
    assert len(q5) == 4, q5
    assert re.fullmatch(
        r"best accuracy 0\.\d+ is below the 0\.600 expected in the tiny profile", q5[0]
    ), q5
    assert re.fullmatch(
        r"best accuracy 0\.\d+ is below the 0\.500 expected in the tiny profile", q5[1]
    ), q5
    assert re.fullmatch(
        r"the test accuracy of pets_model 0\.\d+ is below the 0\.580 expected "
        r"in the tiny profile",
        q5[2],
    ), q5
    assert re.fullmatch(
        r"the test accuracy of flowers_model 0\.\d+ is below the 0\.400 "
        r"expected in the tiny profile",
        q5[3],
    ), q5
