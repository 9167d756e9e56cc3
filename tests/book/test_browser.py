"""Open the built book in headless Chromium: pages load, figures show, math renders, no CDN."""

import functools
import http.server
import json
import os
import shutil
import threading

import pytest

from .conftest import BUILD, chapters

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _require_browser():
    if CHROMIUM and CHROMEDRIVER:
        return
    message = "chromium and chromedriver are needed (Debian packages chromium, chromium-driver)"
    if os.environ.get("CNNCOURSE_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server(built_book):
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
                 "--window-size=1280,1024"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _expected_images(chapter: str) -> int:
    executed = json.loads((BUILD / "jupyter_execute" / f"{chapter}.ipynb").read_text())
    return sum(
        1
        for cell in executed["cells"]
        for output in cell.get("outputs", [])
        if any(kind.startswith("image/") for kind in output.get("data", {}))
    )


def _requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _wait_for_math(driver, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script(
            "return window.MathJax && MathJax.startup && MathJax.startup.promise"
            " ? MathJax.startup.promise.then(() => true) : false")
    )


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_loads_with_figures_and_math(browser, server, chapter):
    browser.get_log("performance")  # drop earlier pages' requests
    browser.get(f"{server}/{chapter}.html")
    title = browser.execute_script(
        "const h = document.querySelector('main h1'); return h ? h.textContent : '';")
    assert title.strip(), f"{chapter}: no title"

    expected = _expected_images(chapter)
    assert expected >= 1, f"{chapter}: the chapter draws no figure"
    images = browser.execute_script(
        "return Array.from(document.querySelectorAll('.cell_output img, figure img'))"
        ".map(i => [i.complete, i.naturalWidth]);")
    loaded = [image for image in images if image[0] and image[1] > 0]
    assert len(loaded) >= expected, f"{chapter}: {len(loaded)} of {expected} figures displayed"

    _wait_for_math(browser)
    math = browser.execute_script("return document.querySelectorAll('.math').length")
    rendered = browser.execute_script(
        "return document.querySelectorAll('mjx-container svg').length"
    )
    errors = browser.execute_script("return document.querySelectorAll('[data-mjx-error]').length")
    assert math >= 1, f"{chapter}: the chapter has no math"
    assert rendered >= math, f"{chapter}: {rendered} of {math} formulas rendered"
    assert errors == 0, f"{chapter}: {errors} formulas failed to render"

    # chrome:// pages are the browser's own; anything fetched over the network must be ours.
    outside = [url for url in _requested_urls(browser)
               if url.startswith(("http:", "https:", "ws:", "wss:", "//"))
               and not url.startswith(server)]
    assert outside == [], f"{chapter}: requests left the machine: {outside}"
