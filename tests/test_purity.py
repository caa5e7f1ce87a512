"""The layers stay as the tree shows them: what each part of the code may import.

- `scoring/`: the pure core; no UI, database, chart or table library, nothing of the shell.
- `threadline/storage/`: the only SQLAlchemy code; no Streamlit, charts or tables.
- `threadline/reporting/`: words, charts, tables and exports; no Streamlit and no SQL.
- `threadline/web/`: the Streamlit shell; no SQL (it asks `threadline.storage`).
- `threadline/config.py`, `links.py`, `catalog.py`, `throttle.py`, `text.py`: plain Python, usable by every layer.
- `threadline/serve.py`: the launcher; Streamlit, and the shell's warm-up (`threadline.web.warm`), nothing below it.
- `app.py`, `app_pages/`: the pages; no SQL, and no direct use of the storage package.

Every import line is checked, indented (lazy) ones included.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SQL = ("sqlalchemy", "psycopg", "alembic")
UI = ("streamlit",)
CHARTS_AND_TABLES = ("plotly", "pandas")
SHELL = ("threadline", "app_pages")

RULES: dict[str, tuple[str, ...]] = {
    "scoring": (*UI, *SQL, *CHARTS_AND_TABLES, *SHELL),
    "threadline/storage": (*UI, *CHARTS_AND_TABLES, "threadline.web", "threadline.reporting", "app_pages"),
    "threadline/reporting": (*UI, *SQL, "threadline.web", "app_pages"),
    "threadline/web": (*SQL, "app_pages"),
    "threadline/config.py": (*UI, *SQL, *CHARTS_AND_TABLES, "threadline.web", "threadline.storage", "app_pages"),
    "threadline/links.py": (*UI, *SQL, *CHARTS_AND_TABLES, "threadline.web", "threadline.storage", "app_pages"),
    "threadline/catalog.py": (*UI, *SQL, *CHARTS_AND_TABLES, "threadline.web", "threadline.storage", "app_pages"),
    "threadline/organisation.py": (*UI, *SQL, *CHARTS_AND_TABLES, *SHELL),
    "threadline/throttle.py": (*UI, *SQL, *CHARTS_AND_TABLES, "threadline.web", "threadline.storage", "app_pages"),
    "threadline/text.py": (*UI, *SQL, *CHARTS_AND_TABLES, *SHELL),
    "threadline/serve.py": (*SQL, *CHARTS_AND_TABLES, "threadline.storage", "threadline.reporting", "app_pages"),
    "app_pages": (*SQL, "threadline.storage"),
    "app.py": (*SQL, "threadline.storage"),
}


def _files(part: str) -> list[Path]:
    path = ROOT / part
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, with its line: `import a.b` gives a.b, `from a import b` gives a.b too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _breaks(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == banned or name.startswith(banned + ".") for banned in forbidden)


@pytest.mark.parametrize("part", sorted(RULES))
def test_each_part_imports_only_what_its_layer_may(part):
    problems = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in _files(part)
        for line, name in _imports(path)
        if _breaks(name, RULES[part])
    ]
    assert problems == []


def test_every_shell_module_belongs_to_a_layer():
    ruled = {path for part in RULES for path in _files(part)}
    top = ROOT / "threadline" / "__init__.py"
    loose = [str(p.relative_to(ROOT)) for p in (ROOT / "threadline").rglob("*.py") if p not in ruled and p != top]
    assert loose == []


def test_the_rule_catches_a_forbidden_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    import streamlit as st\n    from sqlalchemy import select\n")

    assert [name for _, name in _imports(module) if _breaks(name, RULES["threadline/reporting"])] == [
        "streamlit",
        "sqlalchemy",
        "sqlalchemy.select",
    ]


def test_scoring_loads_no_ui_database_or_chart_library():
    forbidden = (*UI, *SQL, *CHARTS_AND_TABLES)
    code = (
        "import sys, scoring.validate, scoring.engine, scoring.batch, scoring.answers, scoring.plan, "
        "scoring.confidence, scoring.team, scoring.__main__\n"
        f"print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""


def test_reporting_loads_no_streamlit():
    code = (
        "import sys, threadline.reporting.charts, threadline.reporting.summary, threadline.reporting.exports, "
        "threadline.reporting.result_export, threadline.reporting.teamdata\n"
        "print('streamlit' in sys.modules)"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"
