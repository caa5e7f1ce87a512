"""Speed as a person feels it (issue 8): the app's actions against a bare Streamlit page, in one run.

On a warm server, in headless Chromium on this machine, each figure is the browser's own time
from the input event (pointerdown of a click, keydown of a key) to the new content in the DOM
with Streamlit idle (script not running, connected, nothing stale) for STABLE_MS in a row; the
figure is the first moment of that stable window, so the confirmation wait is not counted.
Timing runs in the page (performance.now), so Playwright's own overhead is left out.
Each figure is the median of REPEATS, after one untimed warm-up of the same action.

- submit: "See my results" on the last survey page -> the results page's radar drawn (once the
  survey has loaded the chart code, which it does while the person answers: threadline.web.browser).
- target change: ArrowRight (or Left) on the weakest dimension's target slider -> both charts redrawn
  (the radar's target line and the gap bars both move: each rerun draws the charts once).
- share: "Create a read-only link" -> "Turn this link off" shown, and back.
- Next: "Next →" on the survey -> the next dimension's heading, the page idle.
The floors, from the same run: bench/bare_chart.py, a button whose rerun draws one Plotly chart
(Scatterpolar, 8 spokes), and the same chart redrawn from a select slider's arrow key (the target
change's floor: Streamlit's slider input is the same); bench/bare_survey.py, a button that shows
the next dimension's questions with the same widgets and none of the app's shell (Next's floor);
bench/bare_button.py, a plain button rerun, printed beside Next for reference;
bench/bare_two_charts.py, a slider redrawing the app's own radar and gap chart and nothing else,
printed beside the target change for reference (the app's cost beyond its two charts);
bench/bare_switch.py, a page of the survey's questions whose button goes to another page drawing
the same chart: the same kind of work as submit, which also leaves a page of questions for a
page with a chart (docs/decisions.md: submit's ratio is printed against both floors).
Targets: submit, target change and share within 1.5x their floor; Next within 1.2x of its floor.
"""

from __future__ import annotations

import random
import statistics
import tempfile
from collections.abc import Callable
from typing import Any

from bench.app import CHROMIUM, CHROMIUM_ARGS, server
from bench.core import DEFAULT_BANK, random_answers
from scoring.answers import Responses, as_stored
from scoring.engine import score
from scoring.validate import load_bank
from threadline.storage import Store

REPEATS = 9  # the floors themselves move by 15% between runs of 5
STABLE_MS = 150
TIMEOUT_MS = 20_000
VIEWPORT = {"width": 1280, "height": 900}

# Registered before any page script: the time of the first input event after `arm`.
_INIT = """(() => {
    const bench = window.__bench = {armed: false, t0: null, before: []};
    const mark = () => { if (bench.armed && bench.t0 === null) bench.t0 = performance.now(); };
    window.addEventListener('pointerdown', mark, true);
    window.addEventListener('keydown', mark, true);
})();"""

_ARM = """() => {
    const bench = window.__bench;
    bench.t0 = null;
    bench.armed = true;
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot');
    bench.before = [...charts].map(chart => chart.innerHTML);
}"""

# Resolves with the milliseconds from the input event to the start of a STABLE_MS window in
# which the condition held and Streamlit was idle. kind 'text': an element matching `selector`
# with exactly `text` is visible; 'charts': at least `count` Plotly charts are drawn and every
# one differs from what it was at `arm`; 'idle': Streamlit idle only.
_WAIT = """async ({kind, selector, text, count, stableMs, timeoutMs}) => {
    const bench = window.__bench;
    const idle = () => {
        const app = document.querySelector('[data-testid="stApp"]');
        return !!app && app.dataset.testScriptState === 'notRunning'
            && app.dataset.testConnectionState === 'CONNECTED'
            && document.querySelector('[data-stale="true"]') === null;
    };
    const visible = el => el.getClientRects().length > 0;
    const content = () => {
        if (kind === 'text') {
            return [...document.querySelectorAll(selector)].some(el => el.textContent.trim() === text && visible(el));
        }
        if (kind === 'charts') {
            const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')];
            return charts.length >= count && charts.every((chart, k) =>
                chart.querySelector('.main-svg') !== null && chart.innerHTML !== bench.before[k]);
        }
        return true;
    };
    const started = performance.now();
    let since = null;
    for (;;) {
        const now = performance.now();
        if (idle() && content()) {  // the cheap check first: polling must not slow the page it times
            if (since === null) since = now;
            if (now - since >= stableMs) break;
        } else {
            since = null;
        }
        if (now - started > timeoutMs) throw new Error(`no ${kind} ${selector || ''} ${text || ''} in ${timeoutMs} ms`);
        await new Promise(resolve => setTimeout(resolve, 4));
    }
    bench.armed = false;
    if (bench.t0 === null) throw new Error('no input event was seen');
    return since - bench.t0;
}"""


def wait(page, kind: str = "idle", selector: str = "", text: str = "", count: int = 1) -> float:
    """Wait for the condition (see _WAIT); the milliseconds since the armed input event."""
    arguments = {"kind": kind, "selector": selector, "text": text, "count": count}
    return page.evaluate(_WAIT, {**arguments, "stableMs": STABLE_MS, "timeoutMs": TIMEOUT_MS})


def timed(page, action: Callable[[], Any], kind: str, selector: str = "", text: str = "", count: int = 1) -> float:
    """Arm, act (a click or a key), wait for the condition; milliseconds felt."""
    page.evaluate(_ARM)
    action()
    return wait(page, kind, selector, text, count)


def quiet(page) -> None:
    """Streamlit idle for STABLE_MS (between measurements, untimed)."""
    page.evaluate(_ARM)
    page.evaluate("() => { window.__bench.t0 = 0; }")
    wait(page)


def median_after_warm_up(measure: Callable[[int], float], repeats: int = REPEATS) -> float:
    """measure(0) untimed, then the median of measure(1..repeats)."""
    measure(0)
    return statistics.median(measure(n) for n in range(1, repeats + 1))


# --------------------------------------------------------------------------- the app


class Assessments:
    """Assessments written straight to the bench database: complete ones on their last page, or empty ones."""

    def __init__(self, database_url: str) -> None:
        self.store = Store(database_url)
        self.store.migrate()
        self.bank = load_bank(DEFAULT_BANK)
        self.bank_hash = self.store.put_bank(DEFAULT_BANK.read_text(), self.bank.id, self.bank.version)
        self.rng = random.Random(11)

    def complete(self) -> str:
        assessment_id, token = self.store.create_assessment(self.bank_hash, {"organisation": "Bench Ltd"})
        self.last_answers = random_answers(self.bank, self.rng)
        for question_id, value in self.last_answers.items():
            self.store.save_answer(assessment_id, question_id, as_stored(value))
        self.store.set_page(assessment_id, len(self.bank.dimensions) - 1)
        return token

    def empty(self) -> str:
        return self.store.create_assessment(self.bank_hash, {"organisation": "Bench Ltd"})[1]


def wait_for_chart_code(page) -> None:
    """A person reads a survey page before pressing a button; the page loads the chart code meanwhile."""
    page.wait_for_function("() => document.documentElement.dataset.threadlineChartsWarm === 'true'", timeout=TIMEOUT_MS)


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def app_figures(context, url: str, made: Assessments) -> dict[str, float]:
    page = context.new_page()
    figures = {}

    def submit(_: int) -> float:
        page.goto(f"{url}/survey?resume={made.complete()}")
        finish = page.locator("[data-testid=stBaseButton-primary]").filter(has_text="See my results")
        finish.wait_for(timeout=TIMEOUT_MS)
        wait_for_chart_code(page)
        quiet(page)
        return timed(page, finish.click, "charts", count=1)

    figures["submit"] = median_after_warm_up(submit)

    # the results page of the last assessment submitted: targets, then the share link
    quiet(page)
    page.get_by_text("Set your target stage per dimension").click()
    # the weakest dimension's target: moving it moves the radar and the gap chart alike
    weakest = min(
        (d for d in score(made.bank, Responses(made.last_answers)).dimensions if d.score is not None),
        key=lambda d: d.score or 0,
    )
    slider = page.locator("[data-testid=stExpander] [data-testid=stSlider]").filter(has_text=weakest.title)
    thumb = slider.locator("input[type=range]").first
    thumb.wait_for(state="attached", timeout=TIMEOUT_MS)
    quiet(page)
    at_top = thumb.input_value() == thumb.get_attribute("max")
    charts = page.locator("[data-testid=stPlotlyChart]").count()

    def target(n: int) -> float:
        thumb.focus()
        key = "ArrowLeft" if (n % 2 == 0) == at_top else "ArrowRight"
        return timed(page, lambda: page.keyboard.press(key), "charts", count=charts)

    figures["target"] = median_after_warm_up(target)
    quiet(page)
    create, turn_off = [], []
    for n in range(REPEATS + 1):
        made_link = timed(page, button(page, "Create a read-only link").click, "text", "button", "Turn this link off")
        quiet(page)
        link_off = timed(page, button(page, "Turn this link off").click, "text", "button", "Create a read-only link")
        quiet(page)
        if n:
            create.append(made_link)
            turn_off.append(link_off)
    figures["share on"] = statistics.median(create)
    figures["share off"] = statistics.median(turn_off)

    page.goto(f"{url}/survey?resume={made.empty()}")
    titles = [d.title for d in made.bank.dimensions]
    page.get_by_role("heading", name=titles[0], exact=True).wait_for(timeout=TIMEOUT_MS)
    wait_for_chart_code(page)
    quiet(page)

    def next_page(n: int) -> float:
        spent = timed(page, button(page, "Next →").click, "text", "h1, h2, h3", titles[n + 1])
        quiet(page)
        return spent

    # one page turn a figure, from the first dimension: the last one has no Next
    figures["next"] = median_after_warm_up(next_page, min(REPEATS, len(titles) - 2))
    page.close()
    return figures


# --------------------------------------------------------------------------- the floors


def bare_chart_figures(context, url: str) -> dict[str, float]:
    page = context.new_page()
    page.goto(url)
    page.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for(timeout=TIMEOUT_MS)
    quiet(page)

    def draw(_: int) -> float:
        spent = timed(page, button(page, "Draw").click, "charts", count=1)
        quiet(page)
        return spent

    figures = {"chart button": median_after_warm_up(draw), "chart slider": slider_figure(page, charts=1)}
    page.close()
    return figures


def bare_two_charts_figures(context, url: str) -> dict[str, float]:
    page = context.new_page()
    page.goto(url)
    page.locator("[data-testid=stPlotlyChart] .main-svg").nth(1).wait_for(timeout=TIMEOUT_MS)
    quiet(page)
    figures = {"two charts slider": slider_figure(page, charts=2)}
    page.close()
    return figures


def slider_figure(page, charts: int) -> float:
    """The bare pages' select slider (it starts at 4 of 5), one arrow key a step: until `charts` are redrawn."""
    thumb = page.locator("[data-testid=stSlider] input[type=range]").first

    def slide(n: int) -> float:
        thumb.focus()
        key = "ArrowRight" if n % 2 == 0 else "ArrowLeft"
        spent = timed(page, lambda: page.keyboard.press(key), "charts", count=charts)
        quiet(page)
        return spent

    return median_after_warm_up(slide)


def bare_switch_figures(context, url: str) -> dict[str, float]:
    page = context.new_page()
    page.goto(url)
    see = button(page, "See the chart")
    see.wait_for(timeout=TIMEOUT_MS)
    quiet(page)

    def switch(n: int) -> float:
        if n:  # back to the questions, untimed
            button(page, "Back to the questions").click()
            see.wait_for(timeout=TIMEOUT_MS)
            quiet(page)
        spent = timed(page, see.click, "charts", count=1)
        quiet(page)
        return spent

    figures = {"switch": median_after_warm_up(switch)}
    page.close()
    return figures


def bare_button_figures(context, url: str) -> dict[str, float]:
    page = context.new_page()
    page.goto(url)
    page.get_by_role("heading", name="Page 1").wait_for(timeout=TIMEOUT_MS)
    quiet(page)

    def click(n: int) -> float:
        spent = timed(page, button(page, "Next").click, "text", "h1, h2, h3", f"Page {n + 2}")
        quiet(page)
        return spent

    figures = {"button": median_after_warm_up(click)}
    page.close()
    return figures


def bare_survey_figures(context, url: str, titles: list[str]) -> dict[str, float]:
    page = context.new_page()
    page.goto(url)
    page.get_by_role("heading", name=titles[0], exact=True).wait_for(timeout=TIMEOUT_MS)
    quiet(page)

    def click(n: int) -> float:
        spent = timed(page, button(page, "Next →").click, "text", "h1, h2, h3", titles[n + 1])
        quiet(page)
        return spent

    figures = {"survey button": median_after_warm_up(click, min(REPEATS, len(titles) - 2))}
    page.close()
    return figures


def run() -> list[tuple[str, float, str, str]]:
    """Measure the felt speed; rows of (what, value, unit, target)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(_INIT)
        database_url = f"sqlite:///{folder}/feel.db"
        with server("app.py", {"DATABASE_URL": database_url}) as (url, _):
            made = Assessments(database_url)
            app = app_figures(context, url, made)
            made.store.dispose()
        with server("bench/bare_chart.py", {}) as (url, _):
            bare = bare_chart_figures(context, url)
        with server("bench/bare_two_charts.py", {}) as (url, _):
            bare |= bare_two_charts_figures(context, url)
        with server("bench/bare_button.py", {}) as (url, _):
            bare |= bare_button_figures(context, url)
        with server("bench/bare_switch.py", {}) as (url, _):
            bare |= bare_switch_figures(context, url)
        with server("bench/bare_survey.py", {}) as (url, _):
            bare |= bare_survey_figures(context, url, [d.title for d in made.bank.dimensions])
        context.close()
        browser.close()

    rows = []
    pairs = [
        ("submit -> radar drawn", "submit", "chart button", 1.5),
        ("submit -> radar drawn, against a page switch to one chart", "submit", "switch", 1.5),
        ("target change -> charts redrawn", "target", "chart slider", 1.5),
        ("target change -> charts redrawn, against the same two charts alone", "target", "two charts slider", None),
        ("create a read-only link -> shown", "share on", "chart button", 1.5),
        ("turn the link off -> shown", "share off", "chart button", 1.5),
        ("Next -> next dimension shown", "next", "survey button", 1.2),
        ("Next -> next dimension shown, against a plain button", "next", "button", None),
    ]
    floors = {
        "chart button": "bare page, button -> one Plotly chart redrawn",
        "chart slider": "bare page, slider key -> one Plotly chart redrawn",
        "two charts slider": "bare page, slider key -> the app's radar and gap chart redrawn",
        "button": "bare page, plain button rerun",
        "switch": "bare app, button -> another page drawing one Plotly chart",
        "survey button": "bare page, button -> the next dimension's questions shown",
    }
    for key, what in floors.items():
        rows.append((f"felt: {what} (floor)", bare[key], "ms", "-"))
    printed = set()
    for what, key, floor, limit in pairs:
        ratio = app[key] / bare[floor]
        if limit is not None and key not in printed:
            rows.append((f"felt: {what}", app[key], "ms", "-"))
            printed.add(key)
        rows.append((f"felt: {what}, / floor ratio", ratio, "x", "-" if limit is None else f"<= {limit}"))
    return rows
