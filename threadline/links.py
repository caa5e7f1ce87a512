"""Capability links: the private resume link and the read-only share link.

An assessment is reached only through unguessable tokens carried in the URL:

- ``?resume=TOKEN`` (:data:`RESUME_PARAM`): the owner's private link. It opens the
  survey with every saved answer and allows editing, sharing and revoking.
- ``?view=TOKEN`` (:data:`VIEW_PARAM`): the read-only share link to the results.

Tokens are 256 bits from :mod:`secrets`, encoded base64url without padding. The
database stores only :func:`hash_token` of each token. A share token is derived from
the private token and a generation number (:func:`derive_share_token`), so the owner
can always rebuild the current share link, rotating it means moving to the next
generation, and a share token reveals nothing about the private token.

An engagement (issue 4) has two links of its own:

- ``?dashboard=TOKEN`` (:data:`DASHBOARD_PARAM`): the consultant's private dashboard,
  a random token.
- ``?invite=TOKEN`` (:data:`INVITE_PARAM`): the respondents' invite link, derived from
  the dashboard token and an invite generation (:func:`derive_invite_token`).

The private token of the engagement's consensus assessment is derived from the
dashboard token too (:func:`derive_consensus_token`). So the dashboard can always
show the invite link and open and share the consensus, while the database holds only
hashes, and neither derived token reveals the dashboard token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from urllib.parse import urlencode

RESUME_PARAM = "resume"
VIEW_PARAM = "view"
INVITE_PARAM = "invite"
DASHBOARD_PARAM = "dashboard"

TOKEN_BYTES = 32
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def new_token() -> str:
    """Return a fresh random token of 256 bits, base64url encoded."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derive_share_token(private_token: str, generation: int) -> str:
    """Return the share token of one generation, derived from the private token."""
    return _derive(private_token, f"share:{generation}")


def derive_invite_token(dashboard_token: str, engagement_id: int, generation: int) -> str:
    """Return an engagement's invite token of one generation, derived from its dashboard token."""
    return _derive(dashboard_token, f"invite:{engagement_id}:{generation}")


def derive_consensus_token(dashboard_token: str, engagement_id: int) -> str:
    """Return the private token of an engagement's consensus assessment."""
    return _derive(dashboard_token, f"consensus:{engagement_id}")


def _derive(key: str, message: str) -> str:
    digest = hmac.new(key.encode("utf-8"), message.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def looks_like_token(value: object) -> bool:
    """Tell whether a value could be a token (a cheap check before any lookup)."""
    return isinstance(value, str) and _TOKEN_PATTERN.fullmatch(value) is not None


def resume_url(base_url: str, token: str) -> str:
    """Return the private resume link, e.g. ``https://app.example/?resume=TOKEN``."""
    return _link(base_url, RESUME_PARAM, token)


def share_url(base_url: str, token: str) -> str:
    """Return the read-only share link, e.g. ``https://app.example/?view=TOKEN``."""
    return _link(base_url, VIEW_PARAM, token)


def engagement_url(base_url: str, param: str, token: str) -> str:
    """Return an engagement link: ``?invite=TOKEN`` for respondents, ``?dashboard=TOKEN`` for the consultant."""
    if param not in (INVITE_PARAM, DASHBOARD_PARAM):
        raise ValueError(f"not an engagement link parameter: {param!r}")
    return _link(base_url, param, token)


def _link(base_url: str, param: str, token: str) -> str:
    if not looks_like_token(token):
        raise ValueError("not a Threadline token")
    return f"{base_url.rstrip('/')}/?{urlencode({param: token})}"
