"""Shared parts of the browser tests: the live server, the browser, waiting, screenshots, the survey.

Playwright drives Debian's headless Chromium (/usr/bin/chromium; never `playwright install`).
`live_server` runs one Streamlit server per test module, on a free port with a fresh SQLite
database, in its own process group. Every wait is for Streamlit's idle state *and* the content
expected afterwards (no fixed sleeps). Screenshots go to `test-artifacts/`.

A test module uses the fixtures by importing the `*_fixture` functions (pytest finds fixtures
among a module's names; each is registered under its short name, e.g. `live_server`, so test
parameters do not shadow an import), including the autouse `server_log_on_failure_fixture`.
Module-scoped fixtures are per module: each test module gets its own server and database. Without /usr/bin/chromium the
tests are skipped, except under CI (the CI variable set), where that is a failure.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scoring.answers import as_answers
from scoring.bank import Bank
from scoring.validate import parse_bank
from threadline.storage import Store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BANK_FILE = ROOT / "questions" / "social-integration.yaml"
TIMEOUT_MS = 20_000
SERVER_START_SECONDS = 45


def _unavailable(reason: str) -> None:
    """Skip on a developer machine; fail under CI, where the browser must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required when CI is set)")
    pytest.skip(reason)


# --------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A Streamlit server in its own process group, on a fixed port and database."""

    port: int
    database: Path
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"

    def start(self) -> None:
        assert self.process is None, "already running"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("THREADLINE_", "STREAMLIT_"))}
        env["DATABASE_URL"] = self.database_url
        command = [
            sys.executable,
            "-m",
            "threadline.serve",  # as `make run` starts it: Streamlit with the security headers
            "run",
            "app.py",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /_stcore/health in {SERVER_START_SECONDS} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after 10 s."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def server_with_consultant_password(folder: Path, password: str) -> Iterator[LiveServer]:
    """A live server started with CONSULTANT_PASSWORD set (the server copies the environment at start)."""
    server = LiveServer(port=_free_port(), database=folder / "threadline.db", log=folder / "streamlit.log")
    before = os.environ.get("CONSULTANT_PASSWORD")
    os.environ["CONSULTANT_PASSWORD"] = password
    try:
        server.start()
    finally:
        if before is None:
            del os.environ["CONSULTANT_PASSWORD"]
        else:
            os.environ["CONSULTANT_PASSWORD"] = before
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module", name="chromium_available")
def chromium_available_fixture() -> None:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package is not installed")


@pytest.fixture(scope="module", name="live_server")
def live_server_fixture(chromium_available: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    server = LiveServer(port=_free_port(), database=folder / "threadline.db", log=folder / "streamlit.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True, name="server_log_on_failure")
def server_log_on_failure_fixture(request: pytest.FixtureRequest, live_server: LiveServer) -> Iterator[None]:
    """When a test fails, show the end of the server's log (where Streamlit writes tracebacks)."""
    failed_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failed_before:
        print(f"--- end of the server log ({live_server.log}):\n{live_server.log_tail()}", file=sys.stderr)


@pytest.fixture(scope="module", name="browser")
def browser_fixture(chromium_available: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(name="context")
def context_fixture(browser: Any) -> Iterator[Any]:
    opened = browser.new_context(viewport=DESKTOP)
    opened.set_default_timeout(TIMEOUT_MS)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module", name="bank")
def bank_fixture() -> Bank:
    return parse_bank(BANK_FILE.read_text(encoding="utf-8"), str(BANK_FILE))


@pytest.fixture(name="store")
def store_fixture(live_server: LiveServer) -> Iterator[Store]:
    """The server's database, opened beside it to confirm what was saved."""
    opened = Store(live_server.database_url)
    try:
        yield opened
    finally:
        opened.dispose()


# --------------------------------------------------------------------------- waiting


_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.dataset.testScriptState === 'notRunning'
        && app.dataset.testConnectionState === 'CONNECTED'
        && document.querySelector('[data-stale="true"]') === null;
}"""


def settle(page: Any, *expected: Any, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until the expected elements are visible and Streamlit is idle for three polls in a row."""
    from playwright.sync_api import expect

    for locator in expected:
        expect(locator.first).to_be_visible(timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    quiet = 0
    while quiet < 3:
        if time.monotonic() > deadline:
            raise AssertionError("Streamlit did not settle (script still running, disconnected or stale elements)")
        quiet = quiet + 1 if page.evaluate(_IDLE) else 0
        time.sleep(0.05)
    for locator in expected:
        expect(locator.first).to_be_visible(timeout=timeout_ms)
    assert_no_error(page)


def assert_no_error(page: Any) -> None:
    text = page.locator("body").inner_text()
    assert "Traceback" not in text, text
    assert page.locator('[data-testid="stException"]').count() == 0, text


def screenshot(page: Any, name: str, viewport: dict[str, int] = DESKTOP) -> Path:
    """A full-page screenshot; Streamlit scrolls inside its main element, so grow the window to fit it."""
    fit_viewport_to_content(page, viewport)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    page.set_viewport_size(DESKTOP)
    return path


# --------------------------------------------------------------------------- the survey


def _key_class(*parts: object) -> str:
    """The CSS class Streamlit gives an element with a key (st-key-... with ':' turned into '-')."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", ":".join(str(p) for p in parts))


@dataclass
class Survey:
    """One person's survey in one browser page, with the answers they gave so far."""

    page: Any
    bank: Bank
    store: Store
    token: str
    assessment_id: int
    answers: dict[str, Any] = field(default_factory=dict)
    current: int = 0

    @classmethod
    def begin(cls, page: Any, server: LiveServer, bank: Bank, store: Store, organisation: str = "") -> Survey:
        page.goto(server.url + "/")
        start_button = page.get_by_role("button", name="Start the assessment")
        settle(page, start_button)
        if organisation:
            page.get_by_label("Organisation name").fill(organisation)
        start_button.click()
        page.wait_for_url(re.compile(r"/survey\?resume="))
        token = re.search(r"[?&]resume=([A-Za-z0-9_-]+)", page.url).group(1)
        found = store.find_link(token)
        assert found is not None and found.kind == "private"
        survey = cls(page, bank, store, token, found.assessment_id)
        survey.expect_dimension(0)
        return survey

    @property
    def total(self) -> int:
        return sum(1 for q in self.bank.questions.values() if q.is_scored)

    @property
    def answered(self) -> int:
        return sum(1 for qid in self.answers if self.bank.questions[qid].is_scored)

    def widget(self, question_id: str, part: str = "") -> Any:
        return self.page.locator("." + _key_class("answer", self.assessment_id, question_id, part))

    def progress(self, page_number: int) -> Any:
        dimensions = len(self.bank.dimensions)
        return self.page.get_by_text(
            f"Dimension {page_number + 1} of {dimensions} · {self.answered} of {self.total} answered"
        )

    def expect_dimension(self, index: int) -> None:
        """The survey shows this dimension, its questions rendered and the server idle."""
        dimension = self.bank.dimensions[index]
        heading = self.page.get_by_role("heading", name=dimension.title, exact=True)
        last = dimension.questions[-1]
        settle(
            self.page,
            self.progress(index),
            heading,
            self.widget(last.id, last.option_ids[0] if last.type == "multi" else ""),
        )
        self.current = index

    def choose(self, question_id: str, index: int) -> None:
        """Click the option a person would, and wait for the server to count it."""
        question = self.bank.questions[question_id]
        group = self.widget(question_id)
        group.get_by_test_id("stRadioOption").nth(index).click()
        self.answers[question_id] = question.option_ids[index]
        from playwright.sync_api import expect

        expect(group.locator("input[type=radio]").nth(index)).to_be_checked()
        settle(self.page, self.progress(self.current))

    def tick(self, question_id: str, option_id: str) -> None:
        question = self.bank.questions[question_id]
        box = self.widget(question_id, option_id)
        box.get_by_test_id("stCheckbox").click()
        chosen = set(self.answers.get(question_id, ())) | {option_id}
        self.answers[question_id] = tuple(o for o in question.option_ids if o in chosen)
        from playwright.sync_api import expect

        expect(box.locator("input[type=checkbox]")).to_be_checked()
        settle(self.page, self.progress(self.current))

    def type_note(self, question_id: str, text: str) -> None:
        self.widget(question_id).locator("textarea").fill(text)
        self.answers[question_id] = text

    def answer_question(self, number: int, question_id: str) -> None:
        """Answer the way a varied respondent would: the 2nd or 3rd option, two boxes, a note."""
        question = self.bank.questions[question_id]
        if question.type == "choice":
            self.choose(question_id, 1 + number % 2)
        elif question.type == "multi":
            for option_id in question.option_ids[:3:2]:
                self.tick(question_id, option_id)
        else:
            self.type_note(question_id, f"Note for {question_id}: fewer calls & <b>more</b> leads_{number}")

    def answer_dimension(self, index: int, limit: int | None = None) -> None:
        for question in self.bank.dimensions[index].questions[:limit]:
            self.answer_question(len(self.answers), question.id)

    def next(self) -> None:
        self.page.get_by_role("button", name="Next →").click()
        self.expect_dimension(self.current + 1)

    def back(self) -> None:
        self.page.get_by_role("button", name="← Back").click()
        self.expect_dimension(self.current - 1)

    def stored(self) -> dict[str, Any]:
        record = self.store.assessment(self.assessment_id)
        return as_answers(record.answers)

    def wait_stored(self, timeout_s: float = 10) -> None:
        """Wait until the database holds exactly the answers given (text is saved when its box loses focus)."""
        deadline = time.monotonic() + timeout_s
        while self.stored() != self.answers:
            if time.monotonic() > deadline:
                assert self.stored() == self.answers
            time.sleep(0.05)

    def check_shown(self, index: int) -> None:
        """Every question of this dimension shows exactly the answer given (or none)."""
        from playwright.sync_api import expect

        for question in self.bank.dimensions[index].questions:
            given = self.answers.get(question.id)
            if question.type == "choice":
                radios = self.widget(question.id).locator("input[type=radio]")
                for position, option_id in enumerate(question.option_ids):
                    state = expect(radios.nth(position))
                    if option_id == given:
                        state.to_be_checked()
                    else:
                        state.not_to_be_checked()
            elif question.type == "multi":
                for option_id in question.option_ids:
                    box = expect(self.widget(question.id, option_id).locator("input[type=checkbox]"))
                    if given is not None and option_id in given:
                        box.to_be_checked()
                    else:
                        box.not_to_be_checked()
                expect(self.widget(question.id, "__none__").locator("input[type=checkbox]")).not_to_be_checked()
            else:
                expect(self.widget(question.id).locator("textarea")).to_have_value(given or "")

    def private_link(self) -> str:
        return self.page.get_by_test_id("stCode").filter(has_text="?resume=").inner_text().strip()


# --------------------------------------------------------------------------- accessibility (axe-core)

# axe-core is installed at install time by the Makefile (`make test` depends on it), never fetched
# at run time; `AXE_FILE` is the one file the tests inject into the page.
AXE_FILE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
AXE_WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

_AXE_RUN = """async ([tags, rules]) => {
    const options = {runOnly: {type: 'tag', values: tags}, rules: {}, resultTypes: ['violations']};
    for (const rule of rules) options.rules[rule] = {enabled: true};
    const result = await axe.run(document, options);
    const ran = new Set([...result.violations, ...result.passes, ...result.incomplete, ...result.inapplicable]
        .map(r => r.id));
    return {
        version: axe.version,
        ran: [...ran],
        violations: result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, tags: v.tags,
            nodes: v.nodes.map(n => ({
                target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '),
                impact: n.impact,
                summary: n.failureSummary,
                html: n.html.slice(0, 200),
            })),
        })),
    };
}"""


def axe_available() -> Path:
    """The axe-core script; skipped without it on a developer machine, a failure under CI."""
    if not AXE_FILE.exists():
        _unavailable(f"{AXE_FILE.relative_to(ROOT)} is missing (`make test` installs it with npm)")
    return AXE_FILE


def fit_viewport_to_content(page: Any, viewport: dict[str, int]) -> None:
    """Keep the width, grow the window to the whole page (Streamlit scrolls inside its main element).

    axe-core judges colour contrast only for what is in the viewport (the rest comes back
    "incomplete"), so a page is checked at its full height, as `screenshot` takes it.
    """
    page.set_viewport_size(viewport)
    page.wait_for_function(_IDLE)
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m ? m.scrollHeight : 0; }"
    )
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height)})
    page.wait_for_function(_IDLE)


def run_axe(page: Any, tags: tuple[str, ...] = AXE_WCAG_TAGS, rules: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run axe-core on the whole document: the rules with these tags plus the named extra rules.

    Returns {'version', 'ran' (every rule id axe ran), 'violations': [{'id', 'impact', 'help',
    'tags', 'nodes': [{'target', 'impact', 'summary', 'html'}]}]}, a node's target as one selector.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_available()))
    return page.evaluate(_AXE_RUN, [list(tags), list(rules)])
