"""A new app server does its one-off work before it answers, not during its first visitor's page.

The first script run of a fresh server took about 750 ms where later runs take 10–30 ms
(`make bench`, "start page first render, new browser"; profiled with cProfile):

- about 450 ms importing what the pages import (pandas, Plotly, SQLAlchemy and Alembic, the
  scoring core, the shell);
- about 200 ms in Streamlit compiling its emoji pattern, the first time a page icon is read;
- about 190 ms in Streamlit's once-a-process check that it is not run from a Python prompt
  (`inspect.stack()`, which resolves the file of every loaded module);
- about 100 ms opening the database (the migration check) and reading the question banks.

`python -m threadline.serve run app.py` calls :func:`warm_up` before the server listens, so
a server (one of several behind nginx too) passes its health check ready. A database that
cannot be opened yet is left to the pages, which say so to the visitor as before.
"""

from __future__ import annotations

import ast
import importlib
import logging
from pathlib import Path

from threadline.web import browser

log = logging.getLogger("threadline.warm")

PAGES_FOLDER = "app_pages"


def page_modules(entry: Path) -> list[str]:
    """The absolute imports of the entry script and of the page scripts beside it, in order, once each.

    `from a import b` names `a` and `a.b` (b may be a module or a name in a).
    """
    scripts = [entry, *sorted((entry.parent / PAGES_FOLDER).glob("*.py"))]
    names: dict[str, None] = {}
    for script in scripts:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"), str(script))):
            if isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names[node.module] = None
                names.update(dict.fromkeys(f"{node.module}.{alias.name}" for alias in node.names))
    return list(names)


def import_page_modules(entry: Path) -> list[str]:
    """Import what the pages import; the names that are modules and were imported."""
    imported = []
    for name in page_modules(entry):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:  # a module that is there but fails to import: the pages would fail too
                raise
            continue  # `from a import b` where b is a function, not a module
        imported.append(name)
    return imported


def skip_prompt_check() -> None:
    """Streamlit's check for a Python prompt runs once, to choose a warning shown only outside
    `streamlit run`; under the launcher there is nothing to warn about, so it is marked done."""
    from streamlit import delta_generator

    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True


def open_resources() -> None:
    """The database (migrated if it must be) and the banks on offer, cached for the first page."""
    from threadline.web import resources

    try:
        resources.store()
        resources.catalog()
    except Exception as problem:  # not cached on failure: the first page tries again and tells the visitor
        log.warning("the database or the banks could not be opened at start: %s", type(problem).__name__)


def warm_up(entry: Path) -> None:
    """Everything a server's first page run would otherwise do for its first visitor."""
    import_page_modules(entry)
    importlib.import_module("streamlit.emojis")  # compiles the emoji pattern a page icon is checked against
    skip_prompt_check()
    browser.warm_code_names()  # the file names of Streamlit's element code the survey preloads
    open_resources()
