"""End-to-end: the dashboard served on localhost, driven in headless Debian Chromium.

Needs ``/usr/bin/chromium`` or ``chromium`` on PATH (``apt-get install -y chromium``; .ci/run
installs it). Without it these tests skip, with the reason shown (tests/conftest.py), except
under CI (``CI=true``), where they fail: CI must not pass without having looked at the page.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_requirement import chromium_executable

from dashboard.app import headline
from dashboard.lessons import LESSONS, PAGE_DEFAULTS, ClassroomModel

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_SECONDS = 90
WAIT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """The dashboard command on a free localhost port; its URL. Stopped at teardown."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = ARTIFACTS / f"dashboard-server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"dashboard exited with {process.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dashboard did not answer within {SERVER_START_SECONDS} s")
            time.sleep(0.2)
        yield url
        assert "Could not load URL" not in log.read_text(), "the server reached for the internet"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright."""
    executable = chromium_executable()
    if executable is None:
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    """A fresh page (its own Solara session) with the dashboard loaded; outside requests kept."""
    context = browser.new_context(viewport={"width": 1500, "height": 1300})
    page = context.new_page()
    page.outside_requests = []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((server, "data:", "blob:"))
            else page.outside_requests.append(r.url)
        ),
    )
    page.goto(server)
    page.get_by_text("Time: 0.0").wait_for(timeout=WAIT_MS)
    yield page
    context.close()


def _step(page, times: int, start: int = 0) -> None:
    """Click Step ``times`` times, waiting for the step counter after each click."""
    for k in range(start + 1, start + times + 1):
        page.get_by_role("button", name="Step").click()
        page.get_by_text(f"Time: {k}.0").wait_for(timeout=WAIT_MS)


def _numbers(page) -> dict[str, str]:
    """The page's table of this week's numbers."""
    rows = page.locator("table tr").all_inner_texts()
    pairs = [re.split(r"\t+", row.strip(), maxsplit=1) for row in rows]
    return {p[0].strip(): p[1].strip() for p in pairs if len(p) == 2}


FIGURE_DIGESTS = """async () => Promise.all([...document.images].map(async (img) => {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return [...new Uint8Array(digest)].map((b) => b.toString(16)).join("");
}))"""


def _figures(page) -> list[str]:
    """A digest of each figure's image (organization and plots) as the browser shows it."""
    page.wait_for_function("document.querySelectorAll('img').length >= 6", timeout=WAIT_MS)
    return page.evaluate(FIGURE_DIGESTS)


def test_page_loads_with_every_figure_and_nothing_from_the_internet(page):
    """The page shows its six figures and numbers, having asked nothing of other hosts."""
    page.wait_for_function("document.querySelectorAll('img').length >= 6", timeout=WAIT_MS)
    sizes = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert len(sizes) == 6 and min(sizes) > 200
    assert _numbers(page)["Week"] == "0"
    assert page.outside_requests == []


def test_slider_and_steps_give_the_numbers_of_the_same_model_run(page):
    """Demand slider up one notch, Reset, three Steps: plots change, numbers equal the model's."""
    slider = page.locator(".v-input").filter(has_text="Patient demand").get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")
    assert slider.get_attribute("aria-valuenow") == "1.05"
    page.get_by_role("button", name="Reset").click()
    page.wait_for_timeout(1000)
    before = _figures(page)
    _step(page, 3)
    page.wait_for_function(
        "() => [...document.querySelectorAll('td')].some(td => td.innerText.trim() === '3')",
        timeout=WAIT_MS,
    )
    after = _figures(page)
    assert len(after) == 6 and all(a != b for a, b in zip(before, after, strict=True))
    expected = ClassroomModel(**{**PAGE_DEFAULTS, "demand_level": 1.05})
    expected.run_for(3)
    assert _numbers(page) == headline(expected)
    default = ClassroomModel(**PAGE_DEFAULTS)
    default.run_for(3)
    assert headline(default) != headline(expected)


def test_lesson_preset_loads_and_runs_its_settings(page, browser, server):
    """A lesson button loads its preset and teacher text; a Step matches that preset's model.

    Another browser (a second student) still sees free play: each page has its own session.
    """
    item = LESSONS[2]  # delays and hysteresis: a pandemic surge
    preset = item.presets[0]
    page.get_by_role("button", name=preset.label).click()
    page.get_by_text("For the teacher").wait_for(timeout=WAIT_MS)
    assert item.look_for in page.inner_text("body")
    page.get_by_text("pandemic_surge").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("Time: 0.0").wait_for(timeout=WAIT_MS)
    _step(page, 4)
    expected = ClassroomModel(**preset.settings())
    expected.run_for(4)
    page.wait_for_function(
        "() => [...document.querySelectorAll('td')].some(td => td.innerText.trim() === '4')",
        timeout=WAIT_MS,
    )
    assert _numbers(page) == headline(expected)
    other = browser.new_context()
    try:
        second = other.new_page()
        second.goto(server)
        second.get_by_text("Time: 0.0").wait_for(timeout=WAIT_MS)
        assert "Free play." in second.inner_text("body")
        assert "For the teacher" not in second.inner_text("body")
    finally:
        other.close()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    page.set_viewport_size({"width": 1500, "height": 2600})  # every plot in one picture
    page.wait_for_timeout(500)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
