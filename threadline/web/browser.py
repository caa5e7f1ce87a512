"""Small helpers that run in the visitor's browser, injected with `st.html`.

What runs there and what it keeps on the device: each page renders one hidden `st.html`
element holding a short script of ours (`unsafe_allow_javascript`; nothing typed by anyone is
in it). It installs, once per page load, a helper in the window (`window.__threadlineHelper`;
not `window.threadline`, which the start page's h1 "Threadline" already names by its id) and
hands it the page's instructions as JSON. Streamlit runs the script again only when its HTML
changes, that is when the instructions do:

- *page turns*: on the survey, when the dimension shown changed since the last run (the last
  one is kept in the tab's `sessionStorage` under `threadline.page`), scroll Streamlit's
  scrolling element (`[data-testid="stMain"]`) to the top and focus the dimension's heading;
  a "go to this question" link scrolls to that question's container and focuses it;
- *typed text*: text boxes commit their value when they lose focus, so the helper blurs the
  focused box when the tab is hidden or left (`visibilitychange`, `pagehide`) and, without
  taking the focus away for good, 1.5 s after the last keystroke;
- *the way back*: when an assessment starts, its private token, and nothing else, is kept in
  `localStorage` under `threadline.resume`. The start page asks for it once per visit by
  reloading itself with `?remembered=TOKEN`, checks it against the database and offers to
  continue; "Forget this browser" (or a token the database no longer knows) removes it.

- *clicks the server never got*: each option clicked on the survey is kept in the tab's
  `sessionStorage` (`threadline.pending`: which question, which option) until the page shows it
  as stored; one the server never read (it died or restarted first) reloads the page with
  `?lost=QUESTION`, and the survey says beside that question that the answer was not saved;
- *element code*: on the survey, once the browser is idle, it loads the code of Streamlit's
  elements the results page uses (files of this app, `static/js/PlotlyChart.*.js`,
  `DataFrame.*.js`, ...: `WARM_ELEMENTS`) so the results page draws at once.

Nothing else is stored on the device, and nothing is sent anywhere but this app.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import streamlit
import streamlit as st

STORAGE_KEY = "threadline.resume"
PAGE_KEY = "threadline.page"
IDLE_COMMIT_MS = 1500
REMEMBERED_PARAM = "remembered"
PENDING_KEY = "threadline.pending"
LOST_PARAM = "lost"
CONTAINER_KEY = "threadline-browser"

# Runs in the parent window, installed once per page load.
_HELPER = """
(function () {
  if (window.__threadlineHelper) { return; }
  const STORAGE_KEY = $storage, PAGE_KEY = $page, IDLE_MS = $idle, PARAM = $param;
  const PENDING_KEY = $pending, LOST = $lost;
  const TEXT_BOXES = '[data-testid="stTextArea"] textarea, [data-testid="stTextInput"] input';
  let idle = null;
  function isTextBox(el) { return !!el && typeof el.matches === 'function' && el.matches(TEXT_BOXES); }
  function commit() {
    const el = document.activeElement;
    if (isTextBox(el)) { el.blur(); }
  }
  function keyClass(el) {
    const holder = el.closest('[class*="st-key-"]');
    const found = holder && [...holder.classList].find(function (c) { return c.indexOf('st-key-') === 0; });
    return found || null;
  }
  function commitAndStay() {
    const el = document.activeElement;
    if (!isTextBox(el)) { return; }
    const start = el.selectionStart, end = el.selectionEnd, holder = keyClass(el);
    el.blur();
    el.focus({preventScroll: true});
    // the rerun the commit starts may replace the box: put the caret back in the new one
    let tries = 0;
    (function keep() {
      const lost = !document.activeElement || document.activeElement === document.body;
      const box = holder && document.querySelector('.' + holder + ' textarea, .' + holder + ' input');
      if (lost && box) {
        box.focus({preventScroll: true});
        try { box.setSelectionRange(start, end); } catch (e) { /* not a text selection */ }
      }
      if (++tries < 40 && (lost || document.activeElement === box)) { setTimeout(keep, 50); }
    })();
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') { commit(); }
  });
  window.addEventListener('pagehide', commit);
  document.addEventListener('input', function (event) {
    if (!isTextBox(event.target)) { return; }
    clearTimeout(idle);
    idle = setTimeout(commitAndStay, IDLE_MS);
  }, true);
  function whenThere(selector, act) {
    let tries = 0;
    (function look() {
      const el = document.querySelector(selector);
      if (el) { act(el); return; }
      if (++tries < 60) { setTimeout(look, 50); }
    })();
  }
  function land(el, toTop) {
    const main = document.querySelector('[data-testid="stMain"]');
    el.setAttribute('tabindex', '-1');
    el.focus({preventScroll: true});
    const place = function () {
      if (toTop && main) { main.scrollTop = 0; } else { el.scrollIntoView({block: 'start'}); }
    };
    place();
    requestAnimationFrame(function () { place(); setTimeout(place, 150); });
  }
  function turn(config) {
    const now = config.scope + ':' + config.page;
    let last = null;
    try { last = sessionStorage.getItem(PAGE_KEY); sessionStorage.setItem(PAGE_KEY, now); } catch (e) {}
    if (config.target) {
      whenThere('.' + config.target, function (el) { land(el, false); });
    } else if (last !== null && last !== now) {
      whenThere(config.heading, function (el) { land(el, true); });
    }
  }
  function probe() {
    let token = null;
    try { token = localStorage.getItem(STORAGE_KEY); } catch (e) { return; }
    if (!token || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) { return; }
    const url = new URL(window.location.href);
    if (url.searchParams.has(PARAM)) { return; }
    url.searchParams.set(PARAM, token);
    window.location.replace(url.toString());
  }
  // Load and run the code of Streamlit's elements the results page uses and the survey does not
  // (the charts, its largest file, the tables, sliders, buttons), once per page load, one file at
  // a time when the browser is idle: the results page then draws at once.
  let warming = false;
  function warm(names) {
    if (warming) { return; }
    warming = true;
    const main = [...document.scripts].find(function (s) { return s.src.indexOf('/static/js/index.') !== -1; });
    if (!main) { return; }
    const later = window.requestIdleCallback
      ? function (step) { window.requestIdleCallback(step, {timeout: 3000}); }
      : function (step) { setTimeout(step, 500); };
    (function next(left) {
      if (!left.length) { document.documentElement.dataset.threadlineChartsWarm = 'true'; return; }
      later(function () {
        import(new URL(left[0], main.src).href).then(function () { next(left.slice(1)); }, function () {});
      });
    })(names);
  }
  // Clicks the server never got: each option clicked on the survey is remembered (in this tab's
  // sessionStorage) until the page, idle and connected again, shows it as the server has it. A
  // click still not shown a second later, with no "not saved" message of the server's beside it
  // (the server went away before it read the click), reloads the page with ?lost=QUESTION so the
  // server says so beside that question.
  const QUESTION = '[class*="st-key-question-"]', CHOICES = 'input[type=radio], input[type=checkbox]';
  const OPTION = '[data-testid="stRadioOption"], [data-testid="stCheckbox"]';
  function questionClass(el) {
    const holder = el.closest(QUESTION);
    return holder && [...holder.classList].find(function (c) { return c.indexOf('st-key-question-') === 0; });
  }
  function pending() {
    try { return JSON.parse(sessionStorage.getItem(PENDING_KEY) || '{}'); } catch (e) { return {}; }
  }
  function keepPending(all) {
    try { sessionStorage.setItem(PENDING_KEY, JSON.stringify(all)); } catch (e) { /* storage off */ }
  }
  // A run of the page finished after a click: only then does what it shows say what the server has.
  const DOC = String(Math.random());
  let runs = 0, lastState = null;
  // A click, not a change event: Streamlit's options take the click themselves (no native change).
  document.addEventListener('click', function (event) {
    const option = event.target && event.target.closest && event.target.closest(OPTION);
    const el = option && option.querySelector(CHOICES);
    const question = el && questionClass(el);
    if (!question) { return; }
    const all = pending();
    const choices = [...el.closest(QUESTION).querySelectorAll(CHOICES)];
    // before the click takes effect: a radio becomes chosen, a box the opposite of what it is
    const checked = el.type === 'radio' ? true : !el.checked;
    all[question] = {index: choices.indexOf(el), checked: checked, doc: DOC, runs: runs};
    keepPending(all);
  }, true);
  function checkIdle(app) {
    if (app.dataset.testScriptState === 'notRunning' && app.dataset.testConnectionState === 'CONNECTED') {
      checkPending();
    }
  }
  function checkPending() {
    const all = pending();
    let lost = null;
    Object.keys(all).forEach(function (question) {
      const entry = all[question];
      const ranSince = entry.doc === DOC ? runs > entry.runs : runs >= 1;  // a reload came back from the server
      const holder = document.querySelector('.' + question);
      if (!ranSince || !holder) { return; }  // not yet, or another page of the survey
      const el = holder.querySelectorAll(CHOICES)[entry.index];
      const said = holder.querySelector('[data-testid="stAlert"]');  // the server's own "not saved"
      if (!(el && el.checked === entry.checked) && !said) { lost = question; }
      delete all[question];
    });
    keepPending(all);
    if (lost) {
      const url = new URL(window.location.href);
      url.searchParams.set(LOST, lost.slice('st-key-question-'.length));
      window.location.replace(url.toString());
    }
  }
  (function watch() {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) { setTimeout(watch, 100); return; }
    const states = ['data-test-script-state', 'data-test-connection-state'];
    new MutationObserver(function () {
      const state = app.dataset.testScriptState;
      if (lastState === 'running' && state === 'notRunning') { runs += 1; }
      lastState = state;
      // a moment later: the widgets take the run's values just after it ends
      if (state === 'notRunning') { setTimeout(function () { checkIdle(app); }, 300); }
    }).observe(app, {attributes: true, attributeFilter: states});
  })();
  window.__threadlineHelper = {
    run: function (text) {
      const config = JSON.parse(text);
      try {
        if (config.forget) { localStorage.removeItem(STORAGE_KEY); }
        if (config.remember) { localStorage.setItem(STORAGE_KEY, config.remember); }
      } catch (e) { /* storage switched off: nothing is kept */ }
      if (config.turn) { turn(config.turn); }
      if (config.warm) { warm(config.warm); }
      if (config.probe) { probe(); }
    }
  };
})();
"""
_HELPER = (
    _HELPER.replace("$storage", json.dumps(STORAGE_KEY))
    .replace("$page", json.dumps(PAGE_KEY))
    .replace("$idle", str(IDLE_COMMIT_MS))
    .replace("$param", json.dumps(REMEMBERED_PARAM))
    .replace("$pending", json.dumps(PENDING_KEY))
    .replace("$lost", json.dumps(LOST_PARAM))
)

# This page's instructions: the helper installs itself once per page load, then runs them.
# Streamlit runs the script when the element's HTML changes (the instructions did), not on every rerun.
_LOADER = """<script>
$helper
window.__threadlineHelper.run($config);
</script>"""

_STYLE = f"""<style>
.st-key-{CONTAINER_KEY} {{ position: absolute; width: 0; height: 0; overflow: hidden; }}
</style>"""


def _script_tag_safe(text: str) -> str:
    """JSON inside a <script>: `</` and `<!--` can never end or comment out the tag."""
    return text.replace("<", "\\u003c")


def loader_html(config: dict[str, Any]) -> str:
    """The element's HTML for these instructions (also what the tests read)."""
    as_json = json.dumps(json.dumps(config, sort_keys=True))
    return _LOADER.replace("$config", _script_tag_safe(as_json)).replace("$helper", _HELPER)


WARM_ELEMENTS = ("PlotlyChart", "DataFrame", "Slider", "DownloadButton", "ButtonGroup")
"""Streamlit's element files the results page needs and the survey does not, largest first."""


@functools.cache
def warm_code_names() -> tuple[str, ...]:
    """The file names of those elements' code in this installed Streamlit (those that can be told apart)."""
    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    names = []
    for element in WARM_ELEMENTS:
        pattern = re.compile(re.escape(element) + r"\.[A-Za-z0-9_-]+\.js")
        found = [path.name for path in folder.glob(f"{element}.*.js") if pattern.fullmatch(path.name)]
        if len(found) == 1:
            names.append(found[0])
    return tuple(names)


def chart_code_name() -> str | None:
    """The file name of Streamlit's Plotly chunk in this installed version (None if it cannot be told)."""
    names = [name for name in warm_code_names() if name.startswith("PlotlyChart.")]
    return names[0] if names else None


def run(
    *,
    turn: dict[str, Any] | None = None,
    remember: str | None = None,
    forget: bool = False,
    probe: bool = False,
    warm_charts: bool = False,
) -> None:
    """Render the hidden element whose script hands the browser helper this page's instructions.

    `turn`: `{"scope", "page", "heading", "target", "nonce"}` for page turns (see the module
    docstring); `remember`: a private token to keep; `forget`: remove the kept token; `probe`:
    reload the start page with the kept token as `?remembered=`; `warm_charts`: load the code of
    the results page's elements when the browser is idle, so that it draws without waiting.
    """
    config: dict[str, Any] = {}
    if turn is not None:
        config["turn"] = turn
    if remember:
        config["remember"] = remember
    if forget:
        config["forget"] = True
    if probe:
        config["probe"] = True
    if warm_charts and warm_code_names():
        config["warm"] = list(warm_code_names())
    st.html(_STYLE)
    with st.container(key=CONTAINER_KEY):
        # Our own script, with no text of anyone's in it (the instructions are JSON made here).
        # Not an iframe: a new iframe document on every page turn cost more than the page itself.
        st.html(loader_html(config), unsafe_allow_javascript=True)


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the container with this key (`st-key-` and the key, unsafe characters as '-')."""
    return "st-key-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in key)
