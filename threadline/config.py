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

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where things are; read once per process by `load_settings`."""

    database_url: str
    questions_dir: Path
    default_bank: str
    public_url: str | None
    consultant_password: str | None = None


def load_settings() -> Settings:
    """Read the settings from the environment, then Streamlit secrets, then defaults."""
    return Settings(
        database_url=_setting("DATABASE_URL") or f"sqlite:///{ROOT / 'data' / 'threadline.db'}",
        questions_dir=Path(_setting("THREADLINE_QUESTIONS") or ROOT / "questions"),
        default_bank=_setting("THREADLINE_DEFAULT_BANK") or "social-integration",
        public_url=_setting("THREADLINE_PUBLIC_URL"),
        consultant_password=_setting("CONSULTANT_PASSWORD"),
    )


def _setting(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    return _secret(name)


def _secret(name: str) -> str | None:
    try:
        import streamlit as st

        value = st.secrets.get(name)
    except Exception:  # no secrets file, or not running under Streamlit: secrets are optional
        return None
    return str(value) if value else None
