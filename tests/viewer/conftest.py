"""Fixtures for the viewer: one small real build, Debian's chromium driven by Playwright.

The browser is ``/usr/bin/chromium`` (never one Playwright downloads). Without it the
browser tests skip locally with the reason, and FAIL when ``CI=true`` (``.ci/run``
installs it). Screenshots go to ``tests/artifacts/`` (git-ignored).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LEVELS = 40
SIZE = 64


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _unavailable(reason: str):
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: the viewer tests must run; .ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: pip install '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> Path:
    """A finished 40-level build at 64x64 (with its index.html), shared read-only."""
    from megagen.build import build

    out = tmp_path_factory.mktemp("viewer") / "city"
    build(range(LEVELS), seed=3, size=SIZE, out_dir=out, workers=2)
    return out


@pytest.fixture
def city_copy(city, tmp_path) -> Path:
    """A private copy of the build, to break."""
    dst = tmp_path / "copy"
    shutil.copytree(city, dst)
    return dst


class Page:
    """A Playwright page plus the console errors it logged."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def open(self, folder: Path, fragment: str = "", wait_shown=True):
        self.page.goto((folder / "index.html").resolve().as_uri() + fragment)
        self.page.wait_for_function("window.megagenViewer && (window.megagenViewer.ready || window.megagenViewer.error)")
        if wait_shown:
            self.wait_level(self.state()["level"])
        return self

    def state(self) -> dict:
        return self.page.evaluate("({level: megagenViewer.level, shown: megagenViewer.shown,"
                                  " src: document.getElementById('level').getAttribute('src'),"
                                  " first: megagenViewer.firstShownMs, step: megagenViewer.lastStepMs})")

    def wait_level(self, level: int) -> dict:
        self.page.wait_for_function(f"window.megagenViewer.shown === {int(level)}", timeout=5000)
        return self.state()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 900})
    p = Page(context.new_page())
    try:
        yield p
    finally:
        context.close()
