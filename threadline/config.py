"""Configuration: the one place that reads environment variables and Streamlit secrets.

| setting              | environment variable   | default                        |
|----------------------|------------------------|--------------------------------|
| database URL         | DATABASE_URL           | sqlite:///data/threadline.db   |
| question bank folder | THREADLINE_QUESTIONS   | questions/ beside app.py       |
| default bank id      | THREADLINE_DEFAULT_BANK| social-integration             |
| public base URL      | THREADLINE_PUBLIC_URL  | the URL the browser used       |
| consultant password  | CONSULTANT_PASSWORD    | none: anyone may create engagements |

Each may also be given in `.streamlit/secrets.toml` under the same name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where things are; read once per process by `load_settings`."""

    database_url: str
    questions_dir: Path
    default_bank: str
    public_url: str | None
    consultant_password: str | None = None


class Secrets(Protocol):
    """Anything with `get(name)`, such as `st.secrets` (which the web shell passes in)."""

    def get(self, name: str) -> Any: ...


def load_settings(secrets: Secrets | None = None) -> Settings:
    """Read the settings from the environment, then the secrets given, then defaults."""

    def setting(name: str) -> str | None:
        return os.environ.get(name) or _secret(secrets, name)

    return Settings(
        database_url=setting("DATABASE_URL") or f"sqlite:///{ROOT / 'data' / 'threadline.db'}",
        questions_dir=Path(setting("THREADLINE_QUESTIONS") or ROOT / "questions"),
        default_bank=setting("THREADLINE_DEFAULT_BANK") or "social-integration",
        public_url=setting("THREADLINE_PUBLIC_URL"),
        consultant_password=setting("CONSULTANT_PASSWORD"),
    )


def _secret(secrets: Secrets | None, name: str) -> str | None:
    if secrets is None:
        return None
    try:
        value = secrets.get(name)
    except Exception:  # no secrets file: secrets are optional
        return None
    return str(value) if value else None
