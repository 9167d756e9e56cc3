"""Headless Chromium for the browser tests: finding it, a quiet local server, what a page shows."""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import os
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def require_browser() -> None:
    """Skip (fail when CNNCOURSE_REQUIRE_BROWSER is set, as in CI) without Chromium."""
    if CHROMIUM and CHROMEDRIVER:
        return
    message = "chromium and chromedriver are needed (Debian packages chromium, chromium-driver)"
    if os.environ.get("CNNCOURSE_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@contextmanager
def serve(folder: Path):
    """Serve ``folder`` on loopback; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@contextmanager
def chromium(profile: Path, size: str = "1280,1024"):
    """A headless Chromium (Selenium driver) that logs its network requests."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={size}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver) -> list[str]:
    """The URLs the pages opened since the last call requested."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def wait_for_math(driver, timeout=30) -> None:
    """Wait until MathJax 3 has typeset the page (or, without math, until it has loaded)."""
    from selenium.webdriver.support.ui import WebDriverWait

    # A page without math loads no MathJax: it only has to finish loading.
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script(
            "if (!document.querySelector('script[src*=\"mathjax\"]'))"
            " return document.readyState === 'complete';"
            "return window.MathJax && MathJax.startup && MathJax.startup.promise"
            " ? MathJax.startup.promise.then(() => true) : false"
        )
    )


# Where a page's content column is, and what inside it may scroll sideways: code, never output.
_CONTENT = "document.querySelector('article.bd-article') || document.querySelector('main')"
_CODE = ".cell_input, div[class*='highlight-']:not(.cell_output *), .highlight:not(.cell_output *)"

_OVERFLOW_SCRIPT = f"""
const column = {_CONTENT};
const root = document.documentElement;
const box = column.getBoundingClientRect();
const code = "{_CODE}";
const found = [];
const describe = (element) => {{
  const text = (element.textContent || element.getAttribute('src') || '').trim();
  const classes = typeof element.className === 'string' && element.className.trim()
    ? '.' + element.className.trim().split(/\\s+/).join('.') : '';
  return element.tagName.toLowerCase() + classes
    + ' "' + text.slice(0, 60).replace(/\\s+/g, ' ') + '"';
}};
if (root.scrollWidth > root.clientWidth + 1) {{
  found.push('the page scrolls sideways: ' + root.scrollWidth + ' px of content in '
             + root.clientWidth + ' px');
}}
for (const element of column.querySelectorAll(
    'table, pre, img, figure, .cell_output, .output, div.math-wrapper, mjx-container[display]')) {{
  if (element.closest(code)) continue;
  const rect = element.getBoundingClientRect();
  if (rect.width === 0) continue;
  if (rect.right > box.right + 1 || rect.left < box.left - 1) {{
    found.push(describe(element) + ' spans ' + Math.round(rect.left) + '..' + Math.round(rect.right)
               + ' px, beyond the column ' + Math.round(box.left) + '..' + Math.round(box.right));
  }}
  if (element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0
      && element.tagName !== 'IMG') {{
    found.push(describe(element) + ' hides ' + (element.scrollWidth - element.clientWidth)
               + ' px of its content sideways');
  }}
}}
return found;
"""

_MARKUP_SCRIPT = f"""
const column = {_CONTENT};
const unknown = Array.from(column.querySelectorAll('*'))
  .filter(element => element instanceof HTMLUnknownElement)
  .map(element => '<' + element.tagName.toLowerCase() + '>');
const walker = document.createTreeWalker(column, NodeFilter.SHOW_TEXT);
const prose = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {{
  if (!node.parentElement.closest('pre, code, script, style')) prose.push(node.textContent);
}}
return [unknown, prose.join(' '), column.textContent];
"""

# Text that must never reach a reader: markup of MyST or myst-nb that was not rendered.
LITERAL_MARKUP = ("{glue", "```", ":::")


def overflowing(driver) -> list[str]:
    """What sticks out of the content column or hides part of itself behind a scroll bar.

    Code (cell inputs and literal code blocks) may scroll sideways: a long line of code is
    better scrolled than wrapped. Tables, outputs, figures and formulas must fit.
    """
    return driver.execute_script(_OVERFLOW_SCRIPT)


def lost_markup(driver, expected_texts=()) -> list[str]:
    """Markup the page shows literally or swallowed: unknown elements (text such as
    ``<KerasTensor>`` parsed as a tag), MyST markup in the prose, and each of
    ``expected_texts`` missing from the page's text."""
    unknown, prose, text = driver.execute_script(_MARKUP_SCRIPT)
    problems = [
        f"{tag} was parsed as an element (unescaped text in an output?)"
        for tag in sorted(set(unknown))
    ]
    problems += [f"literal {marker!r} in the text" for marker in LITERAL_MARKUP if marker in prose]
    problems += [
        f"{snippet!r} is not in the page's text"
        for snippet in expected_texts
        if snippet not in text
    ]
    return problems


def broken_images(driver) -> list[str]:
    """The ``src`` of every image on the page that did not load (naturalWidth 0)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('img'))"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));"
    )


class _TextOf(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_text(markup: str) -> str:
    """The text a browser shows for ``markup`` (entities decoded, tags dropped)."""
    parser = _TextOf()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


ANGLE_TEXT = re.compile(r"<[A-Za-z][\w.]*")


def angle_bracket_texts(notebook: dict) -> set[str]:
    """Text like ``<KerasTensor`` that an executed notebook shows to readers.

    Read from what the page renders: markdown cells (inline code and text, not raw HTML tags),
    and each displayed output (HTML outputs as the text they show, else plain text and
    streams); glued values that are not displayed are left out.
    """
    found = set()
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for span in re.findall(r"`([^`\n]+)`", source):
                found.update(ANGLE_TEXT.findall(span))
            continue
        for output in cell.get("outputs", []):
            if "scrapbook" in output.get("metadata", {}):
                continue  # a glued value: shown, formatted, where the prose uses it
            if output.get("output_type") == "stream":
                found.update(ANGLE_TEXT.findall("".join(output["text"])))
                continue
            data = output.get("data", {})
            if "text/html" in data:
                found.update(ANGLE_TEXT.findall(html_text("".join(data["text/html"]))))
            elif "text/plain" in data and not any(kind.startswith("image/") for kind in data):
                found.update(ANGLE_TEXT.findall("".join(data["text/plain"])))
    return found
