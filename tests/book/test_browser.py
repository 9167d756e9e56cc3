"""Open the built book in headless Chromium: pages load, figures show, math renders, no CDN,
nothing overflows the content column and no markup is lost."""

import json

import pytest

from tests.browser import (
    angle_bracket_texts,
    broken_images,
    chromium,
    lost_markup,
    overflowing,
    requested_urls,
    serve,
    wait_for_math,
)

from .conftest import BUILD, chapters

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def server(built_book):
    with serve(built_book) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium")) as driver:
        yield driver


def _expected_images(chapter: str) -> int:
    executed = json.loads((BUILD / "jupyter_execute" / f"{chapter}.ipynb").read_text())
    return sum(
        1
        for cell in executed["cells"]
        for output in cell.get("outputs", [])
        if any(kind.startswith("image/") for kind in output.get("data", {}))
    )


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_loads_with_figures_and_math(browser, server, chapter):
    browser.get_log("performance")  # drop earlier pages' requests
    browser.get(f"{server}/{chapter}.html")
    title = browser.execute_script(
        "const h = document.querySelector('main h1'); return h ? h.textContent : '';"
    )
    assert title.strip(), f"{chapter}: no title"

    expected = _expected_images(chapter)
    assert expected >= 1, f"{chapter}: the chapter draws no figure"
    images = browser.execute_script(
        "return Array.from(document.querySelectorAll('.cell_output img, figure img'))"
        ".map(i => [i.complete, i.naturalWidth]);"
    )
    loaded = [image for image in images if image[0] and image[1] > 0]
    assert len(loaded) >= expected, f"{chapter}: {len(loaded)} of {expected} figures displayed"

    wait_for_math(browser)
    math = browser.execute_script("return document.querySelectorAll('.math').length")
    rendered = browser.execute_script(
        "return document.querySelectorAll('mjx-container svg').length"
    )
    errors = browser.execute_script("return document.querySelectorAll('[data-mjx-error]').length")
    assert math >= 1, f"{chapter}: the chapter has no math"
    assert rendered >= math, f"{chapter}: {rendered} of {math} formulas rendered"
    assert errors == 0, f"{chapter}: {errors} formulas failed to render"

    # chrome:// pages are the browser's own; anything fetched over the network must be ours.
    outside = [
        url
        for url in requested_urls(browser)
        if url.startswith(("http:", "https:", "ws:", "wss:", "//")) and not url.startswith(server)
    ]
    assert outside == [], f"{chapter}: requests left the machine: {outside}"


PAGES = ["book/intro", *chapters(), "book/run_it_yourself"]


@pytest.mark.parametrize("page", PAGES)
def test_page_fits_the_column_and_shows_its_text(browser, server, page):
    """At the test window's width (1280 px): no sideways scrolling of the page, no table,
    output, figure or formula wider than the content column or hidden behind a scroll bar
    (code may scroll), every image loaded, no markup shown raw or swallowed."""
    browser.get(f"{server}/{page}.html")
    wait_for_math(browser)
    executed = BUILD / "jupyter_execute" / f"{page}.ipynb"
    expected = angle_bracket_texts(json.loads(executed.read_text())) if executed.is_file() else ()
    problems = (
        [f"image {src!r} did not load" for src in broken_images(browser)]
        + overflowing(browser)
        + lost_markup(browser, sorted(expected))
    )
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)
