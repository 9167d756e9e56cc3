"""Feedback: each failed check's message and the score, never the source of a hidden test."""

import pytest

from cnncourse.grading.feedback import NOT_GRADED_PAGE, write_feedback

from .helpers import HIDDEN_MARKER

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def feedback(graded_batch, tmp_path_factory):
    output = tmp_path_factory.mktemp("feedback")
    assert write_feedback(graded_batch.workdir, output) == 0
    return output


def test_feedback_shows_the_messages_and_the_score(feedback):
    page = (feedback / "bob" / "demo" / "demo.html").read_text(encoding="utf-8")
    assert "layer 4 Dropout: expected rate 0.5, yours is 0.2" in page  # a hidden check
    assert "Conv2D parameters: 108 is not right: that leaves out the 4 biases" in page
    assert "Score: 2.0 / 5.0" in page


def test_no_page_contains_a_hidden_test(feedback):
    pages = sorted(feedback.rglob("*.html"))
    assert len(pages) == 7  # six graded submissions and one that could not be
    for page in pages:
        assert HIDDEN_MARKER not in page.read_text(encoding="utf-8"), page


def test_a_submission_that_could_not_be_graded_gets_its_reason(feedback):
    page = (feedback / "dave" / "demo" / NOT_GRADED_PAGE).read_text(encoding="utf-8")
    assert "not a valid notebook" in page and "invalid" in page
