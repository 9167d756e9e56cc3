"""Noise tests for accuracies: standard errors, McNemar's paired test and plain verdicts.

A chapter that compares two models measured on the same images uses `compare_predictions`
(McNemar's exact test on the images where exactly one of the two is right); two accuracies
measured on different images use `compare_accuracies` (a two-proportion z-test). Both return
a `Comparison`, whose `verdict` is the sentence the book glues: it claims a difference only
when the test supports it at ``alpha`` (5 % by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05


def standard_error(accuracy: float, count: int) -> float:
    """The standard error of an accuracy measured on ``count`` images: sqrt(p (1 - p) / n)."""
    if count <= 0:
        raise ValueError(f"an accuracy needs at least one image, got count={count}")
    if not 0.0 <= accuracy <= 1.0:
        raise ValueError(f"an accuracy lies in [0, 1], got {accuracy}")
    return math.sqrt(accuracy * (1.0 - accuracy) / count)


def worst_case_standard_error(count: int) -> float:
    """The largest standard error an accuracy on ``count`` images can have, sqrt(0.25 / n)."""
    return standard_error(0.5, count)


def images_for_standard_error(target: float) -> int:
    """How many images bring the worst-case standard error down to ``target`` (e.g. 0.03)."""
    if not 0.0 < target < 0.5:
        raise ValueError(f"a standard error target lies in (0, 0.5), got {target}")
    return math.ceil(0.25 / target**2)


@dataclass(frozen=True)
class Comparison:
    """Two accuracies, their difference (first minus second) and the test's verdict."""

    first: float
    second: float
    difference: float
    standard_error: float
    p_value: float
    test: str
    alpha: float = ALPHA

    @property
    def significant(self) -> bool:
        """Whether the difference is beyond the noise at ``alpha``."""
        return self.p_value < self.alpha

    @property
    def z(self) -> float:
        """The difference in standard errors (inf when both are exact and differ)."""
        if self.standard_error == 0:
            return 0.0 if self.difference == 0 else math.copysign(math.inf, self.difference)
        return self.difference / self.standard_error

    def verdict(self, first: str, second: str, what: str = "accuracy") -> str:
        """One sentence: which is ahead and whether the noise allows saying so."""
        points = abs(self.difference) * 100
        if self.significant:
            ahead, behind = (first, second) if self.difference > 0 else (second, first)
            return (
                f"{ahead} has the higher {what}, by {points:.1f} points, beyond the noise "
                f"({self.test}, p = {self.p_value:.3f})"
            )
        if self.difference == 0:
            return f"{first} and {second} have the same {what}"
        ahead = first if self.difference > 0 else second
        return (
            f"{ahead} is ahead by {points:.1f} points, within the noise "
            f"({self.test}, p = {self.p_value:.2f}): this run does not separate "
            f"{first} and {second}"
        )


def compare_predictions(first_correct, second_correct, alpha: float = ALPHA) -> Comparison:
    """McNemar's exact test of two models' right/wrong answers on the same images.

    ``first_correct`` and ``second_correct`` are boolean arrays, one entry per image in the
    same order. Only the images where exactly one model is right carry information.
    """
    first_correct = np.asarray(first_correct, dtype=bool).ravel()
    second_correct = np.asarray(second_correct, dtype=bool).ravel()
    if first_correct.shape != second_correct.shape:
        raise ValueError(
            f"the two models must be scored on the same images: got "
            f"{first_correct.size} and {second_correct.size} answers"
        )
    count = first_correct.size
    if count == 0:
        raise ValueError("no images to compare the models on")
    only_first = int(np.sum(first_correct & ~second_correct))
    only_second = int(np.sum(~first_correct & second_correct))
    discordant = only_first + only_second
    p_value = 1.0 if discordant == 0 else float(stats.binomtest(only_first, discordant, 0.5).pvalue)
    difference = (only_first - only_second) / count
    variance = max(discordant - (only_first - only_second) ** 2 / count, 0.0) / count**2
    return Comparison(
        float(first_correct.mean()),
        float(second_correct.mean()),
        difference,
        math.sqrt(variance),
        min(p_value, 1.0),
        "McNemar's exact test",
        alpha,
    )


def compare_accuracies(
    first: float, first_count: int, second: float, second_count: int, alpha: float = ALPHA
) -> Comparison:
    """A two-proportion z-test of two accuracies measured on different images."""
    for accuracy, count in ((first, first_count), (second, second_count)):
        standard_error(accuracy, count)  # the clear errors
    pooled = (first * first_count + second * second_count) / (first_count + second_count)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / first_count + 1 / second_count))
    difference = first - second
    if spread == 0:
        p_value = 1.0 if difference == 0 else 0.0
    else:
        p_value = float(2 * stats.norm.sf(abs(difference) / spread))
    unpooled = math.sqrt(
        standard_error(first, first_count) ** 2 + standard_error(second, second_count) ** 2
    )
    return Comparison(first, second, difference, unpooled, p_value, "two-proportion z-test", alpha)


__all__ = [
    "ALPHA",
    "Comparison",
    "compare_accuracies",
    "compare_predictions",
    "images_for_standard_error",
    "standard_error",
    "worst_case_standard_error",
]
