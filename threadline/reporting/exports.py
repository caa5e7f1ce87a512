"""Exports of an engagement: two CSV files for Excel, and a JSON document that imports again.

CSV files. ``responses_csv`` has one row per respondent and question; ``scores_csv`` the
aggregated scores per dimension, for everyone and for each department the client may see
(departments under ``MIN_GROUP`` respondents are left out: the file goes to the client). Both
are UTF-8 with a byte-order mark (``utf-8-sig``), so that Excel opens accents correctly, with
the csv module's defaults (comma, double quotes, CRLF line endings) except that every cell is
quoted (``csv.QUOTE_ALL``). Numbers are written with at most four decimals and a dot as
decimal separator. ``SEMICOLON`` is the layout for an Excel set to a decimal-comma locale
(Germany, Austria, Switzerland, the Nordics, most of continental Europe): there Excel opens a
``.csv`` by splitting on its list separator, the semicolon, and reads ``3,5`` as a number, so a
comma-separated file lands in one column and ``3.5`` becomes a date or text. That layout
separates with ``;`` and writes decimal commas (``3,5``); nothing else changes (the same
encoding, quoting and formula guard; only numbers the export computes get the comma, never text
a person typed). ``COMMA`` stays the default: it is what every other program reads.

Formula injection. Respondents' names, free-text answers, department and client names are
typed by people outside the consultant's control and end up in a spreadsheet, where a cell
starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some programs
skip before one of those) is run as a formula, e.g. ``=HYPERLINK("http://evil", "click")``.
Every such cell is written with a single quote in front (``'=HYPERLINK(...)``), which Excel
and LibreOffice show as text, and so is every piece of a cell that starts with one of those
after a ``;``, a ``,`` or a line break (see below). No number in these files starts with one of those characters
(scores lie in [1, L]), so only text is ever changed. Quoting every cell keeps the guard
in an Excel whose list separator is a semicolon (most of continental Europe): unquoted,
``x;=1+1;`` has no comma, and such an Excel splits it on ``;`` into a cell ``=1+1``, which it
runs; quoted, it stays one cell whatever the separator.

JSON. ``engagement_document`` is the whole engagement (its settings, the bank's text, every
respondent with their answers, the department groups, the workshop consensus and its plan)
without any token or database id;
``import_engagement`` checks such a document completely before it writes anything and
creates a new engagement from it (new links, its own series, so round 1), keeping the
respondents' timestamps. Anything wrong raises ``EngagementImportError`` naming it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from scoring.answers import NA, NA_LABEL, check_answer
from scoring.bank import Bank, Question
from scoring.engine import level_of, question_score
from scoring.team import NA_COLUMN, TeamView
from scoring.validate import parse_bank
from threadline.reporting.engagement_document import (
    FORMAT,
    FORMAT_VERSION,
    ConsensusPart,
    EngagementDocument,
    read_document,
)
from threadline.reporting.engagement_document import EngagementImportError as EngagementImportError  # re-exported
from threadline.storage import AnswerValue, EngagementRecord, Respondent, Store

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MULTI_SEPARATOR = ";"

RESPONSE_COLUMNS = (
    "respondent",
    "department",
    "name",
    "status",
    "submitted_at",
    "dimension_id",
    "dimension",
    "question_id",
    "question",
    "type",
    "option_id",
    "option_text",
    "text",
    "score",
)
SCORE_COLUMNS = (
    "department",
    "respondents",
    "dimension_id",
    "dimension",
    "mean",
    "min",
    "max",
    "sd",
    "alignment",
    "level_name",
)
EVERYONE = "Everyone"
TEAM_ONLY = ("", "", "", "")
"""min, max, sd and alignment: team figures, left empty on department rows."""

# --------------------------------------------------------------------------- file names


def file_slug(client: str, round: int) -> str:
    """A safe file name stem for an engagement's exports, e.g. ``acme-ltd-round-1``.

    ASCII letters, digits and hyphens only (accents are dropped, ``Café`` gives ``cafe``);
    ``engagement`` stands in for a client name with nothing left.
    """
    ascii_text = unicodedata.normalize("NFKD", client).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return f"{words or 'engagement'}-round-{int(round)}"


# --------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file separates its cells and writes a decimal number."""

    delimiter: str
    decimal: str


COMMA = CsvLayout(",", ".")
"""The default: comma-separated, decimal point (Excel in English, most other programs)."""
SEMICOLON = CsvLayout(";", ",")
"""For Excel in a decimal-comma locale (Germany, the Nordics...): semicolon-separated, decimal comma."""


# A formula start at the start of the cell, or after a separator another spreadsheet may split
# on (a semicolon, a comma, a line break), even behind double quotes; and a separator that ends
# the cell, where the piece after it would start with the closing double quote and swallow the
# line break as a quoted cell.
_FORMULA_AT_A_CELL_START = re.compile(r'(^|[;,\r\n])("*)(?=[=+\-@\t\r])|([;,\r\n])("*)$')


def csv_cell(value: object) -> str:
    """One CSV cell: None is empty; a quote goes before every formula start a spreadsheet may see.

    That is the cell's start and, for an Excel that splits on semicolons (or meets a line
    break outside quotes), the start of each piece after a ``;``, ``,`` or line break, and
    after one that ends the cell: ``x;=1+1;`` is written ``x;'=1+1;'``.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _FORMULA_AT_A_CELL_START.sub(_quoted, text)


def _quoted(found: re.Match[str]) -> str:
    separator, quotes = (found.group(1), found.group(2)) if found.group(3) is None else (found.group(3), found.group(4))
    return separator + quotes + "'"


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], layout: CsvLayout = COMMA) -> bytes:
    """A CSV file as UTF-8 with a byte-order mark, CRLF line endings, every cell quoted and guarded.

    A float cell is a figure: at most four decimals, with the layout's decimal separator.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=layout.delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([csv_cell(_cell_text(value, layout)) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _cell_text(value: object, layout: CsvLayout) -> object:
    if isinstance(value, float):
        return number(value).replace(".", layout.decimal)
    return value


def number(value: float | None) -> str:
    """A figure for a CSV cell: at most four decimals, empty for None or NaN."""
    if value is None or np.isnan(value):
        return ""
    return f"{round(float(value), 4):g}"


def _figure(value: float | None) -> float | None:
    """A computed figure for a CSV cell (written by `csv_bytes` in the file's layout)."""
    return None if value is None else float(value)


def responses_csv(store: Store, engagement: EngagementRecord, bank: Bank, layout: CsvLayout = COMMA) -> bytes:
    """Every respondent (started or submitted) and every question of the bank, one row each.

    Respondents are numbered 1..N in the order they joined; see ``RESPONSE_COLUMNS``.
    """
    respondents = store.respondents(engagement.id)
    answers = store.respondent_answers([engagement.id], submitted_only=False)
    rows = (
        _response_row(bank, number_, respondent, question, answers.get(respondent.assessment_id, {}))
        for number_, respondent in enumerate(respondents, start=1)
        for question in bank.questions.values()
    )
    return csv_bytes(RESPONSE_COLUMNS, rows, layout)


def _response_row(
    bank: Bank, position: int, respondent: Respondent, question: Question, given: Mapping[str, AnswerValue]
) -> list[object]:
    """One respondent's row for one question."""
    dimension = bank.dimension_of[question.id]
    submitted = respondent.submitted_at.isoformat() if respondent.submitted_at else None
    person = [position, respondent.department, respondent.respondent, respondent.status, submitted]
    asked = [dimension.id, dimension.title, question.id, question.text, question.type]
    return [*person, *asked, *_answer_cells(bank, question, given)]


def _answer_cells(bank: Bank, question: Question, given: Mapping[str, AnswerValue]) -> list[object]:
    """option_id, option_text, text and score of one stored answer (all empty when unanswered)."""
    if question.id not in given:
        return ["", "", "", ""]
    value = given[question.id]
    if value is NA:
        return [NA_COLUMN, NA_LABEL, "", ""]
    if question.type == "text":
        return ["", "", value if isinstance(value, str) else json.dumps(value), ""]
    try:
        answer = check_answer(bank, question.id, value)
    except ValueError:  # not an option of this bank: shown as stored, without a score
        raw = MULTI_SEPARATOR.join(map(str, value)) if isinstance(value, list) else str(value)
        return [raw, "", "", ""]
    chosen = (answer,) if isinstance(answer, str) else answer or ()  # never NA here: a stored null returned above
    labels = {option.id: option.label for option in question.options}
    return [
        MULTI_SEPARATOR.join(chosen),
        MULTI_SEPARATOR.join(labels[option_id] for option_id in chosen),
        "",
        _figure(question_score(bank, question, answer)),
    ]


def scores_csv(bank: Bank, view: TeamView, layout: CsvLayout = COMMA) -> bytes:
    """The mean score per dimension for everyone, then each department the client may see.

    Departments come from ``view.client_safe()``, so a group under ``MIN_GROUP`` respondents
    never appears. min, max, sd and alignment are team figures: empty on department rows.
    """
    safe = view.client_safe()
    return csv_bytes(SCORE_COLUMNS, [*_team_rows(bank, safe), *_department_rows(bank, safe)], layout)


def _team_rows(bank: Bank, view: TeamView) -> list[list[object]]:
    """The 'Everyone' row of each dimension."""
    stats = view.dimensions
    everyone = int(view.departments.count.sum()) + view.departments.withheld
    return [
        [
            EVERYONE,
            everyone,
            dimension.id,
            dimension.title,
            _figure(stats.mean[d]),
            *map(_figure, (stats.minimum[d], stats.maximum[d], stats.sd[d], stats.alignment[d])),
            _level_name(bank, stats.mean[d]),
        ]
        for d, dimension in enumerate(bank.dimensions)
    ]


def _department_rows(bank: Bank, view: TeamView) -> list[list[object]]:
    """Each shown department's row of each dimension."""
    departments = view.departments
    means = departments.dimension_means
    return [
        [
            name,
            int(departments.count[k]),
            dimension.id,
            dimension.title,
            _figure(means[k, d]),
            *TEAM_ONLY,
            _level_name(bank, means[k, d]),
        ]
        for k, name in enumerate(departments.names)
        for d, dimension in enumerate(bank.dimensions)
    ]


def _level_name(bank: Bank, mean: float) -> str:
    """The name of the level of a mean score; empty when there is none."""
    level = None if np.isnan(mean) else level_of(bank, float(mean))
    return "" if level is None else bank.levels[level - 1].name


# --------------------------------------------------------------------------- JSON export


def engagement_json_bytes(store: Store, engagement_id: int, dashboard_token: str) -> bytes:
    """``engagement_document`` as indented UTF-8 JSON."""
    document = engagement_document(store, engagement_id, dashboard_token)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def engagement_document(store: Store, engagement_id: int, dashboard_token: str) -> dict[str, Any]:
    """The whole engagement as one JSON-ready document (no tokens, no database ids).

    The dashboard token must be the engagement's current one (PermissionError otherwise): it
    opens the workshop consensus, which this creates (empty) if the workshop never started.
    """
    consensus_id, _ = store.consensus_assessment(engagement_id, dashboard_token)
    return round_document(store, engagement_id, consensus_id)


def round_document(store: Store, engagement_id: int, consensus_id: int | None) -> dict[str, Any]:
    """One round's document, with the consensus of that id (None: the round has none)."""
    record = store.engagement(engagement_id)
    content = store.bank_content(record.bank_hash)
    if content is None:
        raise LookupError(f"the bank of engagement {engagement_id} is not stored")
    bank = parse_bank(content)
    answers = store.respondent_answers([engagement_id], submitted_only=False)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "engagement": _engagement_part(record),
        "bank": {"id": bank.id, "version": bank.version, "content_hash": record.bank_hash, "content": content},
        "respondents": [
            _respondent_part(respondent, answers.get(respondent.assessment_id, {}))
            for respondent in store.respondents(engagement_id)
        ],
        "consensus": None if consensus_id is None else _consensus_part(store, engagement_id, consensus_id),
    }


def _engagement_part(record: EngagementRecord) -> dict[str, Any]:
    """The engagement's settings."""
    return {
        "client": record.client,
        "consultant": record.consultant,
        "logo_text": record.logo_text,
        "departments": list(record.departments),
        "closes_on": record.closes_on.isoformat() if record.closes_on else None,
        "status": record.status,
        "share_team": record.share_team,
        "round": record.round,
        "department_groups": [{"name": name, "members": list(members)} for name, members in record.department_groups],
    }


def _respondent_part(respondent: Respondent, given: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """One respondent: department, name (None: anonymous), status, timestamps, answers."""
    return {
        "department": respondent.department,
        "respondent": respondent.respondent,
        "status": respondent.status,
        "created_at": respondent.created_at.isoformat(),
        "submitted_at": respondent.submitted_at.isoformat() if respondent.submitted_at else None,
        "answers": {question_id: given[question_id] for question_id in sorted(given)},
    }


def _consensus_part(store: Store, engagement_id: int, assessment_id: int) -> dict[str, Any] | None:
    """The agreed answers and reasons, and the plan (targets, actions); None when the workshop recorded nothing."""
    consensus = store.assessment(assessment_id)
    given, targets = consensus.answers, consensus.targets or {}
    reasons = store.reasons(assessment_id)
    actions = store.actions(engagement_id)
    if not given and not reasons and not targets and not actions:
        return None
    return {
        "answers": {question_id: given[question_id] for question_id in sorted(given)},
        "reasons": {question_id: reasons[question_id] for question_id in sorted(reasons)},
        "targets": {dimension_id: targets[dimension_id] for dimension_id in sorted(targets)},
        "actions": [
            {
                "dimension_id": action.dimension_id,
                "text": action.text,
                "owner": action.owner,
                "due_on": action.due_on.isoformat() if action.due_on else None,
                "status": action.status,
            }
            for action in actions
        ],
    }


# --------------------------------------------------------------------------- JSON import


def load_document(data: bytes) -> dict[str, Any]:
    """Read an uploaded engagement file: at most ``MAX_DOCUMENT_BYTES`` of JSON holding an object."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise EngagementImportError(
            f"the file is {len(data) / 2**20:.1f} MiB; an engagement export is at most "
            f"{MAX_DOCUMENT_BYTES // 2**20} MiB"
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise EngagementImportError("the file is not UTF-8 text, so not a Threadline engagement export") from None
    except json.JSONDecodeError as error:
        raise EngagementImportError(
            f"the file is not JSON (line {error.lineno}, column {error.colno}: {error.msg}), "
            "so not a Threadline engagement export"
        ) from None
    if not isinstance(document, dict):
        raise EngagementImportError("the file holds JSON but not an object, so not a Threadline engagement export")
    return document


def import_engagement(store: Store, document: object) -> tuple[EngagementRecord, str, str]:
    """Create a new engagement from an exported document; return it, its invite and dashboard tokens.

    The whole document is checked first with ``engagement_document.read_document`` (nothing is
    written if any part is wrong); then the bank is stored, the engagement created (new links,
    its own series), its department groups, status and team sharing set, every respondent
    imported with their timestamps, and the consensus answers, reasons, targets and actions
    recorded, all in one transaction: a write the database refuses half-way leaves nothing.
    """
    checked = read_document(document)
    with store.atomic():
        return import_round(store, checked)


def import_round(
    store: Store, checked: EngagementDocument, series_id: int | None = None, where: str = "engagement"
) -> tuple[EngagementRecord, str, str]:
    """Create one round from a checked document (the next round of ``series_id``, or a new series)."""
    bank_hash = store.put_bank(checked.bank.content, checked.bank.id, checked.bank.version)
    settings = checked.engagement
    try:
        record, invite, dashboard = store.create_engagement(
            bank_hash,
            settings.client,
            settings.consultant,
            settings.logo_text,
            settings.departments,
            settings.closes_on,
            series_id=series_id,
        )
    except (TypeError, ValueError) as error:
        raise EngagementImportError(f"{where}: {error}") from None
    if settings.department_groups:  # checked against the departments with the document
        store.set_department_groups(record.id, [(group.name, group.members) for group in settings.department_groups])
    for respondent in checked.respondents:
        store.import_respondent(
            record.id,
            respondent.department,
            respondent.respondent,
            respondent.status,
            respondent.answers,
            respondent.created_at,
            respondent.submitted_at,
        )
    _import_consensus(store, record.id, dashboard, checked.consensus)
    if settings.share_team:
        store.set_share_team(record.id, True)
    if settings.status != "open":
        store.set_engagement_status(record.id, settings.status)
    return store.engagement(record.id), invite, dashboard


def _import_consensus(store: Store, engagement_id: int, dashboard: str, consensus: ConsensusPart | None) -> None:
    """Record the consensus answers, reasons, targets and actions (nothing when the document has none)."""
    if consensus is None:
        return
    assessment_id, _ = store.consensus_assessment(engagement_id, dashboard)
    for question_id, value in consensus.answers.items():
        store.save_answer(assessment_id, question_id, value)
    for question_id, reason in consensus.reasons.items():
        store.save_reason(assessment_id, question_id, reason)
    if consensus.targets:
        store.set_targets(assessment_id, consensus.targets)
    for action in consensus.actions:  # in the document's order: each dimension's list keeps its order
        store.add_action(engagement_id, action.dimension_id, action.text, action.owner, action.due_on, action.status)
