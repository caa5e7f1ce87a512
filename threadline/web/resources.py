"""Process-wide resources for the Streamlit app, cached across sessions and reruns."""

from __future__ import annotations

import os

import streamlit as st

from scoring.bank import Bank
from scoring.validate import parse_bank
from threadline.catalog import Entry, load_catalog
from threadline.config import Settings, load_settings
from threadline.storage import Store


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The settings, read once per process."""
    return load_settings(st.secrets)


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The database, migrated to the current schema on first use."""
    database = Store(settings().database_url)
    database.migrate()
    return database


def catalog() -> tuple[Entry, ...]:
    """The banks on offer, re-read only when a file in the questions folder changes."""
    folder = settings().questions_dir
    return _catalog(str(folder), _folder_signature(folder))


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(folder: str, signature: tuple) -> tuple[Entry, ...]:
    from pathlib import Path

    return load_catalog(Path(folder), settings().default_bank)


def _folder_signature(folder) -> tuple:
    try:
        return tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in os.scandir(folder)))
    except OSError:
        return ()


@st.cache_resource(show_spinner=False, max_entries=64)
def stored_bank(bank_hash: str) -> Bank:
    """The bank an assessment was answered against, parsed from its stored text."""
    content = store().bank_content(bank_hash)
    if content is None:
        raise LookupError(f"bank {bank_hash} is not stored")
    return parse_bank(content, f"stored bank {bank_hash[:12]}")
