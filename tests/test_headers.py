"""Security headers on every response of the app server (`python -m threadline.serve`), issue 14.

The middleware on its own (no server), then real responses of a running server: the start
page, `/_stcore/health`, a hashed static bundle and `/media/...` downloads made by the results
page and the dashboard; then the app in Chromium under the policy: no CSP violation (in any
frame, across navigations) or console error while the start page, the survey, the browser
helper (an inline script of ours in an `st.html` element), the results page with its charts and
tables, every dashboard tab and an engagement import (an upload) run; an external image is
refused; another site cannot frame the app.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scoring.bank import Bank
from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    ROOT,
    LiveServer,
    Survey,
    _free_port,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    context_fixture,
    settle,
)
from tests.test_accessibility import _settle_results, _submitted_assessment
from threadline import serve
from threadline.storage import Store

EXPECTED = {
    "content-security-policy": serve.CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


# --------------------------------------------------------------------------- the middleware alone


def _run(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(serve.SecurityHeaders(app)(scope, receive, send))
    return sent


def _app(headers: list[tuple[bytes, bytes]]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def _headers(message: dict[str, Any]) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in message["headers"]}


def test_every_header_is_set_and_replaces_the_apps_own() -> None:
    start, body = _run(_app([(b"X-Frame-Options", b"SAMEORIGIN"), (b"cache-control", b"no-cache")]), {"type": "http"})
    headers = _headers(start)
    assert headers == {**EXPECTED, "cache-control": "no-store"}
    assert body == {"type": "http.response.body", "body": b"ok"}


def test_hashed_bundles_keep_their_cache_and_https_adds_hsts() -> None:
    immutable = "public, immutable, max-age=31536000"
    start, _ = _run(_app([(b"cache-control", immutable.encode())]), {"type": "http", "scheme": "https"})
    assert _headers(start) == {**EXPECTED, "cache-control": immutable, "strict-transport-security": serve.HSTS}
    plain, _ = _run(_app([]), {"type": "http", "scheme": "http"})
    assert "strict-transport-security" not in _headers(plain)


def test_websockets_pass_through_untouched() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(send)

    async def send(message: Any) -> None:
        pass

    async def receive() -> dict[str, Any]:
        return {}

    asyncio.run(serve.SecurityHeaders(app)({"type": "websocket"}, receive, send))
    assert seen == [send]


def test_install_wraps_streamlits_middleware_once() -> None:
    from streamlit.web.server.starlette import starlette_app

    original = starlette_app.create_streamlit_middleware
    try:
        serve.install()
        serve.install()
        stack = starlette_app.create_streamlit_middleware()
        assert [m.cls for m in stack].count(serve.SecurityHeaders) == 1
        assert stack[0].cls is serve.SecurityHeaders
    finally:
        starlette_app.create_streamlit_middleware = original


# --------------------------------------------------------------------------- a running server
# LiveServer starts the app as `make run` does: `python -m threadline.serve run app.py ...`.


@pytest.fixture(scope="module", name="server")
def server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("headers")
    server = LiveServer(port=_free_port(), database=folder / "threadline.db", log=folder / "streamlit.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(name="store")
def store_fixture(server: LiveServer) -> Iterator[Store]:
    opened = Store(server.database_url)
    opened.migrate()  # the server migrates on its first page; a test may write before that
    try:
        yield opened
    finally:
        opened.dispose()


def fetch_headers(url: str) -> dict[str, str]:
    """The headers of a real response (lower-case names; a repeated header would show as one, joined)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        assert response.status == 200, url
        return {name.lower(): value for name, value in response.headers.items()}


def assert_secure(headers: dict[str, str], cache: str = "no-store") -> None:
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, (name, headers)
    assert headers.get("cache-control") == cache, headers


def test_real_responses_carry_the_headers(server: LiveServer) -> None:
    page = fetch_headers(server.url + "/")
    assert_secure(page)
    assert "strict-transport-security" not in page  # plain HTTP
    print("\nheaders of GET / on the app server:\n" + "\n".join(f"  {k}: {v}" for k, v in sorted(page.items())))
    assert_secure(fetch_headers(server.url + "/_stcore/health"))
    assert_secure(fetch_headers(server.url + "/survey?resume=" + "x" * 43))
    html = urllib.request.urlopen(server.url + "/", timeout=10).read().decode()
    bundle = re.search(r'src="\./(static/js/[^"]+\.js)"', html)
    assert bundle, html[:500]
    assert_secure(fetch_headers(f"{server.url}/{bundle.group(1)}"), cache="public, immutable, max-age=31536000")


# --------------------------------------------------------------------------- the app under the policy, in Chromium

_WATCH = """() => {
    document.addEventListener('securitypolicyviolation', (e) => {
        window.__threadlineCsp(e.violatedDirective + ' ' + e.blockedURI.split('?')[0]);
    });
}"""


def _watched(context: Any) -> tuple[Any, list[str], list[str]]:
    """A new page, the console errors of every frame and every CSP violation in any frame, across navigations."""
    errors: list[str] = []
    violations: list[str] = []
    page = context.new_page()
    page.expose_function("__threadlineCsp", lambda text: violations.append(text))
    page.add_init_script(f"({_WATCH})()")
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors, violations


def assert_nothing_refused(errors: list[str], violations: list[str]) -> None:
    assert violations == []
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == [], errors


@pytest.mark.browser
def test_the_app_works_under_the_policy(
    server: LiveServer, chromium_available: None, context: Any, bank: Bank, store: Store
) -> None:
    page, errors, violations = _watched(context)
    survey = Survey.begin(page, server, bank, store)
    survey.answer_dimension(0, limit=2)
    survey.wait_stored()
    # the browser helper ran: its inline script (st.html) installed the helper in the page
    assert page.evaluate("() => typeof window.__threadlineHelper") == "object"
    assert page.evaluate("() => localStorage.getItem('threadline.resume')") == survey.token

    _, token = _submitted_assessment(store, bank)
    page.goto(f"{server.url}/results?resume={token}")
    _settle_results(page)
    assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 2
    with page.expect_download() as download:
        page.get_by_role("button", name="Scores (CSV)").click()
    media = download.value.url
    assert "/media/" in media, media
    assert Path(download.value.path()).read_text(encoding="utf-8-sig").strip()
    assert_secure(fetch_headers(media))
    print(
        f"\n/media download {media.split('/media/')[1][:16]}...: Cache-Control {fetch_headers(media)['cache-control']}"
    )
    settle(page)

    assert_nothing_refused(errors, violations)


@pytest.mark.browser
def test_the_policy_refuses_an_external_image(server: LiveServer, chromium_available: None, context: Any) -> None:
    page, _errors, violations = _watched(context)
    page.goto(server.url + "/")
    settle(page, page.get_by_role("button", name="Start the assessment"))
    page.evaluate("""() => { const img = document.createElement('img');
        img.src = 'https://images.example.invalid/pixel.png?token=secret'; document.body.appendChild(img); }""")
    deadline = time.monotonic() + 10
    while not violations and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # lets Playwright deliver the binding's call
    assert violations == ["img-src https://images.example.invalid/pixel.png"]


@pytest.mark.browser
def test_another_site_cannot_frame_the_app(server: LiveServer, chromium_available: None, context: Any) -> None:
    page, _errors, _violations = _watched(context)
    other = f"http://localhost:{server.port}/framer"  # another origin than 127.0.0.1 for the browser
    page.route(
        other,
        lambda route: route.fulfill(content_type="text/html", body=f'<iframe src="{server.url}/?view=abc"></iframe>'),
    )
    page.goto(other)
    deadline = time.monotonic() + 15
    framed: list[str] = []
    while time.monotonic() < deadline:
        framed = [f.url for f in page.frames if f != page.main_frame]
        if framed and all(url not in ("", "about:blank") for url in framed):
            break
        time.sleep(0.1)
    # Chromium shows its error page in place of a frame the CSP's frame-ancestors refuses
    assert framed == ["chrome-error://chromewebdata/"], framed


def _engagement_with_answers(store: Store, bank: Bank) -> str:
    """An engagement with 3 submitted respondents in one department, written to the database: its dashboard token."""
    from scoring.answers import as_stored
    from tests.browser_support import BANK_FILE

    bank_hash = store.put_bank(BANK_FILE.read_text(encoding="utf-8"), bank.id, bank.version)
    record, _invite, dashboard = store.create_engagement(bank_hash, "Harbour & Co", "Ada", "Loom", ["Marketing"])
    for person in range(3):
        respondent, _ = store.add_respondent(record.id, "Marketing", f"Person {person}")
        for number, question in enumerate(bank.scored_questions.values()):
            value: Any = (
                tuple(question.option_ids[:1])
                if question.type == "multi"
                else question.option_ids[(number + person) % len(question.option_ids)]
            )
            store.save_answer(respondent, question.id, as_stored(value))
        store.submit(respondent)
    return dashboard


@pytest.mark.browser
def test_the_dashboard_a_download_and_an_upload_work_under_the_policy(
    server: LiveServer, chromium_available: None, context: Any, bank: Bank, store: Store, tmp_path: Path
) -> None:
    from tests.test_accessibility import _open_expanders

    page, errors, violations = _watched(context)
    dashboard = _engagement_with_answers(store, bank)
    page.goto(f"{server.url}/?dashboard={dashboard}")
    settle(page, page.locator('[data-testid="stPlotlyChart"] .main-svg'), page.locator('[data-testid="stDataFrame"]'))
    for tab in page.get_by_role("tab").all():  # every tab: charts, tables, the workshop, the exports
        tab.click()
        settle(page)
    with page.expect_download() as download:  # a /media/ download
        page.get_by_role("button", name="This round with names (JSON)").click()
    exported = tmp_path / "engagement.threadline.json"
    download.value.save_as(exported)
    assert "/media/" in download.value.url
    assert_secure(fetch_headers(download.value.url))

    _, token = _submitted_assessment(store, bank)
    page.goto(f"{server.url}/results?resume={token}")
    _settle_results(page)
    assert _open_expanders(page) > 0  # the tables behind the charts
    settle(page, page.locator('[data-testid="stDataFrame"]'))

    page.goto(f"{server.url}/consultant")
    settle(page, page.get_by_role("button", name="Create the engagement"))
    page.get_by_text("Import an engagement exported from another Threadline").click()
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(exported))
    page.get_by_role("button", name="Import it").click()  # the file goes up through /_stcore/upload_file
    settle(page, page.get_by_test_id("stCode").filter(has_text="?dashboard="))

    assert_nothing_refused(errors, violations)
