"""Feedback: each failed check's message and the score, never the source of a hidden test;
nothing loaded from the internet, pages that fit the window, and no page before formgrader."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from cnncourse.grading.feedback import NOT_GRADED_PAGE, localise_page, write_feedback

from .helpers import HIDDEN_MARKER, copy_workdir

#: Attributes through which a page loads a file, per tag.
LOADS = {"script": "src", "link": "href", "img": "src"}


class References(HTMLParser):
    """Every (tag, attributes) of the script, link and img tags of a page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in LOADS:
            self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def references(page: Path):
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def remote(url):
    return url is not None and url.strip().lower().startswith(("http:", "https:", "//"))


def test_a_page_is_rewritten_to_load_nothing_remote(tmp_path):
    page = tmp_path / "student" / "a1" / "a1.html"
    page.parent.mkdir(parents=True)
    entry = tmp_path / "_static" / "mathjax" / "tex-svg.js"
    page.write_text(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<script src="https://cdn.example/mathjax.js"> </script>'
        '<script type="text/x-mathjax-config">MathJax.Hub.Config({});</script>'
        '<link rel="stylesheet" href="//fonts.example/font.css">'
        '<link rel="stylesheet" href="local.css">'
        "<style>@import url(https://fonts.example/x.css); p { color: red; }</style>"
        '</head><body><p>x &lt; y &amp; $a^2$</p><img src="HTTP://example.org/cat.png">'
        '<img src="figure.png"><script src="local.js"></script>'
        '<a href="https://example.org/">a link</a></body></html>\n',
        encoding="utf-8",
    )
    removed = localise_page(page, entry)
    assert "https://cdn.example/mathjax.js" in removed and "MathJax 2 configuration" in removed
    text = page.read_text(encoding="utf-8")
    loaded = [attrs.get(LOADS[tag]) for tag, attrs in references(page)]
    assert not [url for url in loaded if remote(url)], loaded
    assert {"local.css", "figure.png", "local.js", "../../_static/mathjax/tex-svg.js"} <= set(
        loaded
    )
    assert "MathJax.Hub" not in text and "fonts.example" not in text
    assert "p { color: red; }" in text and "x &lt; y &amp; $a^2$" in text
    assert "[image not loaded: HTTP://example.org/cat.png]" in text
    assert '<a href="https://example.org/">a link</a>' in text  # a link loads nothing
    assert text.index("cnncourse-fit-width") < text.index("</head>")


@pytest.fixture(scope="module")
def feedback(graded_batch, tmp_path_factory):
    output = tmp_path_factory.mktemp("feedback")
    written = write_feedback(graded_batch.workdir, output)
    assert written.exit_code == 0 and not written.refused
    assert {(w.student, w.graded) for w in written.written} >= {("bob", True), ("dave", False)}
    return output


def pages(folder):
    return sorted(path for path in folder.rglob("*.html") if "_static" not in path.parts)


@pytest.mark.slow
def test_feedback_shows_the_messages_and_the_score(feedback):
    page = (feedback / "bob" / "demo" / "demo.html").read_text(encoding="utf-8")
    assert "layer 4 Dropout: expected rate 0.5, yours is 0.2" in page  # a hidden check
    assert "Conv2D parameters: 108 is not right: that leaves out the 4 biases" in page
    assert "Score: 2.0 / 5.0" in page
    assert "Grading is not finished" not in page


@pytest.mark.slow
def test_no_page_contains_a_hidden_test(feedback):
    assert len(pages(feedback)) == 7  # six graded submissions and one that could not be
    for page in pages(feedback):
        assert HIDDEN_MARKER not in page.read_text(encoding="utf-8"), page


@pytest.mark.slow
def test_a_submission_that_could_not_be_graded_gets_its_reason(feedback):
    page = (feedback / "dave" / "demo" / NOT_GRADED_PAGE).read_text(encoding="utf-8")
    assert "not a valid notebook" in page and "invalid" in page


@pytest.mark.slow
def test_no_page_loads_anything_from_the_internet(feedback):
    for page in pages(feedback):
        found = references(page)
        loaded = [(tag, attrs.get(LOADS[tag])) for tag, attrs in found]
        assert not [item for item in loaded if remote(item[1])], (page, loaded)
        text = page.read_text(encoding="utf-8")
        assert "cdnjs" not in text and "text/x-mathjax-config" not in text, page
        if page.name == NOT_GRADED_PAGE:
            continue
        mathjax = [attrs["src"] for tag, attrs in found if attrs.get("id") == "MathJax-script"]
        assert mathjax == ["../../_static/mathjax/tex-svg.js"], page
        assert (page.parent / mathjax[0]).resolve().is_file()
    assert (feedback / "_static" / "mathjax" / "input" / "tex" / "extensions").is_dir()


@pytest.mark.slow
def test_pages_fit_the_window(feedback):
    for page in pages(feedback):
        text = page.read_text(encoding="utf-8")
        assert '<style id="cnncourse-fit-width">' in text, page
        assert "img, video, canvas { max-width: 100%; height: auto; }" in text
        assert "pre { white-space: pre-wrap;" in text
        assert 'name="viewport" content="width=device-width' in text


@pytest.mark.slow
def test_feedback_waits_for_the_grades_given_by_hand(graded_batch, tmp_path, capsys):
    from nbgrader.api import Gradebook

    from cnncourse.cli import main

    workdir, db_url = copy_workdir(graded_batch.workdir, tmp_path / "grading")
    with Gradebook(db_url) as gradebook:  # as a written answer waiting for formgrader
        grade = gradebook.find_grade("q2_test", "demo", "demo", "bob")
        grade.auto_score, grade.needs_manual_grade = None, True
        gradebook.db.commit()
    output = tmp_path / "feedback"
    assert main(["feedback", "--workdir", str(workdir), "--output", str(output)]) == 1
    refused = capsys.readouterr().err
    assert "1 grade still waits for grading by hand, so no feedback was written" in refused
    assert "demo: 1 grade in 1 submission" in refused
    assert "formgrader" in refused and "--allow-pending" in refused
    assert not output.exists()

    written = write_feedback(workdir, output, allow_pending=True)
    assert written.exit_code == 0
    printed = "\n".join(written.lines())
    assert "WARNING: bob/demo: 1 grade still waits for grading by hand" in printed
    assert printed.count("WARNING") == 1
    page = (output / "bob" / "demo" / "demo.html").read_text(encoding="utf-8")
    assert "Grading is not finished:" in page and "Pending: this answer is graded by hand" in page
    assert "Grading is not finished" not in (output / "alice" / "demo" / "demo.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.slow
@pytest.mark.browser
def test_a_page_renders_in_a_browser_offline_at_phone_width(feedback, tmp_path):
    from tests.browser import chromium, requested_urls, serve, wait_for_math

    with serve(feedback) as url, chromium(tmp_path / "chromium", size="400,900") as driver:
        driver.get_log("performance")
        driver.get(f"{url}/bob/demo/demo.html")
        wait_for_math(driver)
        assert driver.execute_script("return MathJax.version").startswith("3.")
        assert "layer 4 Dropout: expected rate 0.5" in driver.page_source
        page, window = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert page <= window, f"the page is {page} px wide in a {window} px window"
        outside = [
            address
            for address in requested_urls(driver)
            if address.startswith(("http:", "https:", "ws:", "wss:", "//"))
            and not address.startswith(url)
        ]
        assert outside == [], f"requests left the machine: {outside}"
