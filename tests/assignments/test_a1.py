"""a1 (convolutions and parameters) graded in one batch: the solution, the untouched exercise,
and a student who makes one mistake in each of several questions (the 2018 answer's among
them): each question loses exactly its points, with the message that explains it."""

import pytest

from .helpers import (
    auto_points,
    grade_students,
    max_points,
)

ASSIGNMENT, NOTEBOOK = "a1", "a1_convolutions_and_parameters"

MISTAKES = {
    # 3.2a: the layer with the most filters instead of the dense layer.
    "q3_2a_answer": [("most_parameters_layer = 6", "most_parameters_layer = 5")],
    # 3.2b: the 2018 answer's counts: a 3x3 kernel for layer 3, a 22x22 pooled size.
    "q3_2b_answer": [
        ("(5 * 5 * 16 + 1) * 32,", "(3 * 3 * 16 + 1) * 32,"),
        ("(31 * 31 * 128 + 1) * 5,", "(22 * 22 * 128 + 1) * 5,"),
    ],
    # 3.2b (hidden): the 5x5 layer built without its biases.
    "q3_2b_model": [
        (
            'x = layers.Conv2D(32, (5, 5), strides=1, padding="same", activation="relu")(x)',
            'x = layers.Conv2D(32, (5, 5), strides=1, padding="same", '
            'activation="relu", use_bias=False)(x)',
        )
    ],
    # 4.1a: x_test left in [0, 255].
    "q4_1_data": [
        ('x_test = cifar.x_test.astype("float32") / 255', 'x_test = cifar.x_test.astype("float32")')
    ],
    # 4.1b: the 2018 answer's bug, training images on the test figure.
    "q4_1_plot": [
        (
            "test_figure = plot_examples(x_test, cifar.y_test,",
            "test_figure = plot_examples(x_train, cifar.y_train,",
        )
    ],
    # 4.2a: the right parameter count, the wrong layers (the first Dropout before Dense 128).
    "q4_2a_mlp": [
        (
            'x = layers.Dense(128, activation="relu")(x)\nx = layers.Dropout(0.2)(x)',
            'x = layers.Dropout(0.2)(x)\nx = layers.Dense(128, activation="relu")(x)',
        )
    ],
    # 4.2b: the 2018 answer's Dropout(0.2) where the question asks for 0.5.
    "q4_2b_cnn": [("x = layers.Dropout(0.5)(x)", "x = layers.Dropout(0.2)(x)")],
    # 4.2c: the MLP trained for one epoch.
    "q4_2c_train": [
        (
            "mlp_history = mlp_model.fit(x_train, y_train, batch_size=32, epochs=EPOCHS,",
            "mlp_history = mlp_model.fit(x_train, y_train, batch_size=32, epochs=1,",
        )
    ],
}

#: The points each test cell keeps with MISTAKES (of 2, 8, 2, 2, 2, 2, 2, 1).
MISTAKE_POINTS = {
    "q3_2a_test": 0,
    "q3_2b_test": 4,
    "q4_1_data_test": 1.5,
    "q4_1_plot_test": 1.5,
    "q4_2a_test": 1,
    "q4_2b_test": 1,
    "q4_2c_test": 1,
    "q4_2d_test": 1,
}


#: Both networks compiled and fitted as the solution does, but at a learning rate of 0.0 (Adam
#: takes it): "left untrained", the histories are complete and only the accuracies stay at
#: chance (0.10 with seed 0 on the training and the test images, where tiny asks for 0.14 and
#: 0.12 on the training images, 0.15 and 0.115 on the test images).
UNTRAINED = {
    "q4_2c_train": [
        (
            "mlp_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001)",
            "mlp_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0)",
        ),
        (
            "cnn_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001)",
            "cnn_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.0)",
        ),
    ]
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return grade_students(
        tmp_path_factory.mktemp("a1"),
        ASSIGNMENT,
        NOTEBOOK,
        {"mistakes": MISTAKES, "untrained": UNTRAINED},
    )


@pytest.mark.slow
def test_the_solution_gets_every_autograded_point(batch):
    assert auto_points(batch, "solution") == max_points(batch, "solution")
    assert sum(max_points(batch, "solution").values()) == 21
    row = batch.rows["solution"]
    assert (row["score"], row["max_score"], row["status"], row["reason"]) == (
        "21",
        "25",
        "graded",
        "",
    )


@pytest.mark.slow
def test_the_untouched_exercise_scores_zero_without_stopping_the_batch(batch):
    points = auto_points(batch, "untouched")
    assert set(points) == set(MISTAKE_POINTS)
    assert all(score == 0 for score in points.values()), points
    row = batch.rows["untouched"]
    assert (row["score"], row["status"]) == ("0", "graded")
    assert row["reason"].startswith(
        "unanswered: q3_1_answer, q3_2a_answer, q3_2b_answer, q3_2b_model, q4_1_data, "
        "q4_1_plot, q4_2a_mlp, q4_2b_cnn, q4_2c_train, q4_2d_answer, q4_2d_discussion;"
    )


@pytest.mark.slow
def test_each_mistake_costs_exactly_its_points(batch):
    assert auto_points(batch, "mistakes") == MISTAKE_POINTS
    assert batch.rows["mistakes"]["score"] == "11"


@pytest.mark.slow
def test_the_most_parameters_answer_is_explained(batch):
    detail = batch.details["mistakes"]["q3_2a_test"]
    assert "the layer with the most parameters: 5 is not right: it has the most filters" in detail


@pytest.mark.slow
def test_the_2018_counts_are_explained(batch):
    messages = batch.failed("mistakes", "q3_2b_test")
    assert "layer 3: 4,640 is not right: that is the count of a 3x3 kernel" in messages
    assert "layer 6: 309,765 is not right: wrong pooled size" in messages
    assert "the total: 351,845 is not right: a 3x3 kernel in layer 3 and a 22x22" in messages
    assert (
        "layer 3 Conv2D: expected use_bias=True (12,832 parameters), yours is "
        "use_bias=False (12,800)"
    ) in messages
    assert "layer 2:" not in messages and "layer 5:" not in messages


@pytest.mark.slow
def test_the_data_and_figure_mistakes_are_named(batch):
    assert (
        "x_test: values must lie in [0, 1], yours range from 0 to 255 (did you divide by "
        "255?)" in batch.failed("mistakes", "q4_1_data_test")
    )
    plot = batch.failed("mistakes", "q4_1_plot_test")
    assert "test_figure: image 1 is x_train[" in plot and "not one of x_test" in plot
    assert "train_figure" not in plot


@pytest.mark.slow
def test_the_wrong_layers_with_the_right_count_are_caught(batch):
    mlp = batch.failed("mistakes", "q4_2a_test")
    assert mlp == (
        "your model has an extra Dropout(0.2) layer before layer 3 Dense (your model "
        "has the expected total of 563,082 parameters, but not the expected layers)"
    )
    cnn = batch.failed("mistakes", "q4_2b_test")
    assert cnn.startswith("layer 13 Dropout: expected rate 0.5, yours is 0.2")
    assert "expected total of 1,341,226 parameters" in cnn


@pytest.mark.slow
def test_a_short_training_is_caught(batch):
    messages = batch.failed("mistakes", "q4_2c_test")
    assert messages.startswith("MLP: expected")
    assert "epochs of training, your history has 1" in messages
    assert "CNN" not in messages


@pytest.mark.slow
def test_untrained_networks_lose_exactly_the_training_points(batch):
    points = auto_points(batch, "untrained")
    assert points == dict(max_points(batch, "untrained"), q4_2c_test=0), points
    messages = batch.failed("untrained", "q4_2c_test").splitlines()
    assert len(messages) == 2, messages
    assert messages[0].startswith("MLP: best val_accuracy ")
    assert (
        "; the accuracy of your trained model on its training images 0.100 is below the 0.140 "
        "expected in the tiny profile; " in messages[0]
    )
    assert messages[0].endswith("is below the 0.150 expected in the tiny profile")
    assert messages[1].startswith("CNN: best val_accuracy ")
    assert (
        "; the accuracy of your trained model on its training images 0.100 is below the 0.120 "
        "expected in the tiny profile; " in messages[1]
    )
    assert messages[1].endswith("is below the 0.115 expected in the tiny profile")
