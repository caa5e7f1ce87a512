"""Specification of the settings: environment variables, then Streamlit secrets, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit

from threadline import config
from threadline.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
VARIABLES = ("DATABASE_URL", "THREADLINE_QUESTIONS", "THREADLINE_DEFAULT_BANK", "THREADLINE_PUBLIC_URL")


@pytest.fixture(autouse=True)
def no_settings(monkeypatch):
    """Neither environment variables nor secrets, unless a test sets them."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(streamlit, "secrets", {})


def test_defaults_need_no_configuration():
    assert load_settings(streamlit.secrets) == Settings(
        database_url=f"sqlite:///{ROOT / 'data' / 'threadline.db'}",
        questions_dir=ROOT / "questions",
        default_bank="social-integration",
        public_url=None,
    )


def test_the_root_is_the_project_folder():
    assert config.ROOT == ROOT
    assert (config.ROOT / "app.py").is_file()


def test_environment_variables_override_the_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db.internal/threadline")
    monkeypatch.setenv("THREADLINE_QUESTIONS", str(tmp_path / "banks"))
    monkeypatch.setenv("THREADLINE_DEFAULT_BANK", "customer-experience")
    monkeypatch.setenv("THREADLINE_PUBLIC_URL", "https://threadline.example/app")

    assert load_settings(streamlit.secrets) == Settings(
        database_url="postgresql://app@db.internal/threadline",
        questions_dir=tmp_path / "banks",
        default_bank="customer-experience",
        public_url="https://threadline.example/app",
    )


def test_each_variable_overrides_only_its_own_setting(monkeypatch):
    monkeypatch.setenv("THREADLINE_DEFAULT_BANK", "customer-experience")

    settings = load_settings(streamlit.secrets)

    assert settings.default_bank == "customer-experience"
    assert settings.database_url == f"sqlite:///{ROOT / 'data' / 'threadline.db'}"
    assert settings.questions_dir == ROOT / "questions"
    assert settings.public_url is None


def test_an_empty_variable_counts_as_unset(monkeypatch):
    for name in VARIABLES:
        monkeypatch.setenv(name, "")

    assert load_settings(streamlit.secrets) == Settings(
        database_url=f"sqlite:///{ROOT / 'data' / 'threadline.db'}",
        questions_dir=ROOT / "questions",
        default_bank="social-integration",
        public_url=None,
    )


def test_questions_dir_is_a_path(monkeypatch, tmp_path):
    monkeypatch.setenv("THREADLINE_QUESTIONS", str(tmp_path))

    assert isinstance(load_settings(streamlit.secrets).questions_dir, Path)


def test_streamlit_secrets_are_used_when_the_environment_is_silent(monkeypatch):
    monkeypatch.setattr(
        streamlit,
        "secrets",
        {"DATABASE_URL": "postgresql://secret@db/threadline", "THREADLINE_PUBLIC_URL": "https://from.secrets"},
    )

    settings = load_settings(streamlit.secrets)

    assert settings.database_url == "postgresql://secret@db/threadline"
    assert settings.public_url == "https://from.secrets"
    assert settings.default_bank == "social-integration"


def test_the_environment_wins_over_secrets(monkeypatch):
    monkeypatch.setattr(streamlit, "secrets", {"DATABASE_URL": "postgresql://secret@db/threadline"})
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/env.db")

    assert load_settings(streamlit.secrets).database_url == "sqlite:////tmp/env.db"


def test_unreadable_secrets_are_ignored(monkeypatch):
    class Broken:
        def get(self, name):
            raise FileNotFoundError("no secrets.toml")

    monkeypatch.setattr(streamlit, "secrets", Broken())

    assert load_settings(streamlit.secrets).database_url == f"sqlite:///{ROOT / 'data' / 'threadline.db'}"
