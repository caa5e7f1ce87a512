"""Loading and validating a question bank, with one `Problem` (line and message) per mistake."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from scoring import source
from scoring.bank import QUESTION_TYPES, Bank, Dimension, Option, Question, ScoredQuestion
from scoring.source import Document, DocumentError, Loc, Problem

TEXT_KEYS = frozenset({"id", "version", "title", "description", "name", "text", "help", "label", "next_step", "step"})
LISTS_OF_TEXT = frozenset({"recommendations", "done_if"})  # their entries are texts or ids, whatever YAML reads
KEY_K = "key k lists what to do to move from level k to k+1"
QUESTION_TAGS = frozenset(QUESTION_TYPES)
KNOWN_KEYS = [
    "schema",
    "id",
    "version",
    "title",
    "description",
    "levels",
    "name",
    "min_score",
    "overall_level",
    "dimensions",
    "weight",
    "recommendations",
    "questions",
    "text",
    "help",
    "type",
    "required",
    "allow_na",
    "options",
    "label",
    "score",
    "points",
    "next_step",
    "step",
    "done_if",
]


class BankError(DocumentError):
    """A bank file that cannot be used; `problems` holds every reason with its line."""

    def __init__(self, source_name: str, problems: list[Problem]):
        super().__init__(problems)
        self.source_name = source_name

    def lines(self) -> list[str]:
        """Every problem as a `PATH:LINE: message` line."""
        return [problem.format(self.source_name) for problem in self.problems]


def load_bank(path: str | Path) -> Bank:
    """Read, parse and validate a bank file; raise `BankError` listing every problem."""
    try:
        return check_bank(source.load(Path(path)))
    except DocumentError as error:
        raise BankError(str(path), error.problems) from None


def parse_bank(text: str, source_name: str = "<bank>") -> Bank:
    """Parse and validate bank YAML text; raise `BankError` listing every problem."""
    try:
        return check_bank(source.parse(text))
    except DocumentError as error:
        raise BankError(source_name, error.problems) from None


def check_bank(document: Document) -> Bank:
    """Validate parsed bank data: its shape first, then the rules across entries."""
    data = _texts_as_written(document.data, (), document.raw_text)
    try:
        bank = Bank.model_validate(data)
    except ValidationError as error:
        errors = _without_knock_on_counts([_ShapeError.of(e) for e in error.errors()])
        shape = dict.fromkeys(_shape_problem(e, document) for e in errors)  # unique, in pydantic's order
        raise DocumentError(sorted(shape, key=lambda p: p.line)) from None
    problems = [Problem(document.line_of(loc), message) for loc, message in _rule_breaks(bank, document)]
    if problems:
        raise DocumentError(sorted(problems, key=lambda p: p.line))
    return bank


@dataclass(frozen=True)
class _ShapeError:
    """One pydantic error, its location in the document's terms (no union tags) and the question type it is in."""

    kind: str
    loc: Loc
    raw_loc: tuple[str | int, ...]
    input: Any
    ctx: dict[str, Any]
    msg: str
    question_type: str | None

    @classmethod
    def of(cls, error: ErrorDetails) -> _ShapeError:
        loc: list[str | int] = []
        question_type = None
        raw = error["loc"]
        for i, part in enumerate(raw):
            if i >= 2 and raw[i - 2] == "questions" and isinstance(raw[i - 1], int) and part in QUESTION_TAGS:
                question_type = str(part)  # the member of the `Question` union: not a key of the document
                continue
            loc.append(part)
        return cls(
            kind=error["type"],
            loc=tuple(part for part in loc if part != "[key]"),
            raw_loc=tuple(loc),
            input=error.get("input"),
            ctx=dict(error.get("ctx") or {}),
            msg=error["msg"],
            question_type=question_type,
        )


def _texts_as_written(data: Any, loc: Loc, raw_text: dict[Loc, str]) -> Any:
    """Text fields keep what was written: `label: Yes` is "Yes", never True."""
    if isinstance(data, dict):
        return {key: _texts_as_written(value, (*loc, key), raw_text) for key, value in data.items()}
    if isinstance(data, list):
        return [_texts_as_written(value, (*loc, i), raw_text) for i, value in enumerate(data)]
    if loc in raw_text and data is not None and _is_text_location(loc):
        return raw_text[loc]
    return data


def _is_text_location(loc: Loc) -> bool:
    return (isinstance(loc[-1], str) and loc[-1] in TEXT_KEYS) or (len(loc) >= 3 and loc[-3] in LISTS_OF_TEXT)


def _without_knock_on_counts(errors: list[_ShapeError]) -> list[_ShapeError]:
    """Drop "too few entries" where entries inside the list failed: pydantic counts only valid ones."""
    failed_inside = {e.raw_loc[:n] for e in errors for n in range(len(e.raw_loc))}
    return [e for e in errors if not (e.kind == "too_short" and e.raw_loc in failed_inside)]


def _shape_problem(error: _ShapeError, document: Document) -> Problem:
    loc = error.loc
    if error.kind == "union_tag_invalid":  # a question's type is none of the known ones
        value = error.input.get("type") if isinstance(error.input, dict) else None
        return Problem(
            document.line_of((*loc, "type")), f"'type' must be one of {_TYPES}, not {_describe_value(value)}"
        )
    if error.kind == "missing":
        return Problem(document.line_of(loc[:-1]), f"missing required key '{loc[-1]}'{_missing_note(error)}")
    if error.kind == "extra_forbidden" and error.question_type == "text" and loc[-1] == "options":
        return Problem(
            document.line_of(loc), f"question {_question_id(document, loc[:-1])}is a text question and takes no options"
        )
    if "[key]" in error.raw_loc:
        return Problem(document.line_of(loc), f"recommendations key '{loc[-1]}' is not a level number; {KEY_K}")
    return Problem(document.line_of(loc), _shape_message(error, loc))


_TYPES = ", ".join(f"'{kind}'" for kind in QUESTION_TYPES[:-1]) + f" or '{QUESTION_TYPES[-1]}'"


def _missing_note(error: _ShapeError) -> str:
    """What a scored question without options needs."""
    if error.question_type not in ("choice", "multi") or error.loc[-1] != "options":
        return ""
    ident = error.input.get("id") if isinstance(error.input, dict) else None
    named = f"'{ident}' " if isinstance(ident, str) else ""
    return f" ({error.question_type} question {named}needs at least 2)"


def _question_id(document: Document, loc: Loc) -> str:
    """ "'the-id' " of the question at `loc` in the document, or "" when it has no text id."""
    data: Any = document.data
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return ""
    ident = data.get("id") if isinstance(data, dict) else None
    return f"'{ident}' " if isinstance(ident, str) else ""


def _shape_message(error: _ShapeError, loc: Loc) -> str:
    kind, value, ctx = error.kind, error.input, error.ctx
    name = _describe_location(loc)
    if kind == "extra_forbidden":
        return f"unknown key '{loc[-1]}'{_suggestion(str(loc[-1]))}"
    if kind == "string_type":
        return f"{name} must be text, not {_describe_value(value)}"
    if kind == "string_too_short":
        return f"{name} must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{name} must be a slug (lowercase letters, digits and '-'), not '{value}'"
    if kind in ("float_type", "int_type", "finite_number", "int_from_float"):
        whole = " whole" if kind in ("int_type", "int_from_float") else ""
        return f"{name} must be a{whole} number, not {_describe_value(value)}"
    if kind == "bool_type":
        return f"{name} must be true or false, not {_describe_value(value)}"
    if kind == "greater_than_equal":
        return f"{name} must be {ctx.get('ge'):g} or more, not {value:g}"
    if kind == "literal_error":
        return f"{name} must be one of {ctx.get('expected')}, not {_describe_value(value)}"
    if kind in ("tuple_type", "list_type"):
        return f"{name} must be a list, not {_describe_value(value)}"
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        count = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return (
            f"{name} must have {bound} {count} {'entry' if count == 1 else 'entries'}, not {ctx.get('actual_length')}"
        )
    if kind in ("model_type", "dict_type"):
        return f"{name} must be a mapping of keys, not {_describe_value(value)}"
    if kind == "value_error":
        return error.msg.removeprefix("Value error, ")
    return f"{name}: {error.msg}"


def _describe_location(loc: Loc) -> str:
    if not loc:
        return "the bank"
    if len(loc) >= 2 and loc[-2] == "recommendations":
        return f"the recommendations for level {loc[-1]}"
    if len(loc) >= 3 and loc[-3] == "recommendations" and isinstance(loc[-1], int):
        return f"entry {loc[-1] + 1} of the recommendations for level {loc[-2]}"
    if isinstance(loc[-1], int):
        parent = next((part for part in reversed(loc) if isinstance(part, str)), "list")
        return f"entry {loc[-1] + 1} of '{parent}'"
    return f"'{loc[-1]}'"


def _describe_value(value: Any) -> str:
    if isinstance(value, str):
        return f'the text "{value}" (remove the quotes)' if _looks_numeric(value) else f'the text "{value}"'
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads yes, no, on, off, true and false as true or false)"
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text.strip().lower() in ("true", "false", "yes", "no")
    return True


def _suggestion(key: str) -> str:
    return _close(key, KNOWN_KEYS)


def _rule_breaks(bank: Bank, document: Document) -> Iterator[tuple[Loc, str]]:
    if bank.schema_version != 1:
        yield ("schema",), f"schema {bank.schema_version} is not known; this version of Threadline reads schema 1"
    yield from _level_rule_breaks(bank)
    yield from _duplicates(((("dimensions", i), d.id) for i, d in enumerate(bank.dimensions)), "dimension id", document)
    question_locs = (
        (("dimensions", i, "questions", j), q.id)
        for i, d in enumerate(bank.dimensions)
        for j, q in enumerate(d.questions)
    )
    yield from _duplicates(question_locs, "question id", document)
    for i, dimension in enumerate(bank.dimensions):
        yield from _recommendation_rule_breaks(bank, dimension, ("dimensions", i))
        for j, question in enumerate(dimension.questions):
            yield from _question_rule_breaks(bank, question, ("dimensions", i, "questions", j), document)
    yield from _image_rule_breaks(document.data, ())


def _level_rule_breaks(bank: Bank) -> Iterator[tuple[Loc, str]]:
    top = bank.level_count
    for k, level in enumerate(bank.levels):
        loc: Loc = ("levels", k, "min_score") if level.min_score is not None else ("levels", k)
        if level.min_score is not None and not 1 <= level.min_score <= top:
            yield loc, f"min_score of level '{level.name}' must be between 1 and {top} (the number of levels)"
        elif k and bank.thresholds[k] < bank.thresholds[k - 1]:
            yield (
                loc,
                (
                    f"level '{level.name}' starts at min_score {bank.thresholds[k]:g}, below the level before it "
                    f"({bank.thresholds[k - 1]:g}); thresholds must not decrease"
                ),
            )


def _duplicates(
    entries: Iterator[tuple[Loc, str]], what: str, document: Document, where: str = ""
) -> Iterator[tuple[Loc, str]]:
    """Each id used a second time, at its own line (or its entry's, for a default option id)."""
    first_seen: dict[str, Loc] = {}
    for loc, ident in entries:
        if ident in first_seen:
            notes = [] if _has_written_id(document, loc) else ["this option has no id, so its position is its id"]
            notes.append(_first_use(document, first_seen[ident]))
            yield (*loc, "id"), f"duplicate {what} '{ident}'{where} ({'; '.join(notes)})"
        else:
            first_seen[ident] = loc


def _has_written_id(document: Document, loc: Loc) -> bool:
    return (*loc, "id") in document.lines


def _first_use(document: Document, loc: Loc) -> str:
    line = document.line_of((*loc, "id"))
    if _has_written_id(document, loc):
        return f"first used on line {line}"
    return f"first used on line {line}, by an option without an id, whose position is its id"


def _recommendation_rule_breaks(bank: Bank, dimension: Dimension, loc: Loc) -> Iterator[tuple[Loc, str]]:
    top = bank.level_count
    for level, steps in dimension.recommendations.items():
        if not 1 <= level < top:
            message = f"recommendations key {level} is not a level below the top one (use 1 to {top - 1}); {KEY_K}"
            yield (*loc, "recommendations", level), message
        for k, step in enumerate(steps):
            for question_id, option_ids in step.done_if.items():
                where = (*loc, "recommendations", level, k, "done_if", question_id)
                yield from _done_if_rule_breaks(bank, question_id, option_ids, where)


def _done_if_rule_breaks(bank: Bank, question_id: str, option_ids, loc: Loc) -> Iterator[tuple[Loc, str]]:
    question = bank.questions.get(question_id)
    if question is None:
        yield (
            loc,
            f"done_if names question '{question_id}', which is not in this bank{_close(question_id, bank.questions)}",
        )
        return
    if not isinstance(question, ScoredQuestion):
        yield loc, f"done_if names question '{question_id}', a text question; name a choice or multi question"
        return
    if not option_ids:
        yield loc, f"done_if for question '{question_id}' lists no options; list the answers that mean the step is done"
    for k, option_id in enumerate(option_ids):
        if option_id not in question.option_ids:
            known = ", ".join(question.option_ids)
            yield (*loc, k), f"'{option_id}' is not an option of question '{question_id}' (its options: {known})"


# Bank text is Markdown: an image in it is loaded by every browser that shows the page, and
# those pages' addresses carry private and share tokens. So a bank may show only images the
# app serves itself (a relative path) or carries inline (a data:image URI), never one fetched
# from elsewhere (a scheme such as https:, or //host, which browsers also read in /\host).
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_OUTSIDE = (
    "would be loaded from outside the app (and would learn the address of every page showing it, tokens "
    "included); use a path on this app or a data:image/png, gif, jpeg or webp URI"
)
_INLINE_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp)[;,]", re.IGNORECASE)


def _image_rule_breaks(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every Markdown image in any text of the bank whose source is not the app itself."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _image_rule_breaks(value, (*loc, key))
    elif isinstance(data, list):
        for k, value in enumerate(data):
            yield from _image_rule_breaks(value, (*loc, k))
    elif isinstance(data, str) and "![" in data:
        for src in _image_sources(data):
            if not _served_by_the_app(src):
                shown = src if len(src) <= 60 else src[:57] + "..."
                yield loc, f"image '{shown}' {_OUTSIDE}"


def _image_sources(text: str) -> list[str]:
    """The source of every image in Markdown text, as a Markdown renderer reads it (references included)."""
    found: list[str] = []
    pending = list(_markdown().parse(text))
    while pending:
        token = pending.pop(0)
        if token.type == "image":
            found.append(str(token.attrGet("src") or ""))
        pending[:0] = token.children or []
    return found


@functools.cache
def _markdown() -> Any:
    """A CommonMark reader that keeps every link as written (escapes and entities read): judging it is ours."""
    from markdown_it import MarkdownIt

    class Reader(MarkdownIt):
        def validateLink(self, url: str) -> bool:
            return True

        def normalizeLink(self, url: str) -> str:
            return url

    return Reader("commonmark", {"html": False})


def _served_by_the_app(src: str) -> bool:
    address = "".join(c for c in src if c not in "\t\n\r").strip()
    if _INLINE_IMAGE.match(address):
        return True
    if _SCHEME.match(address):
        return False
    return not (len(address) >= 2 and address[0] in "/\\" and address[1] in "/\\")


def _close(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def bank_warnings(bank: Bank) -> list[str]:
    """Advice on a valid bank: things that are allowed but rarely meant."""
    defaults = all(level.min_score is None for level in bank.levels[1:])
    if not defaults:
        return []
    return [
        "every level keeps the default min_score (level k from a score of exactly k), so a stage is reached "
        "only when every answer is at it; set min_score k - 0.5 on each level above the first to place a score "
        "on the nearest stage (see questions/README.md, 'How stages are set')"
    ]


def _question_rule_breaks(bank: Bank, question: Question, loc: Loc, document: Document) -> Iterator[tuple[Loc, str]]:
    if not isinstance(question, ScoredQuestion):
        return
    options = question.options
    if len(options) < 2:
        yield (*loc, "options"), f"question '{question.id}' needs at least 2 options, not {len(options)}"
    option_locs = (((*loc, "options", k), option.id) for k, option in enumerate(options))
    yield from _duplicates(option_locs, "option id", document, f" in question '{question.id}'")
    for k, option in enumerate(options):
        yield from _option_rule_breaks(bank, question, option, (*loc, "options", k))
    if question.type == "multi" and sum(bank.option_points.get(question.id, {}).values()) == 0:
        yield (*loc, "options"), f"the options of multi question '{question.id}' have points adding up to 0"


def _option_rule_breaks(bank: Bank, question: ScoredQuestion, option: Option, loc: Loc) -> Iterator[tuple[Loc, str]]:
    top = bank.level_count
    if question.type == "choice" and option.points is not None:
        yield (*loc, "points"), "'points' is for multi questions; a choice option takes 'score'"
    if question.type == "multi" and option.score is not None:
        yield (*loc, "score"), "'score' is for choice questions; a multi option takes 'points'"
    if question.type == "choice" and option.score is not None and not 1 <= option.score <= top:
        yield (*loc, "score"), f"score must be between 1 and {top} (the number of levels), not {option.score:g}"
