"""Specification of names made safe to show (threadline/text.py)."""

from __future__ import annotations

import pytest

from threadline.text import BIDI_CONTROLS, clean_name, clean_optional

SPOOF = "\u202edtL evil.exe"  # shows as "exe.live Ltd" in a browser


def test_the_bidirectional_controls_are_the_embeddings_overrides_isolates_and_marks():
    expected = {*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)), "\u200e", "\u200f", "\u061c"}
    assert expected == BIDI_CONTROLS
    assert len(BIDI_CONTROLS) == 12


def test_the_exe_live_spoof_loses_its_override():
    assert clean_name(SPOOF) == "dtL evil.exe"


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_every_control_is_removed_wherever_it_is(control):
    assert clean_name(f"{control}Acme{control} Ltd{control}") == "Acme Ltd"


def test_everything_else_is_kept():
    text = "Café Ünïcode — שלום مرحبا 東京 \u200d\U0001f600 <b>&amp;</b>"
    assert clean_name(text) == text


def test_a_missing_name_stays_missing():
    assert clean_optional(None) is None
    assert clean_optional("\u2067Acme\u2069") == "Acme"
