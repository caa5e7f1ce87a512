"""Specification of safe document reading (scoring/source.py): hostile files are refused, quickly, with a line.

A bank is written by a person and may arrive from anywhere (an upload, a shared drive), so
reading must survive an alias bomb, a huge or binary file, text that is not UTF-8 and absurd
nesting, each time with a clear `Problem` and without running out of time, memory or stack.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
import yaml

from scoring import source
from scoring.source import MAX_BYTES, DocumentError, Problem

MIB = 1024 * 1024
ANCHORS = "YAML anchors and aliases (& and *) are not allowed; write the value out in full"
TOO_DEEP = "the document is nested too deeply (more than 50 levels)"
TOO_BIG = "file is larger than 1 MiB, the most a bank or answers file may hold"
TOO_MANY = "the document holds more than 50,000 values, far more than a bank or answers file needs"

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def problems_reading(path: Path) -> list[Problem]:
    """The problems `source.load` reports for a file that must be refused."""
    with pytest.raises(DocumentError) as caught:
        source.load(path)
    return caught.value.problems


def problems_parsing(text: str) -> list[Problem]:
    """The problems `source.parse` reports for a text that must be refused."""
    with pytest.raises(DocumentError) as caught:
        source.parse(text)
    return caught.value.problems


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_bytes(content)
    return path


# Hostile files


def test_an_alias_bomb_is_refused_at_its_first_anchor_without_expanding(tmp_path):
    path = write(tmp_path, BILLION_LAUGHS.encode())
    tracemalloc.start()
    try:
        found = problems_reading(path)  # finishing at all is the check: expanding would take 9**9 entries
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found == [Problem(1, ANCHORS)]
    assert peak < 2 * MIB


def test_an_alias_without_an_anchor_is_refused_on_its_line():
    assert problems_parsing("a: 1\nb: *a\n") == [Problem(2, ANCHORS)]


def test_a_file_over_1_mib_is_refused_after_reading_only_its_first_mib(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        line = b"# a line of padding to make the file large\n"
        handle.write(line * (8 * MIB // len(line)))
    tracemalloc.start()
    try:
        found = problems_reading(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found == [Problem(1, TOO_BIG)]
    assert peak < 1.5 * MIB  # the 8 MiB file was never read whole


def test_a_file_one_byte_over_1_mib_is_refused(tmp_path):
    path = write(tmp_path, b"#" * MAX_BYTES + b"\n")
    assert problems_reading(path) == [Problem(1, TOO_BIG)]


def test_a_file_of_exactly_1_mib_is_read(tmp_path):
    text = b"a: 1\n#" + b"x" * (MAX_BYTES - 7) + b"\n"
    assert len(text) == MAX_BYTES
    assert source.load(write(tmp_path, text)).data == {"a": 1}


def test_a_binary_file_is_refused_with_the_line_of_its_first_nul_byte(tmp_path):
    path = write(tmp_path, b"schema: 1\nid: mini\ntitle: Mi\x00ni\n\x00")
    assert problems_reading(path) == [Problem(3, "file is binary (it holds a NUL byte), not YAML or JSON text")]


def test_a_latin_1_file_is_refused_with_the_line_of_the_first_bad_byte(tmp_path):
    path = write(tmp_path, "schema: 1\nid: mini\ntitle: Café\n".encode("latin-1"))
    assert problems_reading(path) == [Problem(3, "text is not UTF-8 (byte 0xe9); save the file as UTF-8")]


def test_a_utf_8_byte_order_mark_is_accepted_and_does_not_shift_lines(tmp_path):
    document = source.load(write(tmp_path, "\ufeffschema: 1\ntitle: Café\n".encode()))
    assert document.data == {"schema": 1, "title": "Café"}
    assert document.lines[("title",)] == 2


def test_windows_line_endings_keep_the_lines_right(tmp_path):
    document = source.load(write(tmp_path, b"schema: 1\r\nid: mini\r\ntitle: Mini\r\n"))
    assert document.lines[("title",)] == 3


def test_a_missing_file_and_a_folder_are_refused_on_line_1(tmp_path):
    assert problems_reading(tmp_path / "nowhere.yaml") == [Problem(1, "file not found")]
    assert problems_reading(tmp_path) == [Problem(1, "is a folder, not a file")]


# Nesting and size of the tree


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000, "{a: " * 100_000, "- " * 100_000 + "x\n"],
    ids=["flow lists", "flow mappings", "block lists"],
)
def test_absurdly_deep_nesting_is_refused_with_a_clear_message_not_a_recursion_error(text):
    assert problems_parsing(text) == [Problem(1, TOO_DEEP)]


def test_deep_nesting_is_refused_on_the_line_where_it_gets_too_deep():
    assert problems_parsing("a: 1\nb: 2\nc: " + "[" * 60 + "]" * 60 + "\n") == [Problem(3, TOO_DEEP)]
    block = "".join("  " * depth + f"k{depth}:\n" for depth in range(52))
    assert problems_parsing(block) == [Problem(51, TOO_DEEP)]


def test_nesting_50_deep_is_read_and_51_deep_is_refused():
    assert source.parse("[" * 50 + "]" * 50).data is not None
    assert problems_parsing("[" * 51 + "]" * 51) == [Problem(1, TOO_DEEP)]


def test_a_document_of_50_000_values_is_read_and_one_more_is_refused():
    values = 50_000 - 3  # the root mapping, its key and the list hold the other three
    assert len(source.parse("a: [" + ",".join(["1"] * values) + "]").data["a"]) == values
    assert problems_parsing("a: [" + ",".join(["1"] * (values + 1)) + "]") == [Problem(1, TOO_MANY)]


# What a document remembers


def test_every_key_and_list_entry_has_its_line():
    document = source.parse("schema: 1\nlevels:\n  - name: Low\n\n  - name: High\n    min_score: 2\n")
    assert document.lines == {
        (): 1,
        ("schema",): 1,
        ("levels",): 2,
        ("levels", 0): 3,
        ("levels", 0, "name"): 3,
        ("levels", 1): 5,
        ("levels", 1, "name"): 5,
        ("levels", 1, "min_score"): 6,
    }


def test_the_line_of_an_absent_key_is_the_line_of_its_nearest_entry():
    document = source.parse("levels:\n  - name: Low\n  - name: High\n")
    assert document.line_of(("levels", 1, "min_score")) == 3
    assert document.line_of(("dimensions", 0)) == 1


def test_unquoted_values_keep_the_text_as_written():
    document = source.parse("label: Yes\nversion: 2026.10\nid: 010\nquoted: 'Yes'\n")
    assert document.data == {"label": True, "version": 2026.1, "id": 8, "quoted": "Yes"}
    assert document.raw_text == {("label",): "Yes", ("version",): "2026.10", ("id",): "010"}


def test_a_level_number_key_has_its_line_under_both_spellings():
    document = source.parse("recommendations:\n  1: [a]\n  '2': [b]\n")
    assert document.line_of(("recommendations", 1)) == document.line_of(("recommendations", "1")) == 2
    assert document.line_of(("recommendations", 2)) == document.line_of(("recommendations", "2")) == 3


def test_dates_stay_text():
    assert source.parse("version: 2026-01-31\n").data == {"version": "2026-01-31"}


def test_json_is_read_as_yaml():
    document = source.parse('{"answers": {"plan": "full", "teams": ["cs", "pr"]},\n "targets": {"strategy": 4}}')
    assert document.data == {"answers": {"plan": "full", "teams": ["cs", "pr"]}, "targets": {"strategy": 4}}
    assert document.lines[("targets",)] == 2


def test_a_key_that_is_a_list_is_refused():
    assert problems_parsing("? [a, b]\n: c\n") == [Problem(1, "a key must be a plain word, not a list or mapping")]


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).resolve().parent.parent / "questions").rglob("*.yaml")), ids=lambda p: p.name
)
def test_the_fast_c_path_reads_a_plain_bank_exactly_as_the_careful_path(path):
    text = path.read_text(encoding="utf-8")
    assert source._plainly_safe(text)

    fast = source._parse_with(yaml.CSafeLoader(text))
    careful = source._parse_with(source._NoAliasLoader(text))

    assert (fast.data, fast.lines, fast.raw_text) == (careful.data, careful.lines, careful.raw_text)


@pytest.mark.parametrize(
    "text",
    ["a: &x 1\nb: *x\n", "a: !!str 1\n", "---\na: 1\n---\nb: 2\n", "[" * 60 + "]" * 60, "a:\n\t- b\n"],
    ids=["anchor", "tag", "two-documents", "deep", "tab"],
)
def test_anything_unusual_takes_the_careful_path(text):
    assert not source._plainly_safe(text)
