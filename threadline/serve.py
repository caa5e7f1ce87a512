"""Run Streamlit with Threadline's security headers on every HTTP response.

``python -m threadline.serve run app.py --server.port 8501`` is ``streamlit run app.py
--server.port 8501`` (the same command line, options and config files: it hands them to
Streamlit's own CLI), with one addition made before the server starts: an ASGI middleware,
outermost in Streamlit's stack, that sets on every HTTP response

- ``Content-Security-Policy``: :data:`CONTENT_SECURITY_POLICY` (see below);
- ``X-Frame-Options: DENY`` (what ``frame-ancestors 'none'`` says, for older browsers);
- ``Referrer-Policy: no-referrer``: a page's URL carries its private or share token;
- ``X-Content-Type-Options: nosniff``;
- ``Cache-Control: no-store``, except on Streamlit's content-hashed bundles (served
  ``public, immutable``, the same for everyone): pages, ``/media/...`` downloads (the
  exports carry answers) and every ``/_stcore`` answer are never kept by a browser or proxy;
- ``Strict-Transport-Security`` only when the request came over HTTPS (Streamlit's own TLS,
  or a proxy on loopback saying ``X-Forwarded-Proto: https``, which uvicorn trusts).

Streamlit 1.67 serves on Starlette and uvicorn and has no header setting; its
``create_streamlit_middleware()`` builds the middleware list for both ``streamlit run`` and
``st.App``, so :func:`install` wraps it. If a Streamlit upgrade moves that seam the launcher
refuses to start rather than serve without headers (``tests/test_headers.py`` checks the
headers on real responses). ``deploy/nginx/`` sets the same headers at the proxy.

The policy, and why each source is there (found by running the app in Chromium with it,
``tests/test_headers.py``): scripts and styles from the app itself plus inline ones
(Streamlit's ``index.html`` has an inline script, Emotion writes inline styles, and the
browser helper of ``threadline/web/browser.py`` is an inline script of ours in an ``st.html``
element);
``'wasm-unsafe-eval'`` because Streamlit decodes its protobuf messages with WebAssembly (it
allows compiling WebAssembly, not JavaScript ``eval``); ``data:`` and ``blob:`` images, fonts
and media (Streamlit and Plotly draw with them); WebSocket and fetch only to the same origin
(CSP 3's ``'self'`` covers ``ws:``/``wss:`` of the same host); frames only from the app
(srcdoc frames are not fetched); no plugins, no ``<base>`` elsewhere, forms only to the app;
images only from the app (bank markdown images are refused by ``scoring.validate`` too).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
NO_STORE = "no-store"
HSTS = "max-age=31536000"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def response_headers(existing_cache_control: str | None, https: bool) -> dict[str, str]:
    """The headers to set on one HTTP response (replacing any of the same name)."""
    headers = dict(HEADERS)
    if existing_cache_control is None or "immutable" not in existing_cache_control:
        headers["Cache-Control"] = NO_STORE
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """ASGI middleware: :func:`response_headers` on every HTTP response; WebSockets pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = [(k, v) for k, v in message.get("headers", [])]
                cache = next((v.decode("latin-1") for k, v in raw if k.lower() == b"cache-control"), None)
                extra = response_headers(cache, https)
                names = {name.lower().encode("latin-1") for name in extra}
                kept = [(k, v) for k, v in raw if k.lower() not in names]
                message["headers"] = kept + [
                    (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in extra.items()
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install() -> None:
    """Put :class:`SecurityHeaders` first in the middleware Streamlit builds (idempotent)."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    original = getattr(starlette_app, "create_streamlit_middleware", None)
    if original is None:
        raise RuntimeError(
            "streamlit.web.server.starlette.starlette_app.create_streamlit_middleware is gone: "
            "this Streamlit cannot be given Threadline's security headers (see threadline/serve.py)"
        )
    if getattr(original, "threadline_headers", False):
        return

    def with_security_headers() -> list[Any]:
        return [Middleware(SecurityHeaders), *original()]

    with_security_headers.threadline_headers = True  # type: ignore[attr-defined]
    starlette_app.create_streamlit_middleware = with_security_headers


def main(argv: list[str] | None = None) -> None:
    """``streamlit`` with the headers: ``python -m threadline.serve run app.py [options]``.

    Before the server listens, the app's one-off work is done (:mod:`threadline.web.warm`).
    """
    install()
    from streamlit.web import cli

    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) >= 2 and arguments[0] == "run" and Path(arguments[1]).is_file():
        from threadline.web import warm

        warm.warm_up(Path(arguments[1]).resolve())
    sys.argv = ["streamlit", *arguments]
    cli.main(prog_name="python -m threadline.serve")


if __name__ == "__main__":
    main()
