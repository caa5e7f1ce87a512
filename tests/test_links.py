"""Specification of the capability tokens and the links built from them."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threadline.links import (
    RESUME_PARAM,
    VIEW_PARAM,
    derive_share_token,
    hash_token,
    looks_like_token,
    new_token,
    resume_url,
    share_url,
)

generations = st.integers(min_value=0, max_value=10**6)


def _decoded(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_new_tokens_carry_at_least_128_bits() -> None:
    assert len(_decoded(new_token())) * 8 >= 128


def test_new_tokens_carry_256_bits() -> None:
    assert len(_decoded(new_token())) == 32


def test_new_tokens_do_not_repeat() -> None:
    assert len({new_token() for _ in range(1000)}) == 1000


def test_new_tokens_look_like_tokens() -> None:
    assert looks_like_token(new_token())


def test_hash_token_is_the_sha256_hex_digest() -> None:
    token = new_token()
    assert hash_token(token) == hashlib.sha256(token.encode()).hexdigest()


def test_hash_token_does_not_contain_the_token() -> None:
    token = new_token()
    assert token not in hash_token(token)


def test_share_token_is_the_same_for_the_same_generation() -> None:
    private = new_token()
    assert derive_share_token(private, 3) == derive_share_token(private, 3)


@given(generations)
def test_share_token_changes_with_the_generation(generation: int) -> None:
    private = "p" * 43
    current = derive_share_token(private, generation)
    assert derive_share_token(private, generation + 1) != current


def test_share_token_depends_on_the_private_token() -> None:
    assert derive_share_token(new_token(), 0) != derive_share_token(new_token(), 0)


def test_share_token_differs_from_the_private_token_and_its_hash() -> None:
    private = new_token()
    share = derive_share_token(private, 0)
    assert share != private
    assert private not in share
    assert share not in hash_token(private)


def test_share_token_is_an_hmac_of_the_generation_keyed_by_the_private_token() -> None:
    private = new_token()
    expected = hmac.new(private.encode(), b"share:7", hashlib.sha256).digest()
    assert _decoded(derive_share_token(private, 7)) == expected


@given(generations)
def test_share_tokens_are_256_bit_tokens(generation: int) -> None:
    share = derive_share_token(new_token(), generation)
    assert looks_like_token(share)
    assert "=" not in share
    assert len(_decoded(share)) == 32


@pytest.mark.parametrize(
    "junk",
    [
        None,
        12345,
        b"a" * 43,
        ["a" * 43],
        "",
        "short",
        "a" * 19,
        "a" * 101,
        "a" * 42 + "=",
        "a" * 42 + "/",
        "a" * 42 + "+",
        "é" * 43,
        "a" * 30 + " " + "a" * 12,
        "'; DROP TABLE links; --" + "a" * 20,
        "<script>alert(1)</script>" + "a" * 20,
        "a" * 43 + "\n",
    ],
)
def test_junk_does_not_look_like_a_token(junk: object) -> None:
    assert not looks_like_token(junk)


@given(st.text())
def test_looks_like_token_never_raises(value: str) -> None:
    looks_like_token(value)


def test_the_link_parameters_are_resume_and_view() -> None:
    assert (RESUME_PARAM, VIEW_PARAM) == ("resume", "view")


def test_resume_url_carries_the_token_in_the_resume_parameter() -> None:
    token = new_token()
    assert resume_url("https://app.example", token) == (f"https://app.example/?resume={token}")


def test_share_url_carries_the_token_in_the_view_parameter() -> None:
    token = new_token()
    assert share_url("https://app.example/", token) == (f"https://app.example/?view={token}")


def test_links_keep_a_base_path() -> None:
    token = new_token()
    parts = urlsplit(share_url("https://example.org/threadline/", token))
    assert parts.path == "/threadline/"
    assert parse_qs(parts.query) == {"view": [token]}


def test_links_refuse_junk_tokens() -> None:
    with pytest.raises(ValueError):
        resume_url("https://app.example", "not a token")
