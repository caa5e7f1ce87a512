"""The banks on offer: every YAML file directly under the questions folder, validated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scoring import source
from scoring.bank import Bank
from scoring.source import DocumentError
from scoring.validate import BankError, parse_bank


@dataclass(frozen=True)
class Entry:
    """One bank file: its parsed bank and text, or the problems that make it unusable."""

    path: Path
    bank: Bank | None
    content: str | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class UsableEntry(Entry):
    """A bank file without problems: its bank and text are always there."""

    bank: Bank
    content: str
    problems: tuple[str, ...] = ()


def usable(entries: Iterable[Entry]) -> list[UsableEntry]:
    """The entries whose bank can be used, in order."""
    return [entry for entry in entries if isinstance(entry, UsableEntry)]


def load_catalog(folder: Path, default_id: str) -> tuple[Entry, ...]:
    """Every bank file in `folder` (not its subfolders), the default bank first."""
    entries = [_entry(path) for path in sorted(folder.glob("*.yaml")) if not path.is_dir()]
    return tuple(sorted(entries, key=lambda e: (e.bank is None, e.bank is not None and e.bank.id != default_id)))


def _entry(path: Path) -> Entry:
    try:
        content = source.read_text(path)
        return UsableEntry(path, parse_bank(content, str(path)), content)
    except BankError as error:
        return Entry(path, None, None, tuple(error.lines()))
    except DocumentError as error:
        return Entry(path, None, None, tuple(problem.format(str(path)) for problem in error.problems))
