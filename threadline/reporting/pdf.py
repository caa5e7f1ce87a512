"""Reports as PDF: the page's Plotly figures to SVG with Kaleido, HTML from Jinja2 templates, PDF by WeasyPrint.

- **Charts**: one long-lived Kaleido (a headless Chromium with Plotly's own plotly.js from the
  installed plotly package, MathJax off) per process, started on the first report, on its own
  thread and event loop. Every call waits for its own future, and calls go one at a time behind
  a lock: Kaleido's shared sync server can hand one caller another caller's image (Kaleido
  #444), so it is not used. Its page is reloaded every RELOAD_EVERY figures instead of after
  each (6x less browser CPU). The figures are the web's figures (`threadline.reporting.charts`),
  drawn in the report's font so that the text Chromium measures is the text WeasyPrint draws.
- **Nothing is fetched**: WeasyPrint may read `data:` URLs only (the charts and the logo); the
  font is a system font found by fontconfig (DejaVu Sans, Debian's fonts-dejavu-core).
- **Memory**: one WeasyPrint layout at a time (LAYOUTS_AT_ONCE), the rest wait their turn, and
  glibc is asked to return freed pages after each (bench/report.py gives the resident memory
  before, during and after ten reports at once).
- **Output**: A4 or US Letter, tagged (`pdf_tags=True`), fonts embedded, "page 2 of 9" on
  every page; the template keeps charts and table rows whole and repeats table headers.

`ReportUnavailable` carries a sentence for the reader when a report cannot be made (no Chromium).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import ctypes
import os
import shutil
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import plotly.graph_objects as go
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from threadline.reporting.report import Chart, SelfReport
from threadline.reporting.report_engagement import EngagementReport

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: dict[str, str] = {"A4": "A4", "Letter": "letter"}
PRINT_FONT = "DejaVu Sans"
CHART_TIMEOUT = 60.0  # seconds for one chart, Chromium's start included
RELOAD_EVERY = 50  # figures drawn on Kaleido's page before it is loaded afresh
LAYOUTS_AT_ONCE = 1  # WeasyPrint is mostly Python, held to one core by the GIL: more at once only add memory
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_MISSING = (
    "The PDF report needs Chromium to draw its charts, and this server has none. "
    "Ask whoever runs it to install it (on Debian or Ubuntu: apt-get install chromium)."
)
CHARTS_FAILED = "The report's charts could not be drawn just now. Please try again in a moment."
TEMPLATES = Path(__file__).resolve().parent / "templates"
_LAYOUT = threading.BoundedSemaphore(LAYOUTS_AT_ONCE)


def _malloc_trim() -> Any:
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None).malloc_trim
    return None


_MALLOC_TRIM = _malloc_trim()


class ReportUnavailable(Exception):
    """A report cannot be made here; the message says why in plain words."""


def browser_path() -> str | None:
    """The Chromium (or Chrome) Kaleido will use: BROWSER_PATH when set, else the first on PATH."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def available() -> str | None:
    """None when reports can be made here, else the sentence to show instead of the button."""
    return None if browser_path() else CHROMIUM_MISSING


class ChartRenderer:
    """One Kaleido (one Chromium) for the process, used by one caller at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None

    def svg(self, figure: go.Figure, width: int, height: int) -> bytes:
        """The figure as SVG, `width` by `height` CSS pixels, in the report's font."""
        printed = go.Figure(figure)
        printed.update_layout(font_family=PRINT_FONT)
        with self._lock:
            for attempt in (1, 2):  # a Chromium that died is started again, once
                try:
                    kaleido, loop = self._started()
                    opts = {"format": "svg", "width": width, "height": height}
                    future: Future[bytes] = asyncio.run_coroutine_threadsafe(kaleido.calc_fig(printed, opts=opts), loop)
                    return bytes(future.result(timeout=CHART_TIMEOUT))
                except ReportUnavailable:
                    raise
                except Exception as problem:
                    self._stop()
                    if attempt == 2:
                        raise ReportUnavailable(CHARTS_FAILED) from problem
        raise AssertionError("unreachable")

    def _started(self) -> tuple[Any, asyncio.AbstractEventLoop]:
        if self._kaleido is not None and self._loop is not None:
            return self._kaleido, self._loop
        path = browser_path()
        if path is None:
            raise ReportUnavailable(CHROMIUM_MISSING)
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="kaleido", daemon=True).start()

        async def start() -> Any:
            import kaleido  # imported here: the pages load this module, only a report needs Chromium

            class ReusingKaleido(kaleido.Kaleido):  # type: ignore[misc]
                """Kaleido reloads its page (and parses plotly.js again) after every figure: 6x the
                browser's CPU. This one reloads after every RELOAD_EVERY figures (pinned kaleido 1.5.1)."""

                drawn = 0

                async def _return_kaleido_tab(self, tab: Any) -> None:
                    self.drawn += 1
                    if self.drawn % RELOAD_EVERY == 0:
                        await tab.reload()
                    await self.tabs_ready.put(tab)

            # mathjax=False: Kaleido's default loads MathJax from a CDN; plotly.js is the installed plotly's
            opened = ReusingKaleido(n=1, mathjax=False, timeout=CHART_TIMEOUT, path=path)
            await opened.open()
            return opened

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=CHART_TIMEOUT)
        except Exception as problem:
            loop.call_soon_threadsafe(loop.stop)
            message = CHROMIUM_MISSING if "Chrome" in type(problem).__name__ else CHARTS_FAILED
            raise ReportUnavailable(message) from problem
        self._loop = loop
        return self._kaleido, loop

    def _stop(self) -> None:
        kaleido, loop = self._kaleido, self._loop
        self._kaleido = self._loop = None
        if loop is None:
            return
        if kaleido is not None:
            with contextlib.suppress(Exception):  # closing a browser that is already gone
                asyncio.run_coroutine_threadsafe(kaleido.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)

    def close(self) -> None:
        """Stop the browser (at exit)."""
        with self._lock:
            self._stop()


RENDERER = ChartRenderer()
atexit.register(RENDERER.close)


@dataclass(frozen=True)
class RenderedReport:
    """The PDF, and each chart's SVG as drawn into it (key -> SVG), for checks."""

    pdf: bytes
    svgs: dict[str, bytes]


_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "j2"], default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    template: str, report: Any, charts: tuple[Chart, ...], page_size: PageSize = "A4", **extra: Any
) -> RenderedReport:
    """Draw `charts`, fill `template` with `report` and them, and lay it out as a PDF."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size {page_size!r}: A4 or Letter")
    svgs = {chart.key: RENDERER.svg(chart.figure, chart.width, chart.height) for chart in charts}
    images = {
        key: Markup(f"data:image/svg+xml;base64,{base64.b64encode(svg).decode('ascii')}") for key, svg in svgs.items()
    }
    html = _ENVIRONMENT.get_template(template).render(
        report=report, images=images, page_size=PAGE_SIZES[page_size], font=PRINT_FONT, **extra
    )
    return RenderedReport(html_to_pdf(html), svgs)


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF of the HTML; only `data:` URLs are read, nothing from the network or the disk."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    # Ten reports asked for at once queue here: the layouts hold the GIL, so one at a time finishes
    # as soon as ten would (their charts are still drawn meanwhile), and the memory kept after them
    # is one layout's worth, not ten (bench/report.py: peak +300 MB and +250 MB kept with ten).
    with _LAYOUT:
        document = HTML(string=html, base_url=None, url_fetcher=fetcher)
        out = bytes(document.write_pdf(pdf_tags=True))
    del document
    _give_back_memory()
    return out


def _give_back_memory() -> None:
    """Return the heap's free pages to the system (glibc's `malloc_trim`; elsewhere nothing).

    A layout frees tens of MB at once; glibc keeps freed pages for later unless asked, so a
    server's memory would stay at its busiest level.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def self_assessment_pdf(report: SelfReport, page_size: PageSize = "A4") -> RenderedReport:
    """The self-assessment report (`threadline.reporting.report.self_assessment_report`) as a PDF."""
    return render("self_assessment.html", report, report.charts, page_size)


def engagement_pdf(report: EngagementReport, page_size: PageSize = "A4") -> RenderedReport:
    """The engagement report (`threadline.reporting.report_engagement.engagement_report`) as a PDF."""
    return render("engagement.html", report, report.charts, page_size)
