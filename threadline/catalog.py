"""The banks on offer: every YAML file directly under the questions folder, validated.

What the start page may show about a bank that is not offered is :attr:`Entry.notice`: the
problem in a sentence of our own, with line numbers at most, never the file's text (a key
name, a YAML snippet, or the content of whatever a symlink points at) nor a server path.
The full problems, with their paths, go to the server log (logger ``threadline.catalog``)
when the folder is read, and ``make validate`` prints them.

Two files with the same bank id: the one whose file name sorts first is offered, the other
is refused (a bank id must name one bank; the default bank is found by its id).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scoring import source
from scoring.bank import Bank
from scoring.source import DocumentError, Problem
from scoring.validate import BankError, parse_bank

log = logging.getLogger("threadline.catalog")


@dataclass(frozen=True)
class Entry:
    """One bank file: its parsed bank and text, or the problems that make it unusable.

    ``problems`` are the full ``PATH:LINE: message`` lines (for the log and the command line);
    ``notice`` says what is wrong in words safe to show anyone.
    """

    path: Path
    bank: Bank | None
    content: str | None
    problems: tuple[str, ...]
    notice: str = ""


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
    """Every bank file in `folder` (not its subfolders), the default bank first.

    A bank whose id an earlier file (by file name) already offers is refused.
    """
    entries: list[Entry] = []
    offered: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.is_dir():
            continue
        entry = _entry(path)
        if entry.bank is not None:
            first = offered.setdefault(entry.bank.id, path)
            if first != path:
                entry = _duplicate(path, entry.bank.id, first)
        if entry.bank is None:
            for line in entry.problems:
                log.warning("question bank not offered: %s", line)
        entries.append(entry)
    return tuple(sorted(entries, key=lambda e: (e.bank is None, e.bank is not None and e.bank.id != default_id)))


def _entry(path: Path) -> Entry:
    try:
        content = source.read_text(path)
    except DocumentError as error:
        return _broken(path, error.problems, "it cannot be read as a text file of at most 1 MiB")
    try:
        return UsableEntry(path, parse_bank(content, str(path)), content)
    except BankError as error:
        lines = sorted({problem.line for problem in error.problems if problem.line > 0})
        return _broken(path, error.problems, _mistakes(len(error.problems), lines))


def _broken(path: Path, problems: list[Problem], notice: str) -> Entry:
    return Entry(path, None, None, tuple(problem.format(str(path)) for problem in problems), notice)


def _duplicate(path: Path, bank_id: str, first: Path) -> Entry:
    problem = f"{path}:1: bank id {bank_id!r} is already offered by {first}; give this bank an id of its own"
    return Entry(path, None, None, (problem,), f"its id is already used by the bank in {first.name}")


def _mistakes(count: int, lines: list[int]) -> str:
    where = ""
    if lines:
        shown = [str(line) for line in lines[:5]] + (["more"] if len(lines) > 5 else [])
        listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        where = f", on line{'s' if len(lines) > 1 else ''} {listed}"
    return f"it has {count} mistake{'s' if count != 1 else ''}{where}"
