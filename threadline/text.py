"""Names people type (organisation, respondent, client, department), made safe to show.

Bidirectional control characters (the embeddings and overrides U+202A to U+202E, the
isolates U+2066 to U+2069, the marks U+200E, U+200F and U+061C) reorder the text around
them: "\u202eexe.dtL" shows as "Ltd.exe", and a name ending in one moves whatever the app
writes after it, such as a legend's "(n=3)". :func:`clean_name` removes them; it is applied
where a name is stored (so new data never holds them) and where one is shown (so data
stored earlier is safe too). Plain Python: every layer may use it.
"""

from __future__ import annotations

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
)
_DROP = dict.fromkeys(map(ord, BIDI_CONTROLS))


def clean_name(name: str) -> str:
    """``name`` without bidirectional control characters (nothing else changes)."""
    return name.translate(_DROP)


def clean_optional(name: str | None) -> str | None:
    """:func:`clean_name` for a name that may be missing (None stays None)."""
    return None if name is None else clean_name(name)
