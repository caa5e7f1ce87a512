"""The core stays pure: loading, validating and scoring import no UI, database or chart library."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("streamlit", "sqlalchemy", "plotly", "pandas", "psycopg")


def test_scoring_imports_no_ui_database_or_chart_library():
    code = (
        "import sys, scoring.validate, scoring.engine, scoring.batch, scoring.answers, scoring.__main__\n"
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""


def test_no_scoring_module_names_a_forbidden_library():
    for path in (ROOT / "scoring").glob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                assert words[1].split(".")[0] not in FORBIDDEN, f"{path.name}: {line}"
