"""The shipped deployment, run: Debian's nginx with `deploy/nginx/` in front of two app servers on one PostgreSQL.

nginx runs in the foreground with a temporary prefix, on free loopback ports, with the
shipped `threadline.conf` and `security-headers.conf` (only the listen ports, the certificate
and the log path replaced, each replacement checked) and an `app-servers.conf` naming the two
app servers, written like the shipped one. The app servers are `python -m threadline.serve run
app.py`, as `make run` and `deploy/threadline@.service` start them, on a fresh PostgreSQL
schema (dropped afterwards). Chromium answers through the proxy over HTTPS (a certificate made
for the test); the shipped access log (its `node=` and `upstream=`) tells which server holds
the session. That server is killed with SIGKILL; the page carries on on the other server
(Streamlit reconnects; the survey reloads through its resume link if it has not within 20 s)
and every answer given before the kill must be there, and new answers saved. The headers are
checked on responses through the proxy, a `/media/` download included, and no token is logged.

Needs nginx, Chromium and TEST_DATABASE_URL: skipped without them, a failure under CI.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from scoring.bank import Bank
from tests.browser_support import (  # noqa: F401  (the *_fixture imports register the fixtures)
    ROOT,
    TIMEOUT_MS,
    LiveServer,
    Survey,
    _free_port,
    _unavailable,
    bank_fixture,
    browser_fixture,
    chromium_available_fixture,
    settle,
)
from tests.test_accessibility import _settle_results, _submitted_assessment
from tests.test_headers import EXPECTED
from threadline import serve
from threadline.storage import Store

pytestmark = pytest.mark.browser

DEPLOY = ROOT / "deploy" / "nginx"
SERVER_LINE = re.compile(r"^server\s+\S+\s+(?P<options>max_fails=\d+ fail_timeout=\d+s);$", re.M)
RECONNECT_SECONDS = 20


# --------------------------------------------------------------------------- what is needed


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        _unavailable("nginx is not installed (apt-get install nginx)")
    assert found is not None
    return found


@pytest.fixture(scope="module", name="postgres_url")
def postgres_url_fixture() -> Iterator[str]:
    """A fresh PostgreSQL schema on TEST_DATABASE_URL's server, dropped afterwards."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        _unavailable("TEST_DATABASE_URL is not set (a PostgreSQL server for the deployment test)")
    assert server is not None
    schema = f"deploy_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


# --------------------------------------------------------------------------- the app servers


@dataclass
class AppServer(LiveServer):
    """`python -m threadline.serve run app.py` (as LiveServer starts it) on a PostgreSQL URL."""

    postgres: str = ""

    @property
    def database_url(self) -> str:
        return self.postgres

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash or a pulled plug would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="module", name="app_servers")
def app_servers_fixture(
    chromium_available: None, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[AppServer]]:
    folder = tmp_path_factory.mktemp("app-servers")
    servers = [
        AppServer(port=_free_port(), database=folder / "unused", log=folder / f"app-{n}.log", postgres=postgres_url)
        for n in (1, 2)
    ]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


# --------------------------------------------------------------------------- nginx


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx/threadline.conf no longer has {old!r}: update tests/test_deploy.py"
    return text.replace(old, new)


def render_site(https_port: int, http_port: int, certificate: Path, key: Path, logs: Path) -> str:
    """The shipped threadline.conf with test ports, certificate and log folder (and no IPv6 listen)."""
    text = (DEPLOY / "threadline.conf").read_text(encoding="utf-8")
    text = _replace(text, "    listen [::]:80;\n", "")
    text = _replace(text, "    listen [::]:443 ssl;\n", "")
    text = _replace(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = _replace(text, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    text = _replace(text, "/etc/ssl/certs/assess.example.com.pem", str(certificate))
    text = _replace(text, "/etc/ssl/private/assess.example.com.key", str(key))
    return _replace(text, "/var/log/nginx/threadline.access.log", str(logs / "threadline.access.log"))


def render_app_servers(addresses: list[str]) -> str:
    """app-servers.conf for these addresses, with the shipped file's health-check options."""
    shipped = SERVER_LINE.findall((DEPLOY / "app-servers.conf").read_text(encoding="utf-8"))
    assert shipped, "deploy/nginx/app-servers.conf has no `server HOST:PORT max_fails=N fail_timeout=Ns;` line"
    return "".join(f"server {address} {shipped[0]};\n" for address in addresses)


MAIN_CONF = """\
{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    gzip on;
    access_log {prefix}/other.access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include conf.d/threadline.conf;
}}
"""


@dataclass
class Nginx:
    prefix: Path
    https_port: int
    http_port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def access_log(self) -> list[str]:
        path = self.prefix / "threadline.access.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "test.pem", folder / "test.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return certificate, key


@pytest.fixture(scope="module", name="nginx")
def nginx_fixture(app_servers: list[AppServer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    binary = _nginx()
    if shutil.which("openssl") is None:
        _unavailable("openssl is not installed (it makes the test's certificate)")
    prefix = tmp_path_factory.mktemp("nginx")
    for part in ("conf.d", "threadline", "tmp"):
        (prefix / part).mkdir()
    certificate, key = _certificate(prefix)
    proxy = Nginx(prefix, _free_port(), _free_port())
    (prefix / "conf.d" / "threadline.conf").write_text(
        render_site(proxy.https_port, proxy.http_port, certificate, key, prefix)
    )
    shutil.copy(DEPLOY / "security-headers.conf", prefix / "threadline" / "security-headers.conf")
    (prefix / "threadline" / "app-servers.conf").write_text(render_app_servers([s.address for s in app_servers]))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the private temporary folder
    (prefix / "nginx.conf").write_text(MAIN_CONF.format(user=user, prefix=prefix))
    command = [binary, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    with (prefix / "stderr.log").open("ab") as log:
        proxy.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(lambda: _get(proxy.url + "/_stcore/health")[0] == 200, 20, lambda: proxy.error_log())
        yield proxy
    finally:
        if proxy.process.poll() is None:
            os.killpg(proxy.process.pid, signal.SIGQUIT)
            try:
                proxy.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proxy.process.pid, signal.SIGKILL)
                proxy.process.wait(timeout=10)


# --------------------------------------------------------------------------- helpers

_TLS = ssl.create_default_context()
_TLS.check_hostname = False
_TLS.verify_mode = ssl.CERT_NONE


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.HTTPSHandler(context=_TLS), _NoRedirect)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    """(status, headers, body) of a GET, without following redirects; (0, None, b'') when it cannot connect."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None, b""


def _wait_for(condition: Any, seconds: float, explain: Any = lambda: "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s\n{explain()}")
        time.sleep(0.1)


def assert_secure_once(headers: Any, cache: str = "no-store") -> None:
    """Every security header once, with the app server's value, HSTS included (HTTPS)."""
    for name, value in {**EXPECTED, "strict-transport-security": serve.HSTS, "cache-control": cache}.items():
        assert headers.get_all(name) == [value], (name, headers.get_all(name))


@dataclass
class Proxy:
    """What Survey.begin needs of a server: its URL (here the proxy's)."""

    url: str


_LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<uri>\S+)" .* node=(?P<node>\S*) upstream=(?P<upstream>.*)$')


def _answered_by(proxy: Nginx, node: str) -> list[str]:
    """The app server that answered each of this browser's /_stcore/ requests, from the shipped access log.

    `$upstream_addr` lists every server tried for a request ("A, B" when A failed); the last answered.
    """
    found = [_LOG_LINE.search(line) for line in proxy.access_log()]
    return [
        match["upstream"].split(",")[-1].strip()
        for match in found
        if match and match["node"] == node and match["uri"].startswith("/_stcore/")
    ]


def _holder(proxy: Nginx, node: str, servers: list[AppServer]) -> AppServer | None:
    """The app server that answered this browser's last /_stcore/ request."""
    answered = _answered_by(proxy, node)
    return next((server for server in servers if answered and server.address == answered[-1]), None)


def _node_cookie(context: Any) -> str:
    values = [c["value"] for c in context.cookies() if c["name"] == "threadline_node"]
    assert len(values) == 1, context.cookies()
    return values[0]


# --------------------------------------------------------------------------- the tests


def test_the_shipped_headers_are_the_app_servers() -> None:
    text = (DEPLOY / "security-headers.conf").read_text(encoding="utf-8")
    added = dict(re.findall(r'^add_header ([\w-]+) "([^"]*)" always;$', text, re.M))
    assert added == {
        "Content-Security-Policy": serve.CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Strict-Transport-Security": serve.HSTS,
    }
    hidden = set(re.findall(r"^proxy_hide_header ([\w-]+);$", text, re.M))
    assert hidden == {*added, "Cache-Control"}


def test_headers_through_the_proxy(nginx: Nginx, app_servers: list[AppServer]) -> None:
    status, headers, body = _get(nginx.url + "/")
    assert status == 200 and b"<html" in body
    assert_secure_once(headers)
    cookie = headers.get_all("set-cookie")
    assert cookie and cookie[0].startswith("threadline_node=") and "Secure; HttpOnly; SameSite=Lax" in cookie[0]
    print("\nheaders of GET / through nginx:\n" + "\n".join(f"  {k}: {v}" for k, v in headers.items()))
    status, headers, body = _get(nginx.url + "/_stcore/health", {"Cookie": cookie[0].split(";")[0]})
    assert (status, body) == (200, b"ok")
    assert_secure_once(headers)
    assert not [c for c in headers.get_all("set-cookie") or [] if c.startswith("threadline_node=")]  # set once

    html = _get(nginx.url + "/")[2].decode()
    bundle = re.search(r'src="\./(static/js/[^"]+\.js)"', html)
    assert bundle
    status, headers, _ = _get(f"{nginx.url}/{bundle.group(1)}")
    assert status == 200
    assert_secure_once(headers, cache="public, immutable, max-age=31536000")
    assert headers.get_all("set-cookie") is None  # a cacheable response never carries the routing cookie

    status, headers, _ = _get(f"http://127.0.0.1:{nginx.http_port}/survey?resume=abc")
    assert status == 301 and headers["location"] == "https://127.0.0.1/survey?resume=abc"


def test_request_size_limit(nginx: Nginx) -> None:
    """A body over client_max_body_size is refused by nginx from its Content-Length, with the headers."""
    connection = http.client.HTTPSConnection("127.0.0.1", nginx.https_port, context=_TLS, timeout=10)
    try:
        connection.putrequest("PUT", "/_stcore/upload_file/session/file")
        connection.putheader("Content-Length", str(52 * 1024 * 1024))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert_secure_once(response.headers)
    finally:
        connection.close()


def test_failover_keeps_every_answer(
    nginx: Nginx, app_servers: list[AppServer], browser: Any, bank: Bank, postgres_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True)
    context.set_default_timeout(TIMEOUT_MS)
    store = Store(postgres_url)
    try:
        page = context.new_page()
        survey = Survey.begin(page, Proxy(nginx.url), bank, store)  # type: ignore[arg-type]
        survey.answer_dimension(0, limit=3)
        survey.next()
        survey.answer_dimension(1, limit=2)
        survey.wait_stored()
        before = dict(survey.answers)
        node = _node_cookie(context)
        holder = _holder(nginx, node, app_servers)
        assert holder is not None, "\n".join(nginx.access_log()[-20:])
        # sticky: every request of this browser's session went to the one server
        assert set(_answered_by(nginx, node)) == {holder.address}, "\n".join(nginx.access_log())
        other = next(server for server in app_servers if server is not holder)
        unanswered = [q.id for q in bank.dimensions[1].questions if q.id not in survey.answers and q.type == "choice"]

        killed_at = time.monotonic()
        holder.kill()
        how = "Streamlit reconnected by itself"
        try:
            _wait_for(
                lambda: _holder(nginx, node, app_servers) is other,
                RECONNECT_SECONDS,
                lambda: "\n".join(nginx.access_log()[-20:]),
            )
            survey.expect_dimension(1)
        except AssertionError:
            how = "the page was reloaded through its resume link"
            page.goto(f"{nginx.url}/survey?resume={survey.token}")
            survey.expect_dimension(1)
        survey.choose(unanswered[0], 1)  # the first answer after the kill, counted by the other server
        failover = time.monotonic() - killed_at
        assert _holder(nginx, node, app_servers) is other
        survey.check_shown(1)
        survey.back()
        survey.check_shown(0)
        kept = {qid: value for qid, value in survey.stored().items() if before.get(qid) == value}
        assert kept == before
        for index in (0, 1):  # the rest of both dimensions, on the other server
            for question in bank.dimensions[index].questions:
                if question.id not in survey.answers:
                    survey.answer_question(len(survey.answers), question.id)
            if index == 0:
                survey.next()
        survey.wait_stored()
        new = len(survey.answers) - len(before)
        assert new > 0 and survey.stored() == survey.answers

        # a download through the proxy: it lives on the session's server, and carries the headers
        _, token = _submitted_assessment(store, bank)
        page.goto(f"{nginx.url}/results?resume={token}")
        _settle_results(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Scores (CSV)").click()
        media = download.value.url
        assert "/media/" in media
        cookie = {"Cookie": f"threadline_node={node}"}
        status, headers, body = _get(media, cookie)
        assert status == 200 and body
        assert_secure_once(headers)
        settle(page)

        logged = "\n".join(nginx.access_log())
        assert '"GET /results"' in logged and survey.token not in logged and token not in logged  # no token logged

        print(
            f"\nfailover through nginx: killed {holder.address} (SIGKILL) holding the session; "
            f"{other.address} took it over and saved the next answer {failover:.1f} s after the kill ({how}); "
            f"{len(kept)}/{len(before)} answers given before the kill kept; {new} new answers saved after it; "
            f"the /media download came back with Cache-Control {headers['cache-control']}"
        )
    finally:
        store.dispose()
        context.close()
