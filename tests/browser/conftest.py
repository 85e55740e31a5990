"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's live server.

Never `playwright install`: the browser is the distribution's /usr/bin/chromium (`./dev test` installs it).
Screenshots are kept under <repo>/test-artifacts/ (gitignored); when a test fails, the page the last
person had open is saved there too (failure-<test>-<person>.png).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flow import prepare_second_factor, second_factor

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "test-pass-123"  # the staff personas' password (tests/conftest.py)
TICK_CONFIRMATIONS = """
window.tancertConfirm = true;
const tick = () => document.querySelectorAll("input[data-confirm-box]").forEach((box) => { box.checked = true; });
document.addEventListener("DOMContentLoaded", tick);
document.addEventListener("htmx:load", tick);
"""


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is missing at {CHROMIUM}: install it (`apt-get install chromium`, "
                    "which `./dev test` does) — the browser tests never download a browser.", pytrace=False)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Fail before any fixture (live server, database) is set up, so the report is this one clear line.
    if item.get_closest_marker("browser"):
        _require_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A user in China: the browser asks for Chinese, as the UI's default.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def artifacts() -> Path:
    """<repo>/test-artifacts/, where screenshots are kept."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item._tancert_call_report = report
    return report


class People:
    """Each person works in a fresh browser context (own cookies), as on their own computer."""

    def __init__(self, new_context, base_url: str):
        self._new_context = new_context
        self.base_url = base_url
        self.pages: list[tuple[str, object]] = []
        self.csp_violations: list[str] = []

    def _watch(self, page) -> None:
        """The browser reports what the Content-Security-Policy blocked (docs/architecture.md, Security)."""
        def console(msg):
            if "Content Security Policy" in msg.text:
                self.csp_violations.append(f"{page.url}: {msg.text}")
        page.on("console", console)

    def anonymous(self, who: str = "visitor", *, confirm_dialogs: bool = False):
        context = self._new_context(base_url=self.base_url)
        context.set_default_timeout(15_000)
        if not confirm_dialogs:
            # Irreversible steps ask before they are sent (docs/web.md, "Confirmations"). Tests about other
            # things take the no-script path: the person ticks the confirmation box. The dialog itself is
            # tested in test_browser_home.py (log_in(…, confirm_dialogs=True)).
            context.add_init_script(TICK_CONFIRMATIONS)
        page = context.new_page()
        self._watch(page)
        self.pages.append((who, page))
        return page

    def log_in(self, username: str, password: str = PASSWORD, *, confirm_dialogs: bool = False):
        """Open the site, follow the log-in link, sign in; returns the page on the user's home."""
        prepare_second_factor(username)
        page = self.anonymous(username, confirm_dialogs=confirm_dialogs)
        page.goto("/")
        page.click('header a[href="/accounts/login/"]')
        page.wait_for_url("**/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        second_factor(page, username)
        page.wait_for_url(self.base_url + "/")
        return page


@pytest.fixture
def people(new_context, live_server, request):
    crowd = People(new_context, live_server.url)
    yield crowd
    report = getattr(request.node, "_tancert_call_report", None)
    if report is not None and report.passed:
        # A page whose script or style the policy blocked is a page that silently does less.
        assert not crowd.csp_violations, "\n".join(crowd.csp_violations)
    if report is not None and report.failed:
        # The page the last person was looking at when the test failed.
        open_pages = [(who, page) for who, page in crowd.pages if not page.is_closed()]
        if open_pages:
            who, page = open_pages[-1]
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            try:
                page.screenshot(path=str(ARTIFACTS / f"failure-{name}-{who}.png"), full_page=True)
            except Exception as e:  # a failing screenshot must not hide the test's own failure
                print(f"could not save the failure screenshot: {e}")
