"""Specification of the settings: environment variables, then Streamlit secrets, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit

from threadline import config
from threadline.config import Settings, load_settings
from threadline.throttle import Limits

ROOT = Path(__file__).resolve().parent.parent
VARIABLES = (
    "DATABASE_URL",
    "THREADLINE_QUESTIONS",
    "THREADLINE_DEFAULT_BANK",
    "THREADLINE_PUBLIC_URL",
    "THREADLINE_THROTTLE_FREE_FAILURES",
    "THREADLINE_THROTTLE_LOCKOUT_FAILURES",
    "THREADLINE_THROTTLE_LOCKOUT_SECONDS",
    "THREADLINE_THROTTLE_MAX_DELAY_SECONDS",
    "THREADLINE_THROTTLE_GLOBAL_LOCKOUT_FAILURES",
    "THREADLINE_TRUSTED_PROXIES",
)


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


def test_the_throttle_defaults():
    settings = load_settings(streamlit.secrets)
    assert settings.throttle == Limits(free_failures=5, lockout_failures=10, lockout_seconds=900, max_delay_seconds=60)
    assert settings.overall_throttle == Limits(free_failures=50, lockout_failures=100, lockout_seconds=900)
    assert settings.trusted_proxies == 0


def test_the_throttle_settings(monkeypatch):
    monkeypatch.setenv("THREADLINE_THROTTLE_FREE_FAILURES", "2")
    monkeypatch.setenv("THREADLINE_THROTTLE_LOCKOUT_FAILURES", "4")
    monkeypatch.setenv("THREADLINE_THROTTLE_LOCKOUT_SECONDS", "3600")
    monkeypatch.setenv("THREADLINE_THROTTLE_MAX_DELAY_SECONDS", "10")
    monkeypatch.setenv("THREADLINE_THROTTLE_GLOBAL_LOCKOUT_FAILURES", "20")
    monkeypatch.setenv("THREADLINE_TRUSTED_PROXIES", "1")

    settings = load_settings(streamlit.secrets)

    assert settings.throttle == Limits(free_failures=2, lockout_failures=4, lockout_seconds=3600, max_delay_seconds=10)
    assert settings.overall_throttle == Limits(
        free_failures=10, lockout_failures=20, lockout_seconds=3600, max_delay_seconds=10
    )
    assert settings.trusted_proxies == 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("THREADLINE_TRUSTED_PROXIES", "one", "THREADLINE_TRUSTED_PROXIES must be a whole number, not 'one'"),
        ("THREADLINE_TRUSTED_PROXIES", "-1", "THREADLINE_TRUSTED_PROXIES must be at least 0, not -1"),
        ("THREADLINE_THROTTLE_GLOBAL_LOCKOUT_FAILURES", "1", "must be at least 2, not 1"),
        ("THREADLINE_THROTTLE_FREE_FAILURES", "10", "free failures \\(10\\) must be 0 or more and fewer"),
    ],
)
def test_a_throttle_setting_that_is_not_usable_stops_the_start(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        load_settings(streamlit.secrets)


def test_peer_groups_show_from_five_organisations_unless_set(monkeypatch):
    assert load_settings(streamlit.secrets).peer_min_group == 5
    monkeypatch.setenv("THREADLINE_PEER_MIN_GROUP", "8")
    assert load_settings(streamlit.secrets).peer_min_group == 8


def test_a_peer_group_minimum_below_three_stops_the_start(monkeypatch):
    monkeypatch.setenv("THREADLINE_PEER_MIN_GROUP", "2")
    with pytest.raises(ValueError, match="THREADLINE_PEER_MIN_GROUP must be at least 3, not 2"):
        load_settings(streamlit.secrets)
