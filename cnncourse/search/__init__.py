"""Hyper-parameter search: a hand-written grid search and a quiet, seeded KerasTuner search.

`cnncourse.search.grid` holds the grid search, `cnncourse.search.tuner` the KerasTuner
random search; their public names are importable from here.
"""

from cnncourse.search.grid import (
    FIT_KEYS,
    GridSearchResult,
    covering_indices,
    grid_points,
    grid_search,
    spread_indices,
)
from cnncourse.search.tuner import SEARCH_SPACE, RandomSearchResult, cnn_hypermodel, random_search

__all__ = [
    "FIT_KEYS",
    "SEARCH_SPACE",
    "GridSearchResult",
    "RandomSearchResult",
    "cnn_hypermodel",
    "covering_indices",
    "grid_points",
    "grid_search",
    "random_search",
    "spread_indices",
]
