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


# --- what the start page may show (issue 14) ------------------------------------------------------


def test_a_broken_bank_has_a_notice_with_lines_only(folder):
    (folder / "a-broken.yaml").write_text(MISSPELT, encoding="utf-8")
    (folder / "empty.yaml").write_text("", encoding="utf-8")
    (folder / "latin.yaml").write_bytes(b"title: caf\xe9\n")

    entries = {entry.path.name: entry for entry in load_catalog(folder, "small")}

    assert entries["a-broken.yaml"].notice == "it has 2 mistakes, on lines 36 and 37"
    assert entries["empty.yaml"].notice == "it has 1 mistake, on line 1"
    assert entries["latin.yaml"].notice == "it cannot be read as a text file of at most 1 MiB"


def test_a_notice_lists_at_most_five_lines(folder):
    keys = "".join(f"unknown{n}: 1\n" for n in range(7))
    (folder / "many.yaml").write_text(VALID.replace("id: small\n", "id: small\n" + keys), encoding="utf-8")

    (entry,) = load_catalog(folder, "small")

    assert entry.notice == "it has 7 mistakes, on lines 4, 5, 6, 7, 8 and more"


def test_a_symlinked_files_content_is_in_no_notice(folder, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("database_password: hunter2\n", encoding="utf-8")
    (folder / "linked.yaml").symlink_to(secret)

    (entry,) = load_catalog(folder, "small")

    assert entry.bank is None
    assert "hunter2" not in entry.notice and "database_password" not in entry.notice
    assert entry.notice.startswith("it has ")


def test_a_second_bank_with_the_same_id_is_refused_and_the_first_file_name_wins(folder, caplog):
    (folder / "z-small.yaml").write_text(VALID, encoding="utf-8")
    (folder / "b-small.yaml").write_text(VALID.replace("title: Small bank", "title: Impostor"), encoding="utf-8")
    (folder / "a-other.yaml").write_text(other("other", "Other"), encoding="utf-8")

    entries = load_catalog(folder, "small")

    assert [(entry.path.name, entry.bank and entry.bank.title) for entry in entries] == [
        ("b-small.yaml", "Impostor"),
        ("a-other.yaml", "Other"),
        ("z-small.yaml", None),
    ]
    refused = entries[2]
    assert refused.notice == "its id is already used by the bank in b-small.yaml"
    assert refused.problems == (
        f"{folder / 'z-small.yaml'}:1: bank id 'small' is already offered by {folder / 'b-small.yaml'}; "
        "give this bank an id of its own",
    )
    assert caplog.messages == [f"question bank not offered: {refused.problems[0]}"]


def test_every_problem_of_a_bank_not_offered_goes_to_the_log(folder, caplog):
    (folder / "a-broken.yaml").write_text(MISSPELT, encoding="utf-8")

    load_catalog(folder, "small")

    path = folder / "a-broken.yaml"
    assert caplog.messages == [
        f"question bank not offered: {path}:36: missing required key 'title'",
        f"question bank not offered: {path}:37: unknown key 'titel' (did you mean 'title'?)",
    ]
    assert [record.levelname for record in caplog.records] == ["WARNING", "WARNING"]
