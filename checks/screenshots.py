"""Full-page screenshots of the public pages, to look at as a reader would.

``python -m checks.screenshots [page ...]`` serves the blog with the demo content as
``python -m checks.site`` does (a private emulator stack, DEBUG off, static files collected) and
saves each page at a phone's and a desktop's width, light and dark, into ``.local/shots/`` as
``<page>-<width>-<scheme>.png``. Lazy pictures are scrolled into view first, as a reader would.
"""

from __future__ import annotations

import sys
from pathlib import Path

from checks.site import CHROMIUM, CHROMIUM_FLAGS, ROOT, Scheme, served_blog

SHOTS = ROOT / ".local" / "shots"
PAGES = ("home", "article", "article-code", "tag", "search", "not-found")
WIDTHS = (390, 1280)
SCHEMES: tuple[Scheme, ...] = ("light", "dark")
VIEWPORT_HEIGHT = {390: 844, 1280: 900}  # a phone's and a laptop's screen

# Scroll down a screen at a time (lazy pictures load as they near the viewport), wait for every
# picture to be decoded, then go back to the top.
SCROLL_THROUGH = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
    window.scrollTo(0, y);
    await new Promise((done) => setTimeout(done, 100));
  }
  await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
  window.scrollTo(0, 0);
}"""


def shoot(pages: dict[str, str], names: tuple[str, ...], out: Path) -> list[Path]:
    """Save every page of ``names`` at each width and colour scheme; return the files."""
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for width in WIDTHS:
                for scheme in SCHEMES:
                    context = browser.new_context(
                        viewport={"width": width, "height": VIEWPORT_HEIGHT[width]}, color_scheme=scheme
                    )
                    page = context.new_page()
                    for name in names:
                        page.goto(pages[name], wait_until="networkidle")
                        page.evaluate(SCROLL_THROUGH)
                        path = out / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(path), full_page=True)
                        saved.append(path)
                    context.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str]) -> int:
    names = tuple(argv) or PAGES
    unknown = sorted(set(names) - set(PAGES))
    if unknown:
        print(f"unknown page(s): {', '.join(unknown)}; choose from {', '.join(PAGES)}")
        return 2
    if not Path(CHROMIUM).exists():
        print(f"missing: {CHROMIUM} (make system-deps installs it)")
        return 2
    SHOTS.mkdir(parents=True, exist_ok=True)
    with served_blog() as pages:
        saved = shoot(pages, names, SHOTS)
    for path in saved:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
