"""Tests of cnncourse.plotting.figures: figures stay outside pyplot; the shared colours."""

import matplotlib.pyplot as plt
import numpy as np

from cnncourse.plotting import curves, figures, images
from tests.plotting.helpers import HISTORY_A


def test_figures_are_not_left_open_in_pyplot():
    before = plt.get_fignums()
    curves.plot_history(HISTORY_A)
    images.plot_images(np.zeros((2, 4, 4, 3), np.uint8))
    assert plt.get_fignums() == before


def test_new_figures_are_not_pyplot_figures_and_run_colours_cycle():
    before = plt.get_fignums()
    fig = figures.new_figure(figsize=(2, 1))
    assert tuple(fig.get_size_inches()) == (2, 1) and plt.get_fignums() == before
    assert figures.run_colour(0) == figures.run_colour(len(figures.RUN_COLOURS)) == "#1f77b4"
