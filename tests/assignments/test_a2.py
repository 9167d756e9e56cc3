"""a2 (binary CNN, cats vs dogs) graded in one batch: the solution, the untouched exercise, and
a student who makes one mistake in each of seven questions (an unfrozen pretrained base, fine-tuning
at Adam's default rate, a basic CNN without batch normalisation, a wrong split, a rotation
factor in the wrong unit, a cleaning that only looks at file extensions, datasets divided by
255 where the model's Rescaling layer scales the pixels): each question loses exactly its
documented points, with the message that explains it."""

import re

import pytest

from .helpers import (
    auto_points,
    grade_students,
    max_points,
)

ASSIGNMENT, NOTEBOOK = "a2", "a2_binary_cnn"

MISTAKES = {
    # 1.1: only the extension is checked, so the empty, text, truncated and corrupt .jpg stay.
    "q1_1_answer": [
        ("        return False\n    try:", "        return False\n    return True\n    try:")
    ],
    # 1.2: an 80/10/10 split where the question asks for 70/15/15 (the same seed reproduces it).
    "q1_2_answer": [("ratios=(0.7, 0.15, 0.15)", "ratios=(0.8, 0.1, 0.1)")],
    # 1.3: the old generator's rescale=1/255 kept in the datasets, as well as the model's
    # Rescaling(1/255) (the book's teaching): the first conv then reads [0, 1/255].
    "q1_3_answer": [
        (
            "    return dataset  #",
            "    return dataset.map(lambda images, labels: (images / 255.0, labels))  #",
        )
    ],
    # 2.1: the blocks without their batch normalisation.
    "q2_1_answer": [("        x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)\n", "")],
    # 4.1: the base left trainable: "frozen" training fine-tunes all of VGG16.
    "q4_1_answer": [("conv_base.trainable = False", "conv_base.trainable = True")],
    # 4.2: fine-tuning at Adam's default rate instead of the report's 1e-6.
    "q4_2_answer": [("Adam(learning_rate=1e-6)", "Adam(learning_rate=1e-3)")],
    # 4.3: the rotation factor read as a fraction of 100 degrees, not of a full turn.
    "q4_3_answer": [("layers.RandomRotation(40 / 360,", "layers.RandomRotation(0.4,")],
}

#: Points of every test cell (31 autograded; 4 more for the two written answers).
MAX_POINTS = {
    "q1_1_test": 3,
    "q1_2_test": 4,
    "q1_3_test": 2,
    "q2_1_test": 3,
    "q2_2_test": 3,
    "q2_3_test": 3,
    "q3_1_test": 2,
    "q3_2_test": 2,
    "q4_1_test": 3,
    "q4_2_test": 3,
    "q4_3_test": 3,
}

#: What each test cell keeps with MISTAKES: every other cell keeps all of its points.
#: 1.1 loses removed_files (1) and the kept counts (1), keeps the files-on-disk check;
#: 1.2 loses the split sizes (1); 1.3 the raw pixels (0.5); 2.1 loses the architecture (1),
#: both parameter counts (0.5 + 0.5) and, from 1.3's division, the pixels its first conv
#: reads (0.5), keeps the output shape; 4.1 loses the frozen base (1); 4.2 the learning
#: rate (1); 4.3 the augmentation settings (1.5).
#: Mistakes that reach other questions, on purpose. Without batch normalisation (and with
#: 1.3's pixels divided twice) the network does not fit the training set in the tiny budget
#: (training accuracy 0.5, where the reference reaches 0.84 in its history and 0.80-0.89
#: measured), which 2.3's training checks exist to catch (0.5 for the history, 1 for the
#: model measured on train_ds). In Part 4, after 8 epochs, vgg_model does not fit train_ds
#: (0.500; the reference 0.75; chance 0.5): its base was left trainable and it reads the
#: pixels 1.3 divided, each enough on its own (measured apart: 0.589 and 0.500); 4.2
#: fine-tunes that model (0.469 after 1e-3). 4.1 and 4.2 lose their fit check (0.25 each).
MISTAKE_POINTS = dict(
    MAX_POINTS,
    q1_1_test=1,
    q1_2_test=3,
    q1_3_test=1.5,
    q2_1_test=0.5,
    q2_3_test=1.5,
    q4_1_test=1.75,
    q4_2_test=1.75,
    q4_3_test=1.5,
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return grade_students(
        tmp_path_factory.mktemp("a2"), ASSIGNMENT, NOTEBOOK, {"mistakes": MISTAKES}
    )


@pytest.mark.slow
def test_the_solution_gets_every_autograded_point(batch):
    assert max_points(batch, "solution") == MAX_POINTS
    assert auto_points(batch, "solution") == MAX_POINTS
    row = batch.rows["solution"]
    assert (row["score"], row["max_score"], row["status"], row["reason"]) == (
        "31",
        "35",
        "graded",
        "",
    )


@pytest.mark.slow
def test_the_untouched_exercise_scores_zero_without_stopping_the_batch(batch):
    points = auto_points(batch, "untouched")
    assert set(points) == set(MAX_POINTS)
    assert all(score == 0 for score in points.values()), points
    row = batch.rows["untouched"]
    assert (row["score"], row["max_score"], row["status"]) == ("0", "35", "graded")
    assert row["reason"].startswith(
        "unanswered: q1_1_answer, q1_2_answer, q1_3_answer, q2_1_answer, q2_2_answer, "
        "q2_3_answer, q3_1_answer, q3_2_answer, q4_1_answer, q4_2_answer, q4_2_discussion, "
        "q4_3_answer, q4_3_discussion"
    )


@pytest.mark.slow
def test_each_mistake_costs_exactly_its_points(batch):
    assert auto_points(batch, "mistakes") == MISTAKE_POINTS
    assert batch.rows["mistakes"]["score"] == "19.5"


@pytest.mark.slow
def test_a_cleaning_by_extension_only_names_the_files_it_left(batch):
    messages = batch.failed("mistakes", "q1_1_test")
    assert (
        "removed_files: expected 6 items, yours has 4 items missing (Cat/44.jpg, "
        "Cat/45.jpg, Dog/44.jpg, Dog/45.jpg)" in messages
    )
    assert "images kept in Cat: 46 is not right" in messages
    assert "kept_files" not in messages  # what it kept is what is on disk


@pytest.mark.slow
def test_a_wrong_split_is_caught_by_its_sizes_only(batch):
    messages = batch.failed("mistakes", "q1_2_test").splitlines()
    assert messages == [
        "train images: 64 is not right",
        "val images: 8 is not right",
        "test images: 8 is not right",
    ]


@pytest.mark.slow
def test_the_missing_batch_normalisation_is_named(batch):
    messages = batch.failed("mistakes", "q2_1_test")
    assert "layer 5 BatchNormalization is missing (it comes after layer 4 MaxPooling2D)" in messages
    assert "total parameters of your model: 282,561 is not right (expected 282,945)" in messages
    # ... and the network that results does not learn in the tiny budget (2.3's checks): its
    # history says so, and so does the model itself, measured on the images it trained on.
    history, measured = batch.failed("mistakes", "q2_3_test").splitlines()
    assert history.startswith("final accuracy 0.")
    assert history.endswith("is below the 0.700 expected in the tiny profile")
    assert measured.startswith("the accuracy of best_model on train_ds 0.")
    assert measured.endswith("is below the 0.700 expected in the tiny profile")


def _misses_the_goal(line: str, measured: str) -> None:
    """``line`` gives the accuracy of ``measured`` and says it misses the tiny goal of 0.65.

    A base that is not frozen, or fine-tuned with large steps, leaves the model near chance,
    where an answer or two flips from run to run (0.469 and 0.500 were seen for the same code
    in two CI runs): the value is read, not typed."""
    match = re.fullmatch(
        rf"the accuracy of {measured} on train_ds, the images it trained on (0\.\d{{3}}) is "
        r"below the 0\.650 expected in the tiny profile",
        line,
    )
    assert match, line
    assert float(match.group(1)) < 0.65


@pytest.mark.slow
def test_an_unfrozen_base_and_a_large_fine_tuning_rate_are_explained(batch):
    # Offline (always in the grader's sandbox) the base is EfficientNet-Lite0: batch
    # normalisation's moving statistics (42,016 of its parameters) never train.
    frozen, learned = batch.failed("mistakes", "q4_1_test").splitlines()
    assert frozen == (
        "the pretrained base must be frozen: 3,371,008 of its 3,413,024 parameters are trainable"
    )
    _misses_the_goal(learned, "vgg_model")
    rate, kept = batch.failed("mistakes", "q4_2_test").splitlines()
    assert rate == (
        "the learning rate of your Adam optimizer: 0.001 is not right: that is Adam's default "
        "rate, the one the report's frozen model trained with: steps that large destroy the "
        "pretrained filters in the first updates (expected 1e-06)"
    )
    _misses_the_goal(kept, "the fine-tuned vgg_model")


@pytest.mark.slow
def test_a_rotation_factor_in_the_wrong_unit_is_explained(batch):
    assert batch.failed("mistakes", "q4_3_test") == (
        "augmentation: rotation_range=40: your RandomRotation turns by up to 144 degrees "
        "(factor 0.4); its factor is a fraction of a full turn: 40 degrees is 40 / 360 = 0.111"
    )


@pytest.mark.slow
def test_pixels_divided_in_the_datasets_and_in_the_model_are_named(batch):
    assert batch.failed("mistakes", "q1_3_test") == (
        "the pixel values of a train_ds batch go up to 1.000: keep the raw values (0 to 255) in "
        "the datasets, the model's Rescaling(1/255) layer (question 2.1) scales them"
    )
    scaling = [
        line
        for line in batch.failed("mistakes", "q2_1_test").splitlines()
        if "first Conv2D" in line
    ]
    assert len(scaling) == 1 and scaling[0].startswith(
        "the first Conv2D of build_basic_cnn() reads values from 0 to 0.00"
    ), scaling
    assert scaling[0].endswith(
        "for a batch of train_ds: it should read pixels scaled to [0, 1] "
        "(raw pixels from 0 to 255 in the datasets, Rescaling(1/255) "
        "first in the model)"
    )
