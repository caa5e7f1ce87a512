"""Configuration: the one place that reads environment variables and Streamlit secrets.

| setting              | environment variable   | default                        |
|----------------------|------------------------|--------------------------------|
| database URL         | DATABASE_URL           | sqlite:///data/threadline.db   |
| question bank folder | THREADLINE_QUESTIONS   | questions/ beside app.py       |
| default bank id      | THREADLINE_DEFAULT_BANK| social-integration             |
| public base URL      | THREADLINE_PUBLIC_URL  | the URL the browser used       |
| consultant password  | CONSULTANT_PASSWORD    | none: anyone may create engagements |
| free wrong guesses   | THREADLINE_THROTTLE_FREE_FAILURES | 5 per address, then delays  |
| lockout              | THREADLINE_THROTTLE_LOCKOUT_FAILURES | 10 per address           |
| lockout time         | THREADLINE_THROTTLE_LOCKOUT_SECONDS | 900                        |
| longest delay        | THREADLINE_THROTTLE_MAX_DELAY_SECONDS | 60                       |
| lockout for everyone | THREADLINE_THROTTLE_GLOBAL_LOCKOUT_FAILURES | 100                |
| proxies in front     | THREADLINE_TRUSTED_PROXIES | 0: X-Forwarded-For is ignored          |
| peer group minimum   | THREADLINE_PEER_MIN_GROUP | 5 organisations (never below 3)       |
| demonstration banner | THREADLINE_DEMO        | off (`make demo` turns it on)           |

Each may also be given in `.streamlit/secrets.toml` under the same name. The throttle
settings are explained in `threadline/throttle.py` and the README.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from threadline.throttle import Limits, overall_limits

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where things are; read once per process by `load_settings`."""

    database_url: str
    questions_dir: Path
    default_bank: str
    public_url: str | None
    consultant_password: str | None = None
    throttle: Limits = field(default_factory=Limits)
    global_lockout_failures: int = 100
    trusted_proxies: int = 0
    peer_min_group: int = 5
    demo: bool = False

    @property
    def overall_throttle(self) -> Limits:
        """The limits on everyone's wrong guesses together."""
        return overall_limits(self.throttle, self.global_lockout_failures)


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
        throttle=Limits(
            free_failures=_number(setting, "THREADLINE_THROTTLE_FREE_FAILURES", 5),
            lockout_failures=_number(setting, "THREADLINE_THROTTLE_LOCKOUT_FAILURES", 10),
            lockout_seconds=_number(setting, "THREADLINE_THROTTLE_LOCKOUT_SECONDS", 900),
            max_delay_seconds=_number(setting, "THREADLINE_THROTTLE_MAX_DELAY_SECONDS", 60),
        ),
        global_lockout_failures=_number(setting, "THREADLINE_THROTTLE_GLOBAL_LOCKOUT_FAILURES", 100, minimum=2),
        trusted_proxies=_number(setting, "THREADLINE_TRUSTED_PROXIES", 0),
        # scoring.peers.MIN_K: a comparison never shows a group of fewer than 3 organisations
        peer_min_group=_number(setting, "THREADLINE_PEER_MIN_GROUP", 5, minimum=3),
        demo=(setting("THREADLINE_DEMO") or "").lower() in ("1", "true", "yes"),
    )


def _number(setting: Callable[[str], str | None], name: str, default: int, minimum: int = 0) -> int:
    """A whole-number setting; a value that is not one stops the start with the variable's name."""
    given = setting(name)
    if given is None:
        return default
    try:
        value = int(given)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {given!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


def _secret(secrets: Secrets | None, name: str) -> str | None:
    if secrets is None:
        return None
    try:
        value = secrets.get(name)
    except Exception:  # no secrets file: secrets are optional
        return None
    return str(value) if value else None
