"""cnncourse.search keeps the public names that chapters and assignments import from it."""

import cnncourse.search
from cnncourse.search import grid, tuner

GRID_NAMES = ("FIT_KEYS", "GridSearchResult", "covering_indices", "grid_points", "grid_search")
TUNER_NAMES = ("SEARCH_SPACE", "RandomSearchResult", "cnn_hypermodel", "random_search")


def test_search_reexports_the_grid_and_the_tuner_names():
    for name in (*GRID_NAMES, "spread_indices"):
        assert getattr(cnncourse.search, name) is getattr(grid, name), name
    for name in TUNER_NAMES:
        assert getattr(cnncourse.search, name) is getattr(tuner, name), name
    assert sorted(cnncourse.search.__all__) == sorted((*GRID_NAMES, "spread_indices", *TUNER_NAMES))
