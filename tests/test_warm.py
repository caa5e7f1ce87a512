"""A new server warms up before it listens (threadline/web/warm.py, called by threadline.serve).

Warm-ups that open resources run in a child process: Streamlit's resource cache is
process-wide, and a store cached here would be the one every AppTest of this run opens.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from threadline import serve
from threadline.storage import MIGRATIONS, migrations
from threadline.web import warm

ROOT = Path(__file__).resolve().parent.parent


def _app(folder: Path, entry: str, **pages: str) -> Path:
    (folder / warm.PAGES_FOLDER).mkdir()
    for name, text in pages.items():
        (folder / warm.PAGES_FOLDER / f"{name}.py").write_text(textwrap.dedent(text))
    script = folder / "app.py"
    script.write_text(textwrap.dedent(entry))
    return script


def test_the_imports_of_the_entry_and_every_page_are_named_once_each_in_order(tmp_path):
    script = _app(
        tmp_path,
        "import streamlit as st\nfrom json import dumps\n",
        b_results="import json\nfrom .local import thing\ndef later():\n    import csv\n",
        a_start="from os import path, sep\nimport json\n",
    )

    assert warm.page_modules(script) == ["streamlit", "json", "json.dumps", "os", "os.path", "os.sep", "csv"]


def test_names_that_are_not_modules_are_passed_over_and_a_page_module_that_fails_is_not(tmp_path, monkeypatch):
    (tmp_path / "warm_broken_page_module.py").write_text("import no_such_dependency_of_threadline\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    fine = tmp_path / "fine"
    fine.mkdir()
    assert warm.import_page_modules(_app(fine, "from json import dumps\n")) == ["json"]

    broken = tmp_path / "broken"
    broken.mkdir()
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_of_threadline"):
        warm.import_page_modules(_app(broken, "import warm_broken_page_module\n"))


_CHILD = """
import json, logging, sys
from pathlib import Path
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
from threadline.web import warm
warm.warm_up(Path("app.py").resolve())
from streamlit import delta_generator
print(json.dumps({
    "modules": sorted(m for m in ("pandas", "plotly.graph_objects", "threadline.web.session", "scoring.plan",
                                  "threadline.reporting.charts", "streamlit.emojis") if m in sys.modules),
    "prompt_check_done": delta_generator._use_warning_has_been_displayed,
}))
"""


def _warm_child(database_url: str, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _CHILD],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_warmed_server_has_the_pages_modules_loaded_and_its_database_current(tmp_path):
    database = tmp_path / "warm.db"

    child = _warm_child(f"sqlite:///{database}", tmp_path)

    assert child.returncode == 0, child.stderr
    assert json.loads(child.stdout) == {
        "modules": [
            "pandas",
            "plotly.graph_objects",
            "scoring.plan",
            "streamlit.emojis",
            "threadline.reporting.charts",
            "threadline.web.session",
        ],
        "prompt_check_done": True,
    }
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            assert migrations.is_current(conn, len(MIGRATIONS))
    finally:
        engine.dispose()


def test_a_database_that_cannot_be_opened_at_start_is_logged_and_left_to_the_pages(tmp_path):
    child = _warm_child("postgresql+psycopg://threadline@127.0.0.1:9/test", tmp_path)  # nothing listens there

    assert child.returncode == 0, child.stderr
    assert "the database or the banks could not be opened at start: OperationalError" in child.stderr
    assert json.loads(child.stdout)["prompt_check_done"] is True


def test_the_prompt_check_this_streamlit_runs_once_is_where_the_warm_up_marks_it_done():
    from streamlit import delta_generator

    assert isinstance(delta_generator._use_warning_has_been_displayed, bool)


def test_the_launcher_warms_the_app_up_before_the_server_starts(monkeypatch):
    calls = []
    monkeypatch.setattr(warm, "warm_up", lambda entry: calls.append(("warm", entry)))
    from streamlit.web import cli

    monkeypatch.setattr(cli, "main", lambda prog_name: calls.append(("serve", sys.argv[1:])))

    serve.main(["run", str(ROOT / "app.py"), "--server.port", "9"])
    serve.main(["--version"])

    assert calls == [
        ("warm", ROOT / "app.py"),
        ("serve", ["run", str(ROOT / "app.py"), "--server.port", "9"]),
        ("serve", ["--version"]),
    ]
