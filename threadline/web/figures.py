"""Plotly figures built once per set of inputs, shared by every rerun and every session.

Building a Plotly figure validates each property as it is set: a department radar or a stacked
bar of six departments costs 30-40 ms, and the dashboard of a large engagement draws more than
a dozen on every rerun (st.tabs runs every tab), which was most of a warm view's server CPU.
`cached` builds a figure the first time its builder is called with these arguments and hands the
same figure out afterwards; Streamlit only reads it (`st.plotly_chart` copies it to a dict).

A figure from `cached` is shared: never change it afterwards. Whatever changes it (the
consultant-only mark, the projector's fonts) is passed as a `finish` step, which runs once,
inside the cache, and is part of the key.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from scoring.bank import Bank

Step = Callable[[go.Figure], go.Figure]

_BANK_DIGESTS: dict[int, tuple[Bank, bytes]] = {}
"""id(bank) -> (the bank, a digest of its content); holding the bank keeps its id from being reused."""
_BANKS_KEPT = 64
_LOCK = threading.Lock()


def cached(build: Callable[..., go.Figure], *args: Any, finish: Sequence[Step] = (), **kwargs: Any) -> go.Figure:
    """build(*args, **kwargs), then each `finish` step on it; built once per (build, finish, arguments).

    build and the steps are module-level functions (a lambda or a closure has no stable name and
    is refused); the arguments are plain data, numpy arrays and banks (pickled for the key).
    """
    names = (_name(build), *(_name(step) for step in finish))
    return _built(_digest((names, args, sorted(kwargs.items()))), build, tuple(finish), args, kwargs)


@st.cache_resource(show_spinner=False, max_entries=512)
def _built(
    key: str, _build: Callable[..., go.Figure], _finish: tuple[Step, ...], _args: tuple, _kwargs: dict
) -> go.Figure:
    """The figure for `key`; only the key is hashed (the arguments are in it)."""
    figure = _build(*_args, **_kwargs)
    for step in _finish:
        figure = step(figure)
    return figure


def _name(function: Callable[..., Any]) -> str:
    name = f"{function.__module__}.{function.__qualname__}"
    if "<" in name:
        raise ValueError(f"a figure builder or step must be a module-level function, not {name}")
    return name


class _KeyPickler(pickle.Pickler):
    """Pickles a bank as the digest of its content, computed once per bank object."""

    def persistent_id(self, obj: Any) -> bytes | None:  # pickle asks this of every object
        return _bank_digest(obj) if isinstance(obj, Bank) else None


def _digest(value: Any) -> str:
    buffer = io.BytesIO()
    pickler = _KeyPickler(buffer, protocol=5)
    pickler.fast = True  # no memo: equal values give equal bytes whether or not they are one object
    pickler.dump(value)
    return hashlib.blake2b(buffer.getvalue(), digest_size=20).hexdigest()


def _bank_digest(bank: Bank) -> bytes:
    with _LOCK:
        kept = _BANK_DIGESTS.get(id(bank))
        if kept is not None and kept[0] is bank:
            return kept[1]
    digest = hashlib.blake2b(pickle.dumps(bank, protocol=5), digest_size=20).digest()
    with _LOCK:
        if len(_BANK_DIGESTS) >= _BANKS_KEPT:
            _BANK_DIGESTS.clear()
        _BANK_DIGESTS[id(bank)] = (bank, digest)
    return digest
