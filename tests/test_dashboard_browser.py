"""The dashboard in a real browser: Debian's Chromium driven by Playwright, never a downloaded one.

One browser for the session; the site (tests/fixtures/dashboard.yaml, hostile document included)
is served from loopback so every request can be checked against the site's own address. Under
CI (CI=true) a missing Chromium fails the tests instead of skipping them: `make test` installs it.
"""

from __future__ import annotations

import csv
import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from dashboard_fixture import load

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SECTIONS = ("overview", "triggers", "demands", "state_responses", "outcomes", "figures", "timeline")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium)"
        if in_ci():
            pytest.fail(message + "; CI never skips the browser tests")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def served(dashboard_site):
    """The site over HTTP on 127.0.0.1: its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(dashboard_site[1]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Watch:
    """What the page did: console errors, script errors, dialogs, and every request it made."""

    def __init__(self, page, base: str):
        self.base = base
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))
        page.route("**/*", self._route)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page, served)
    page.goto(served + "index.html", wait_until="networkidle")
    yield page, watch
    context.close()


def test_loads_without_console_errors_or_requests_outside_the_site(page, dashboard_site, browser):
    page, watch = page
    assert watch.errors == [] and watch.outside == [] and watch.dialogs == []
    assert watch.requests == [watch.base + "index.html", watch.base + "style.css"]
    # the stylesheet applied (CSP allows it): the header has its band colour, not the default
    assert (
        page.eval_on_selector(".page-header", "e => getComputedStyle(e).backgroundColor")
        == "rgb(245, 245, 247)"
    )
    # opened from a file, as a researcher would, it behaves the same
    local = browser.new_page()
    local_watch = Watch(local, (dashboard_site[1]).as_uri() + "/")
    local.goto((dashboard_site[1] / "index.html").as_uri(), wait_until="load")
    assert local_watch.errors == [] and local_watch.outside == []
    assert (
        local.eval_on_selector(".page-header", "e => getComputedStyle(e).backgroundColor")
        == "rgb(245, 245, 247)"
    )
    local.close()


def test_both_episodes_appear_in_every_section(page, codebook):
    page, _ = page
    for section in SECTIONS:
        text = page.locator(f"section#{section}").inner_text()
        for episode in codebook.episodes.values():
            assert episode.label in text, f"{episode.label} missing from #{section}"


def test_opening_a_category_cell_shows_its_quotes(page):
    page, _ = page
    spec = load()
    facts = [f for f in spec["facts"] if (f["episode"], f["category"]) == ("zhanaozen-2011", "killed")]
    cell = page.locator('td[data-episode="zhanaozen-2011"][data-category="killed"]')
    quotes = cell.locator("blockquote")
    assert quotes.count() == len(facts)
    assert not quotes.first.is_visible()
    cell.locator("summary").click()
    assert quotes.first.is_visible()
    assert sorted(quotes.all_inner_texts()) == sorted(f["quote"] for f in facts)
    title = next(d["title"] for d in spec["documents"] if d["key"] == facts[0]["doc"])
    assert cell.locator("cite").first.inner_text() == title


def test_figures_chart_is_present_and_labelled(page):
    page, _ = page
    chart = page.locator("#figure-killed-people figure.chart")
    svg = chart.locator("svg")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box["width"] > 300 and box["height"] > 60
    text = svg.inner_html()
    for label in ("Killed: every claimed figure", "Zhanaozen 2011", "January 2022", "people (log scale)"):
        assert label in text
    key = page.locator("#figures .legend")
    assert key.is_visible() and "Claimed by: ● Official" in key.inner_text()
    assert "Killed (people)" in chart.locator("figcaption").inner_text()
    # one mark per claim: points carry the official colour for the official claims
    official = [
        f for f in load()["facts"] if f["category"] == "killed" and f.get("claimant_type") == "official"
    ]
    assert svg.locator('path[fill="#b2182b"][aria-roledescription="point"]').count() == len(official)


def test_injected_markup_shows_as_text_and_runs_nothing(page):
    page, watch = page
    for cell in page.locator("td.found details").all():
        cell.locator("summary").click()
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.images.length") == 0
    assert watch.dialogs == [] and watch.errors == []
    timeline = page.locator("section#timeline").inner_text()
    assert "<script>alert(1)</script> Hostile headline" in timeline
    assert "<img src=x onerror=alert(2)>" in page.locator("section#overview table").inner_text()
    injured = page.locator('td[data-episode="january-2022"][data-category="injured"]').inner_text()
    assert "dozens were injured" in injured
    assert "claimed by <script>alert(4)</script>" in injured


def test_download_link_yields_a_file_matching_the_table(page, dashboard_site, tmp_path):
    page, _ = page
    with page.expect_download() as download:
        page.locator('a[href="data/outcomes.csv"]').click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "outcomes.csv"
    with saved.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = pq.read_table(dashboard_site[0] / "outcomes.parquet").to_pylist()
    assert [(r["record_id"], r["quote"], r["episode"]) for r in rows] == [
        (r["record_id"], r["quote"], r["episode"]) for r in table
    ]
    shown = page.locator('#downloads tr[data-table="outcomes"] td.num').inner_text()
    assert int(shown) == len(rows) == len([f for f in load()["facts"] if f["table"] == "outcome"])
