"""Specification of the bank catalog: every YAML file directly in the questions folder, validated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.banks import SMALL
from threadline.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
VALID = SMALL.replace("OVERALL", "mean")
# The same bank with `title:` of its second dimension misspelt, on line 37 of the file.
MISSPELT = VALID.replace("    title: Customer care\n", "    titel: Customer care\n")
PROBLEM_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+): (?P<message>.+)$")


def other(bank_id: str, title: str) -> str:
    return VALID.replace("id: small", f"id: {bank_id}").replace("title: Small bank", f"title: {title}")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    questions = tmp_path / "questions"
    questions.mkdir()
    return questions


def test_the_default_bank_comes_first_whatever_its_file_name(folder):
    (folder / "a.yaml").write_text(other("alpha", "Alpha"), encoding="utf-8")
    (folder / "m.yaml").write_text(VALID, encoding="utf-8")
    (folder / "b.yaml").write_text(other("beta", "Beta"), encoding="utf-8")

    entries = load_catalog(folder, "small")

    assert [entry.bank.id for entry in entries] == ["small", "alpha", "beta"]
    assert [entry.path for entry in entries] == [folder / "m.yaml", folder / "a.yaml", folder / "b.yaml"]
    assert all(entry.problems == () for entry in entries)
    assert entries[0].content == VALID


def test_without_the_default_bank_usable_banks_are_in_file_name_order(folder):
    (folder / "b.yaml").write_text(other("beta", "Beta"), encoding="utf-8")
    (folder / "a.yaml").write_text(other("alpha", "Alpha"), encoding="utf-8")

    assert [entry.bank.id for entry in load_catalog(folder, "social-integration")] == ["alpha", "beta"]


def test_a_broken_bank_is_listed_last_with_path_line_problems_and_no_bank(folder):
    (folder / "a-broken.yaml").write_text(MISSPELT, encoding="utf-8")
    (folder / "small.yaml").write_text(VALID, encoding="utf-8")

    entries = load_catalog(folder, "small")

    assert [entry.path.name for entry in entries] == ["small.yaml", "a-broken.yaml"]
    broken = entries[1]
    assert broken.bank is None
    assert broken.content is None
    path = str(folder / "a-broken.yaml")
    assert broken.problems == (
        f"{path}:36: missing required key 'title'",
        f"{path}:37: unknown key 'titel' (did you mean 'title'?)",
    )
    for line in broken.problems:
        assert PROBLEM_LINE.match(line).group("path") == path


def test_unreadable_and_invalid_yaml_files_are_reported_not_raised(folder):
    (folder / "empty.yaml").write_text("", encoding="utf-8")
    (folder / "latin.yaml").write_bytes(b"title: caf\xe9\n")
    (folder / "syntax.yaml").write_text("schema: 1\nid: x\n  bad: [\n", encoding="utf-8")
    (folder / "list.yaml").write_text("- just\n- a list\n", encoding="utf-8")

    entries = {entry.path.name: entry for entry in load_catalog(folder, "small")}

    assert set(entries) == {"empty.yaml", "latin.yaml", "syntax.yaml", "list.yaml"}
    assert all(entry.bank is None for entry in entries.values())
    assert entries["empty.yaml"].problems == (f"{folder / 'empty.yaml'}:1: the file is empty",)
    assert entries["latin.yaml"].problems == (
        f"{folder / 'latin.yaml'}:1: text is not UTF-8 (byte 0xe9); save the file as UTF-8",
    )
    assert entries["syntax.yaml"].problems == (
        f"{folder / 'syntax.yaml'}:3: YAML syntax error: mapping values are not allowed here",
    )
    assert entries["list.yaml"].problems
    for entry in entries.values():
        for line in entry.problems:
            match = PROBLEM_LINE.match(line)
            assert match, line
            assert match.group("path") == str(entry.path)
            assert int(match.group("line")) >= 1


def test_subfolders_and_other_files_are_ignored(folder):
    (folder / "small.yaml").write_text(VALID, encoding="utf-8")
    (folder / "examples").mkdir()
    (folder / "examples" / "nested.yaml").write_text(other("nested", "Nested"), encoding="utf-8")
    (folder / "examples" / "broken.yaml").write_text(MISSPELT, encoding="utf-8")
    (folder / "README.md").write_text("# Banks\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a bank", encoding="utf-8")

    assert [entry.path.name for entry in load_catalog(folder, "small")] == ["small.yaml"]


def test_a_subfolder_named_like_a_bank_file_is_ignored(folder):
    (folder / "small.yaml").write_text(VALID, encoding="utf-8")
    (folder / "archive.yaml").mkdir()

    assert [entry.path.name for entry in load_catalog(folder, "small")] == ["small.yaml"]


def test_an_empty_or_missing_folder_offers_nothing(folder):
    assert load_catalog(folder, "small") == ()
    assert load_catalog(folder / "missing", "small") == ()


def test_the_shipped_questions_folder_offers_the_default_bank_alone():
    entries = load_catalog(ROOT / "questions", "social-integration")

    assert [(entry.path.name, entry.bank.id, entry.problems) for entry in entries] == [
        ("social-integration.yaml", "social-integration", ())
    ]
    assert entries[0].content == (ROOT / "questions" / "social-integration.yaml").read_text(encoding="utf-8")
