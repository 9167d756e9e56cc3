"""The autograder checks called by the assignments' test cells; each is data plus a message.

A test cell (nbgrader "Autograder tests", ``points`` in its metadata) adds checks to a
`Question`, each worth points that add up to the cell's points, and ends with
``question.score()``: the messages go to stdout, the cell's value is the points earned
(nbgrader's partial credit), and a cell where no check passes raises an AssertionError.
Wrap checks that read the student's variables in ``lambda:`` so that a missing variable
fails that check only::

    from cnncourse import checks

    question = checks.Question("3.2b parameter counts")
    question.add(lambda: checks.numbers(
        layer_params, [0, 448, 12_832, 0, 36_992, 615_045],
        wrong={3: {4_640: "that is the count of a 3x3 kernel: 3x3x16x32+32"}}), points=3)
    ### BEGIN HIDDEN TESTS
    question.add(lambda: checks.architecture(model, Q3_NETWORK), points=1)
    ### END HIDDEN TESTS
    question.score()
"""

from cnncourse.checks.alternatives import any_architecture, architecture_free_padding
from cnncourse.checks.architecture import architecture, describe, expected_params
from cnncourse.checks.arrays import array, labels, one_hot, same_array
from cnncourse.checks.augmentation import augmentation_settings
from cnncourse.checks.figures import figure
from cnncourse.checks.fitting import at_least, at_most, history, learning_rate, per_profile
from cnncourse.checks.form import KINDS, of_kind
from cnncourse.checks.layers import frozen, output_shape, parameters, trainable
from cnncourse.checks.numeric import choice, number, numbers
from cnncourse.checks.question import SCORE_MIME_TYPE, Question, Score
from cnncourse.checks.result import Result
from cnncourse.checks.sets import balanced, best_choice, disjoint, same_items
from cnncourse.checks.shown_images import images_from
from cnncourse.checks.transfer import input_size, same_weights, trainable_layers

__all__ = [
    "KINDS",
    "SCORE_MIME_TYPE",
    "Question",
    "Result",
    "Score",
    "any_architecture",
    "architecture",
    "architecture_free_padding",
    "array",
    "at_least",
    "at_most",
    "augmentation_settings",
    "balanced",
    "best_choice",
    "choice",
    "describe",
    "disjoint",
    "expected_params",
    "figure",
    "frozen",
    "history",
    "images_from",
    "input_size",
    "labels",
    "learning_rate",
    "number",
    "of_kind",
    "numbers",
    "one_hot",
    "output_shape",
    "parameters",
    "per_profile",
    "same_array",
    "same_items",
    "same_weights",
    "trainable",
    "trainable_layers",
]
