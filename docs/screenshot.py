"""Take the README's screenshots of a published dashboard with Debian's Chromium (never a downloaded one).

    .venv/bin/python docs/screenshot.py [SITE_DIR]    # default datasets/dashboard

Writes docs/dashboard.png (the top of the page, one evidence cell opened) and
docs/dashboard-figures.png (the figures key and the killed chart: official against other claims).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1500})
        page.goto((site / "index.html").resolve().as_uri())
        page.locator("#triggers td.found summary").first.click()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=DOCS / "dashboard.png")
        # the key and the killed chart, the other measures hidden for the picture
        page.evaluate(
            "document.querySelectorAll('#figures .measure:not(#figure-killed-people)')"
            ".forEach(e => e.hidden = true)"
        )
        top = page.locator("#figures").bounding_box()
        bottom = page.locator("#figure-killed-people figure.chart").bounding_box()
        clip = {"x": 0, "y": top["y"], "width": 1280, "height": bottom["y"] + bottom["height"] - top["y"]}
        page.screenshot(path=DOCS / "dashboard-figures.png", clip=clip, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("datasets/dashboard"))
