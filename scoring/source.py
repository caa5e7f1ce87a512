"""Reading YAML and JSON documents safely, keeping the line of every key and entry.

Bank files come from people (consultants writing their own banks) and answers files from
other tools, so reading is defensive: the size is capped before anything is parsed, the
text must be UTF-8, anchors and aliases are refused as soon as the parser meets one (so an
"alias bomb" never expands), nesting depth and the number of values are capped while parsing
(so time and memory stay bounded), and every problem is reported as a `Problem` with a line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 50
MAX_NODES = 50_000
YAML_TAG = "tag:yaml.org,2002:"
COLLECTION_TAGS = frozenset({f"{YAML_TAG}seq", f"{YAML_TAG}map"})

Loc = tuple[str | int, ...]

ANCHORS_REFUSED = "YAML anchors and aliases (& and *) are not allowed; write the value out in full"
TOO_DEEP = f"the document is nested too deeply (more than {MAX_DEPTH} levels)"
TOO_MANY = f"the document holds more than {MAX_NODES:,} values, far more than a bank or answers file needs"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (line, 1-based; 0 when unknown) and what."""

    line: int
    message: str

    def format(self, source: str) -> str:
        """The `PATH:LINE: message` form used by the command line."""
        return f"{source}:{self.line}: {self.message}"


class DocumentError(Exception):
    """A document could not be read or is invalid; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Document:
    """Plain data read from a file, with the line of each key or list entry by location.

    `lines[loc]` is the line of the key (for a mapping entry) or of the entry itself (for a
    list item); `lines[()]` is the first line of the document. `raw_text[loc]` keeps what
    was written for unquoted scalars, so a text field written `Yes` reads as "Yes", not True.
    """

    data: Any
    lines: dict[Loc, int]
    raw_text: dict[Loc, str]

    def line_of(self, loc: Loc) -> int:
        """The line of `loc`, or of its nearest enclosing entry when `loc` is absent."""
        loc = tuple(loc)
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


class _NoAliasLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors, aliases, deep nesting and huge trees as soon as it meets them.

    Nesting is counted while scanning, so a file of 100,000 '[' is refused at the first
    bracket past the limit, long before the parser's recursion could run out of stack; values
    are counted while composing, so time and memory stay bounded whatever the file holds.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self.node_count = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(event.start_mark.line + 1, ANCHORS_REFUSED)
        self.node_count += 1
        if self.node_count > MAX_NODES:
            raise _Refused(event.start_mark.line + 1, TOO_MANY)
        return super().compose_node(parent, index)

    def fetch_flow_collection_start(self, TokenClass):
        self._check_depth(self.flow_level + 1)
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column):
        added = super().add_indent(column)
        if added:
            self._check_depth(self.flow_level)
        return added

    def _check_depth(self, flow_level: int) -> None:
        if len(self.indents) + flow_level > MAX_DEPTH:
            raise _Refused(self.line + 1, TOO_DEEP)


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.problem = Problem(line, message)


def read_text(path: Path) -> str:
    """Read a file as UTF-8 text of at most 1 MiB, refusing binary or oversized files."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DocumentError([Problem(1, "file not found")]) from None
    except IsADirectoryError:
        raise DocumentError([Problem(1, "is a folder, not a file")]) from None
    except OSError as error:
        raise DocumentError([Problem(1, f"cannot be read: {error.strerror}")]) from None
    return decode(raw)


def decode(raw: bytes) -> str:
    """Decode file bytes as UTF-8 text, with a clear problem for binary or huge input."""
    if len(raw) > MAX_BYTES:
        raise DocumentError([Problem(1, "file is larger than 1 MiB, the most a bank or answers file may hold")])
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DocumentError([Problem(line, "file is binary (it holds a NUL byte), not YAML or JSON text")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DocumentError(
            [Problem(line, f"text is not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8")]
        ) from None
    return text.removeprefix("\ufeff")


def parse(text: str) -> Document:
    """Parse one YAML (or JSON) document into plain data with a line for every location.

    A plain document (no anchors, aliases, tags or tabs, one document, nesting and size within the
    limits) is read with libyaml's C parser, five to ten times faster than PyYAML's own; every
    other text, and any text the C path cannot read, goes through the careful pure-Python
    loader, which refuses hostile input as soon as it meets it and says exactly what is wrong.
    """
    if _plainly_safe(text):
        try:
            return _parse_with(yaml.CSafeLoader(text))
        except Exception:  # the careful path below finds and names the problem
            pass
    return _parse_with(_NoAliasLoader(text))


def _plainly_safe(text: str) -> bool:
    """True when libyaml's events show nothing the careful loader would refuse (checked event by event)."""
    if not getattr(yaml, "__with_libyaml__", False) or "\t" in text:  # libyaml accepts tabs PyYAML refuses
        return False
    depth = nodes = documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) or getattr(event, "tag", None):
                return False
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
            elif isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                nodes += 1
            if depth > MAX_DEPTH or nodes > MAX_NODES or documents > 1:
                return False
    except yaml.YAMLError:
        return False
    return True


def _parse_with(loader: yaml.SafeLoader | yaml.CSafeLoader) -> Document:
    try:
        root = loader.get_single_node()
        if root is None:
            raise DocumentError([Problem(1, "the file is empty")])
        builder = _Builder(loader)
        data = builder.build(root, (), 0)
    except _Refused as refused:
        raise DocumentError([refused.problem]) from None
    except yaml.MarkedYAMLError as error:
        raise DocumentError([_yaml_problem(error)]) from None
    except yaml.YAMLError as error:
        raise DocumentError([Problem(1, f"YAML error: {error}")]) from None
    except RecursionError:
        raise DocumentError([Problem(1, TOO_DEEP)]) from None
    finally:
        loader.dispose()
    return Document(data, builder.lines, builder.raw_text)


def load(path: Path) -> Document:
    """Read and parse a YAML or JSON file (see `read_text` and `parse`)."""
    return parse(read_text(path))


def _yaml_problem(error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    problem = error.problem or "invalid YAML"
    start = error.context_mark.line + 1 if error.context_mark else None
    if "'\\t'" in problem or "\t" in problem:
        return Problem(line, _tab_message(error.problem_mark))
    if problem.startswith("found duplicate anchor") or "alias" in problem:
        return Problem(line, ANCHORS_REFUSED)
    if "expected a single document" in problem or "but found another document" in problem:
        return Problem(line, "the file holds more than one YAML document; keep one per file")
    if isinstance(error, yaml.constructor.ConstructorError) and "for the tag" in problem:
        return Problem(line, _tag_refused(problem.rsplit("tag ", 1)[-1].strip("'")))
    if error.context == "while scanning a quoted scalar" and start is not None:
        return Problem(start, "YAML syntax error: a quoted text starts here but its closing quote is missing")
    where = f" ({error.context} that starts on line {start})" if error.context and start and start != line else ""
    return Problem(line, f"YAML syntax error: {problem}{where}")


def _tag_refused(tag: str) -> str:
    return f"the YAML tag '{tag.replace(YAML_TAG, '!!')}' is not allowed; write a plain value"


def _tab_message(mark: yaml.Mark | None) -> str:
    """A tab at the start of a line is indentation; elsewhere it stands where YAML wants a space."""
    before = mark.buffer[mark.pointer - mark.column : mark.pointer] if mark and mark.buffer else ""
    if before.strip(" \t"):
        return "tab character where YAML expects a space; use spaces (a tab is fine only inside quotes)"
    return "tab character in indentation; indent YAML with spaces only"


class _Builder:
    """Turns a composed node tree into plain data, recording lines and raw scalar text."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader):
        self.loader = loader
        self.lines: dict[Loc, int] = {}
        self.raw_text: dict[Loc, str] = {}

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _Refused(node.start_mark.line + 1, TOO_DEEP)
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in COLLECTION_TAGS:
            raise _Refused(node.start_mark.line + 1, _tag_refused(node.tag))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self._entry(item, (*loc, i), depth) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _entry(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.lines[loc] = node.start_mark.line + 1
        return self.build(node, loc, depth + 1)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(line, "a key must be a plain word, not a list or mapping")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(line, "YAML merge keys (<<) are not allowed; write the keys out in full")
            key = self.loader.construct_object(key_node)
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                key = key_node.value
            if key in result:
                raise _Refused(line, f"duplicate key '{key}' in the same mapping")
            self.lines[(*loc, key)] = line
            for alias in _key_aliases(key):
                self.lines.setdefault((*loc, alias), line)
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        value = self.loader.construct_object(node)
        if not node.style and not isinstance(value, str):  # plain style: None in PyYAML, "" in libyaml
            self.raw_text[loc] = node.value
        if isinstance(value, (dt.date, dt.datetime, bytes, set)):
            return node.value
        return value


def _key_aliases(key: str | int) -> tuple[str | int, ...]:
    """A level-number key may be written 2 or "2"; record its line under both spellings."""
    if isinstance(key, int):
        return (str(key),)
    if key.strip().isdigit():
        return (int(key),)
    return ()
