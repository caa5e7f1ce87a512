"""The engagement document (the JSON file an engagement exports and imports), as pydantic models.

Long because it is the export's one schema: every model of the document with its checks, in
the one place the JSON Schema files are generated from (`make schema`).

``EngagementDocument`` describes the whole file: its format, when it was exported, the
engagement's settings (with the consultant's department groups), the bank (its YAML text,
parsed and checked with ``scoring.validate.parse_bank``), every respondent with their answers
and the optional workshop consensus with its plan (targets and actions). Validating a document
checks all of it: each answer against the bank with ``scoring.answers.check_answer``, each
timestamp for a time zone, each date. What it
gives back is what the store takes (dates and timestamps parsed, a multi question's options
as a list); ``model_dump(mode="json")`` gives the document back exactly as exported.

``read_document`` validates an uploaded document and turns pydantic's ``ValidationError``
into ``EngagementImportError``, whose message says where each problem is and what is wrong,
e.g. ``consensus.reasons: unknown question 'x'`` or ``engagement.share_team must be true or
false, not 'yes'``.

The JSON Schema of the document is ``docs/engagement-document.schema.json``; regenerate it
with ``python -m threadline.reporting.engagement_document docs/engagement-document.schema.json``
(a test fails when it is stale).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from scoring.answers import Answer, as_stored, check_answer
from scoring.bank import Bank
from scoring.groups import check_merges
from scoring.validate import BankError, parse_bank
from threadline.storage import ACTION_STATUSES, MAX_ID_LENGTH, MAX_NOTE_LENGTH, AnswerValue, content_hash

FORMAT = "threadline-engagement"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "engagement-document.schema.json"
SCHEMA_COMMAND = "python -m threadline.reporting.engagement_document docs/engagement-document.schema.json"
MAX_PROBLEMS = 10
"""At most this many problems are named in one EngagementImportError."""

_CONTINUES = "engagement_document_continues"
"""An error whose message continues the sentence that names its place: ``where must be ...``."""
_PROBLEM = "engagement_document_problem"
"""An error whose message follows its place and a colon: ``where: unknown question 'x'``."""

_BANK: ContextVar[Bank | None] = ContextVar("engagement_document_bank", default=None)
"""The bank of the document being validated, once its ``bank`` part is valid (answers are checked against it)."""


class EngagementImportError(ValueError):
    """An engagement document that cannot be imported; the message says what is wrong and where."""


# --------------------------------------------------------------------------- errors


def _continues(text: str) -> PydanticCustomError:
    return PydanticCustomError(_CONTINUES, "{text}", {"text": text})


def _problem(text: str) -> PydanticCustomError:
    return PydanticCustomError(_PROBLEM, "{text}", {"text": text})


def _kind(value: object) -> str:
    """A short description of a JSON value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return repr(value[:80])
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return repr(value)


def problems(error: ValidationError) -> list[str]:
    """Each problem of a failed validation as ``where`` and what is wrong, in document order.

    The missing keys of one object are named together (``engagement lacks 'client',
    'round'``), and so are its unknown keys (``the document has unknown keys: 'extra'``).
    """
    found: list[str | tuple[str, tuple[str | int, ...]]] = []
    keys: dict[tuple[str, tuple[str | int, ...]], list[str]] = {}
    for line in error.errors():
        loc, kind = tuple(line["loc"]), line["type"]
        where = _where(loc)
        if kind in ("missing", "extra_forbidden"):
            group = (kind, loc[:-1])
            if group not in keys:
                found.append(group)
            keys.setdefault(group, []).append(repr(str(loc[-1])))
        elif kind == _CONTINUES:
            found.append(f"{where} {line['msg']}")
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            found.append(f"{where} must be a JSON object, not {_kind(line['input'])}")
        else:  # _PROBLEM, and pydantic's own messages should one get through
            found.append(f"{where}: {line['msg']}")
    return [entry if isinstance(entry, str) else _keys_sentence(*entry, keys[entry]) for entry in found]


def _keys_sentence(kind: str, loc: tuple[str | int, ...], keys: list[str]) -> str:
    if kind == "missing":
        return f"{_where(loc)} lacks {', '.join(keys)}"
    return f"{_where(loc)} has unknown keys: {', '.join(keys)}"


def _where(loc: tuple[str | int, ...]) -> str:
    """A place in the document: ``respondents[2].answers``; ``the document`` for the whole."""
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where or "the document"


def read_document(document: object) -> EngagementDocument:
    """``document`` (parsed JSON) as a checked ``EngagementDocument``, or EngagementImportError saying why not."""
    try:
        return EngagementDocument.model_validate(document)
    except ValidationError as error:
        found = problems(error)
        more = len(found) - MAX_PROBLEMS
        shown = found[:MAX_PROBLEMS] + ([f"and {more} more"] if more > 0 else [])
        raise EngagementImportError("; ".join(shown)) from None


# --------------------------------------------------------------------------- value types


def _json_type(check: Callable[[object], bool], described: str) -> BeforeValidator:
    """A validator that lets through what ``check`` accepts, and otherwise says ``must be {described}``."""

    def validate(value: object) -> object:
        if not check(value):
            raise _continues(f"must be {described}, not {_kind(value)}")
        return value

    return BeforeValidator(validate)


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _parsed(parse: Callable[[str], Any], described: str, *, nullable: bool = False) -> BeforeValidator:
    """A validator that turns a text into a value with ``parse``, naming ``described`` when it cannot."""

    def validate(value: object) -> object:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise _continues(f"must be {described}, not {_kind(value)}")
        try:
            return parse(value)
        except PydanticCustomError:  # a ValueError that already says what is wrong
            raise
        except ValueError:
            raise _continues(f"must be {described}, not {value!r}") from None

    return BeforeValidator(validate)


def _aware(text: str) -> datetime:
    """An ISO 8601 timestamp, which must have a time zone."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise _continues(f"must have a time zone (e.g. +00:00), not {text!r}")
    return parsed


def _one_of(*choices: str) -> BeforeValidator:
    described = " or ".join(repr(choice) for choice in choices)
    return _json_type(lambda value: isinstance(value, str) and value in choices, described)


def _short_text_or_null(value: object) -> object:
    if value is not None and not isinstance(value, str):
        raise _continues(f"must be a text or null, not {_kind(value)}")
    if isinstance(value, str) and len(value) > MAX_ID_LENGTH:
        raise _continues(f"is longer than {MAX_ID_LENGTH} characters")
    return value


def _texts(value: object) -> object:
    if not isinstance(value, list):
        raise _continues(f"must be a list of texts, not {_kind(value)}")
    if not value or not all(isinstance(item, str) for item in value):
        raise _continues("must be a non-empty list of texts")
    return value


def _two_or_more_texts(value: object) -> object:
    _texts(value)
    if len(value) < 2:  # type: ignore[arg-type]  # a list: _texts said so
        raise _continues("must name at least two departments")
    return value


_ISO_TIMESTAMP = "an ISO 8601 timestamp"
_ISO_DATE = "an ISO 8601 date (YYYY-MM-DD)"

Text = Annotated[str, _json_type(_is_text, "a text")]
ShortTextOrNull = Annotated[
    Annotated[str, StringConstraints(max_length=MAX_ID_LENGTH)] | None, BeforeValidator(_short_text_or_null)
]
Timestamp = Annotated[
    datetime,
    _parsed(_aware, _ISO_TIMESTAMP),
    PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
    Field(description="An ISO 8601 timestamp with a time zone, e.g. 2026-03-01T10:00:00+00:00."),
]
TimestampOrNull = Annotated[
    datetime | None,
    _parsed(_aware, _ISO_TIMESTAMP, nullable=True),
    PlainSerializer(lambda value: None if value is None else value.isoformat(), when_used="json"),
    Field(description="An ISO 8601 timestamp with a time zone, or null."),
]
DateOrNull = Annotated[date | None, _parsed(date.fromisoformat, _ISO_DATE, nullable=True)]


def _stored_value(answer: Answer) -> AnswerValue:
    """A checked answer as the store keeps it (a multi question's options as a list)."""
    return as_stored(answer)


def _checked_answers(value: object) -> object:
    """Answers checked against the document's bank, in the form the store keeps."""
    if not isinstance(value, dict):
        raise _continues(f"must be an object of question id to answer, not {_kind(value)}")
    bank = _BANK.get()
    if bank is None:  # the bank part is wrong (already reported) or absent: the types are checked only
        return value
    checked: dict[str, AnswerValue] = {}
    for question_id, given in value.items():
        try:
            checked[question_id] = _stored_value(check_answer(bank, question_id, given))
        except ValueError as error:
            raise _problem(str(error)) from None
    return checked


def _checked_reasons(value: object) -> object:
    """Reasons for questions of the document's bank (each reason is then checked to be a text)."""
    if not isinstance(value, dict):
        raise _continues(f"must be an object of question id to text, not {_kind(value)}")
    bank = _BANK.get()
    for question_id in value:
        if bank is not None and question_id not in bank.questions:
            raise _problem(f"unknown question {question_id!r}")
    return value


Answers = Annotated[
    dict[str, str | list[str] | None],
    BeforeValidator(_checked_answers),
    Field(
        description="Question id to answer: an option id (choice), a list of option ids (multi), "
        "a text (text) or null (not applicable), checked against the bank."
    ),
]
Reasons = Annotated[
    dict[str, Text],
    BeforeValidator(_checked_reasons),
    Field(description="Question id (of the bank) to the reason the workshop gave for its answer."),
]


def _checked_targets(value: object) -> object:
    """Target stages for dimensions of the document's bank, each a stage of the bank."""
    if not isinstance(value, dict):
        raise _continues(f"must be an object of dimension id to stage, not {_kind(value)}")
    bank = _BANK.get()
    for dimension_id, level in value.items():
        if not isinstance(level, int) or isinstance(level, bool):
            raise _problem(f"the target of {dimension_id!r} must be a whole number, not {_kind(level)}")
        if bank is None:
            continue
        if dimension_id not in {d.id for d in bank.dimensions}:
            raise _problem(f"unknown dimension {dimension_id!r}")
        if not 1 <= level <= bank.level_count:
            raise _problem(f"the target of {dimension_id!r} must be a stage from 1 to {bank.level_count}, not {level}")
    return value


def _bank_dimension(value: object) -> object:
    if not isinstance(value, str):
        raise _continues(f"must be a text, not {_kind(value)}")
    bank = _BANK.get()
    if bank is not None and value not in {d.id for d in bank.dimensions}:
        raise _problem(f"unknown dimension {value!r}")
    return value


def _action_text(value: object) -> object:
    if not isinstance(value, str):
        raise _continues(f"must be a text, not {_kind(value)}")
    if not value.strip() or len(value) > MAX_NOTE_LENGTH:
        raise _continues(f"must be 1 to {MAX_NOTE_LENGTH} characters")
    return value


def _owner_text(value: object) -> object:
    if not isinstance(value, str):
        raise _continues(f"must be a text, not {_kind(value)}")
    if len(value) > MAX_ID_LENGTH:
        raise _continues(f"is longer than {MAX_ID_LENGTH} characters")
    return value


Targets = Annotated[
    dict[str, int],
    BeforeValidator(_checked_targets),
    Field(description="Dimension id (of the bank) to the target stage the workshop agreed (1 to the bank's stages)."),
]


# --------------------------------------------------------------------------- models


class _Part(BaseModel):
    """Every part is a JSON object with exactly its keys, none optional but those added since version 1.

    A key added later (the engagement's department groups, the consensus plan) has a default, so
    a document exported before it imports as it did.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class GroupPart(_Part):
    """A named group of departments (e.g. "Leadership and other") that the client's views count as one."""

    name: Text
    members: Annotated[list[str], BeforeValidator(_two_or_more_texts), Field(min_length=2)]


class EngagementPart(_Part):
    """The engagement's settings."""

    client: Text
    consultant: Text
    logo_text: Text
    departments: Annotated[list[str], BeforeValidator(_texts), Field(min_length=1)]
    closes_on: DateOrNull
    status: Annotated[Literal["open", "closed"], _one_of("open", "closed")]
    share_team: Annotated[bool, _json_type(lambda value: isinstance(value, bool), "true or false")]
    round: Annotated[
        int, _json_type(lambda value: isinstance(value, int) and not isinstance(value, bool), "a whole number")
    ]
    department_groups: Annotated[
        list[GroupPart],
        _json_type(lambda value: isinstance(value, list), "a list"),
        Field(
            default_factory=list,
            description="The consultant's named groups of departments, counted as one in what the client sees.",
        ),
    ]

    @field_validator("department_groups")
    @classmethod
    def _groups_of_the_departments(cls, groups: list[GroupPart], info: ValidationInfo) -> list[GroupPart]:
        """Each group names two or more of the engagement's departments, each department in one group at most."""
        if "departments" in info.data:
            try:
                check_merges(info.data["departments"], [(group.name, group.members) for group in groups])
            except ValueError as error:
                raise _problem(str(error)) from None
        return groups


class BankPart(_Part):
    """The question bank: its id and version, the SHA-256 hash of its YAML text, and the text."""

    id: Text
    version: Text
    content_hash: Annotated[Text, Field(description="SHA-256 hex digest of the UTF-8 content.")]
    content: Annotated[Text, Field(description="The bank's YAML text, exactly as stored.")]

    @field_validator("content")
    @classmethod
    def _valid_bank(cls, content: str, info: ValidationInfo) -> str:
        """The text matches its hash, is a valid bank, and is the bank that id and version name."""
        if "content_hash" in info.data and content_hash(content) != info.data["content_hash"]:
            raise _continues("does not match bank.content_hash: the bank was changed after the export")
        try:
            bank = parse_bank(content, "bank.content")
        except BankError as error:
            raise _continues("is not a valid bank: " + "; ".join(error.lines())) from None
        named = (info.data.get("id"), info.data.get("version"))
        if None not in named and named != (bank.id, bank.version):
            raise _continues(
                f"is bank {bank.id!r} version {bank.version!r}, but bank.id and bank.version say "
                f"{named[0]!r} {named[1]!r}"
            )
        _BANK.set(bank)
        return content


class RespondentPart(_Part):
    """One respondent: department, name (null: anonymous), status, timestamps and answers."""

    department: ShortTextOrNull
    respondent: ShortTextOrNull
    status: Annotated[Literal["in_progress", "submitted"], _one_of("in_progress", "submitted")]
    created_at: Timestamp
    submitted_at: TimestampOrNull
    answers: Answers

    @model_validator(mode="after")
    def _submitted_when_submitted(self) -> RespondentPart:
        if self.status == "submitted" and self.submitted_at is None:
            raise _continues("is submitted but has no submitted_at")
        return self


class ActionPart(_Part):
    """One action of the consensus plan: its dimension, what, who, by when, and how far it is."""

    dimension_id: Annotated[str, BeforeValidator(_bank_dimension)]
    text: Annotated[str, BeforeValidator(_action_text)]
    owner: Annotated[str, BeforeValidator(_owner_text)]
    due_on: DateOrNull
    status: Annotated[Literal["open", "in_progress", "done"], _one_of(*ACTION_STATUSES)]


class ConsensusPart(_Part):
    """What the workshop agreed: answers, the reasons given for some of them, and the plan."""

    answers: Answers
    reasons: Reasons
    targets: Annotated[Targets, Field(default_factory=dict)]
    actions: Annotated[
        list[ActionPart],
        _json_type(lambda value: isinstance(value, list), "a list"),
        Field(default_factory=list, description="The plan's actions, per dimension in the plan's order."),
    ]


class EngagementDocument(_Part):
    """A Threadline engagement export: everything but links and database ids."""

    model_config = ConfigDict(title="Threadline engagement document")

    format: Literal["threadline-engagement"]
    format_version: Literal[1]
    exported_at: Timestamp
    engagement: EngagementPart
    bank: BankPart
    respondents: Annotated[list[RespondentPart], _json_type(lambda value: isinstance(value, list), "a list")]
    consensus: ConsensusPart | None

    @model_validator(mode="wrap")
    @classmethod
    def _an_export_with_its_bank(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> EngagementDocument:
        """Only a Threadline export of this version is read; its answers are checked against its own bank."""
        if not isinstance(data, Mapping | EngagementDocument):
            raise _continues(f"must be a JSON object, not {_kind(data)}")
        if isinstance(data, Mapping):
            if data.get("format") != FORMAT:
                raise _continues(
                    f"is not a Threadline engagement export: 'format' is {data.get('format')!r}, not {FORMAT!r}"
                )
            if data.get("format_version") != FORMAT_VERSION:
                raise _continues(
                    f"has unsupported format_version {data.get('format_version')!r}: this Threadline reads "
                    f"version {FORMAT_VERSION}"
                )
        with _own_bank():
            return handler(data)


SERIES_FORMAT = "threadline-engagement-series"
SERIES_FORMAT_VERSION = 1


class SeriesDocument(_Part):
    """An engagement exported with all its rounds: one engagement document per round, first round first."""

    model_config = ConfigDict(title="Threadline engagement series document")

    format: Literal["threadline-engagement-series"]
    format_version: Literal[1]
    exported_at: Timestamp
    rounds: Annotated[list[EngagementDocument], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _a_series_export(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("format_version") != SERIES_FORMAT_VERSION:
            raise _continues(
                f"has unsupported format_version {data.get('format_version')!r}: this Threadline reads "
                f"version {SERIES_FORMAT_VERSION}"
            )
        return data


def read_series(document: object) -> SeriesDocument:
    """``document`` (parsed JSON) as a checked ``SeriesDocument``, or EngagementImportError saying why not."""
    try:
        return SeriesDocument.model_validate(document)
    except ValidationError as error:
        found = problems(error)
        more = len(found) - MAX_PROBLEMS
        shown = found[:MAX_PROBLEMS] + ([f"and {more} more"] if more > 0 else [])
        raise EngagementImportError("; ".join(shown)) from None


@contextmanager
def _own_bank() -> Iterator[None]:
    """Answers validated inside see only the bank of the document being validated."""
    token = _BANK.set(None)
    try:
        yield
    finally:
        _BANK.reset(token)


# --------------------------------------------------------------------------- JSON Schema


def schema_text() -> str:
    """The JSON Schema of an engagement document, as written to ``docs/engagement-document.schema.json``."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **EngagementDocument.model_json_schema()}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {SCHEMA_COMMAND}")
    Path(sys.argv[1]).write_text(schema_text(), encoding="utf-8")
