"""An engagement as one Excel workbook (openpyxl): responses, scores by department, the plan.

Client-safe by default: what ``TeamView.client_safe`` keeps and nothing more. The Responses sheet
then holds only submitted respondents of the departments the client may see (numbered afresh,
without names or free-text answers, which can name people); the Scores sheet the team
("Everyone"), each shown department and the workshop's consensus; the Plan sheet the consensus
plan. A department under ``MIN_GROUP`` (or one that would reveal such a group by subtraction)
appears nowhere, not even by name. ``full=True`` is the consultant's own copy: every respondent
(started ones too) with their name, department and free-text answers, every department; the
dashboard offers it only behind a warning.

Cells. Text is written as text (``data_type`` ``s``), so a cell holding ``=HYPERLINK(...)`` shows
those characters and never runs: Excel evaluates only formula cells, and openpyxl would otherwise
store text that starts with ``=`` as a formula. Characters XML cannot hold (control characters)
are dropped. Scores are numbers (two decimals shown, full precision kept); timestamps are UTC.
No Streamlit and no SQL here: the caller reads the store.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from scoring.answers import NA, Responses, as_answers, check_answer
from scoring.bank import Bank, Question
from scoring.engine import Result, level_of, overall_level_of, question_score, score
from scoring.plan import plan
from scoring.team import TeamView
from threadline.reporting.result_export import answer_text
from threadline.reporting.summary import default_targets
from threadline.storage import AnswerValue, EngagementRecord, Respondent, Store

EVERYONE = "Everyone"
CONSENSUS = "Workshop consensus"
NO_CONSENSUS = "No answers agreed in the workshop yet: the plan is drawn from the workshop's consensus."
SCORE_FORMAT = "0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Consensus:
    """The workshop's agreed answers (as stored) and their reasons."""

    answers: Mapping[str, AnswerValue]
    reasons: Mapping[str, str]


def engagement_workbook(
    bank: Bank,
    respondents: Sequence[Respondent],
    answers: Mapping[int, Mapping[str, AnswerValue]],
    view: TeamView | None,
    consensus: Consensus | None,
    *,
    full: bool = False,
) -> bytes:
    """The workbook as .xlsx bytes: sheets Responses, Scores and Plan (see the module docstring)."""
    shown = view if view is None or full else view.client_safe()
    workbook = Workbook()
    responses = workbook.active
    assert responses is not None  # a new workbook has one sheet
    responses.title = "Responses"
    _responses_sheet(responses, bank, _rows_of(respondents, shown, full), answers, full)
    agreed = as_answers(consensus.answers) if consensus is not None else {}
    result = _consensus_result(bank, agreed) if agreed else None
    _scores_sheet(workbook.create_sheet("Scores"), bank, shown, result)
    _plan_sheet(workbook.create_sheet("Plan"), bank, result, agreed, consensus)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _consensus_result(bank: Bank, agreed: Mapping[str, Any]) -> Result:
    """The consensus scored as the results page scores it: with the default targets (overall stage + 1)."""
    plain = score(bank, Responses(dict(agreed)))
    return score(bank, Responses(dict(agreed), default_targets(bank, plain)))


def _rows_of(respondents: Sequence[Respondent], view: TeamView | None, full: bool) -> list[Respondent]:
    """Everyone for the full copy; for the client the submitted ones of shown departments, by department."""
    if full:
        return list(respondents)
    if view is None:
        return []
    order = {name: k for k, name in enumerate(view.departments.names)}
    kept = [r for r in respondents if r.status == "submitted" and (r.department or "") in order]
    return sorted(kept, key=lambda r: order[r.department or ""])


def _responses_sheet(
    sheet: Worksheet,
    bank: Bank,
    rows: list[Respondent],
    answers: Mapping[int, Mapping[str, AnswerValue]],
    full: bool,
) -> None:
    """One row per respondent, two columns per question: the answer in words and its score."""
    questions = [q for q in bank.questions.values() if full or q.is_scored]
    person = ["Respondent", "Department", *(["Name", "Status", "Submitted (UTC)"] if full else [])]
    header: list[str] = list(person)
    for question in questions:
        header += (
            [f"{question.id}: answer"]
            if question.type == "text"
            else [f"{question.id}: answer", f"{question.id}: score"]
        )
    _write_row(sheet, 1, header, bold=True)
    _write_row(sheet, 2, [*([""] * len(person)), *_question_texts(questions)], bold=False)
    for line, respondent in enumerate(rows, start=3):
        given = answers.get(respondent.assessment_id, {})
        cells: list[Any] = [line - 2, respondent.department or ""]
        if full:
            cells += [respondent.respondent or "", respondent.status, _utc(respondent.submitted_at)]
        for question in questions:
            cells += _answer_cells(bank, question, given)
        _write_row(sheet, line, cells)
    sheet.freeze_panes = sheet.cell(3, len(person) + 1)


def _question_texts(questions: list[Question]) -> list[str]:
    texts: list[str] = []
    for question in questions:
        texts += [question.text] if question.type == "text" else [question.text, ""]
    return texts


def _answer_cells(bank: Bank, question: Question, given: Mapping[str, AnswerValue]) -> list[Any]:
    """The answer in words (N/A, the option, the ticked options joined by '; ') and its score."""
    if question.id not in given:
        return [None] if question.type == "text" else [None, None]
    value = given[question.id]
    if question.type == "text":
        return [value if isinstance(value, str) else None]
    try:
        answer = check_answer(bank, question.id, value)
    except ValueError:  # not an option of this bank any more: as stored, without a score
        return [";".join(value) if isinstance(value, list) else str(value), None]
    words = answer_text(question, {question.id: answer})
    return [words, None if answer is NA else question_score(bank, question, answer)]


def _scores_sheet(sheet: Worksheet, bank: Bank, view: TeamView | None, consensus: Result | None) -> None:
    """Rows: Everyone, each department shown, the consensus; columns: n, overall score and stage, each dimension."""
    _write_row(
        sheet,
        1,
        ["Group", "Respondents", "Overall score", "Overall stage", *(d.title for d in bank.dimensions)],
        bold=True,
    )
    line = 2
    if view is not None:
        everyone = int(view.departments.count.sum()) + view.departments.withheld
        stage = bank.levels[view.overall_level - 1].name if view.overall_level else None
        _write_row(
            sheet, line, [EVERYONE, everyone, _figure(view.overall_mean), stage, *map(_figure, view.dimensions.mean)]
        )
        line += 1
        departments = view.departments
        for k, name in enumerate(departments.names):
            if departments.count[k] == 0:
                continue
            overall = _figure(departments.overall_means[k])
            row = [
                name,
                int(departments.count[k]),
                overall,
                _stage(bank, overall, departments.dimension_means[k]),
                *map(_figure, departments.dimension_means[k]),
            ]
            _write_row(sheet, line, row)
            line += 1
    if consensus is not None:
        by_dimension = {d.id: d.score for d in consensus.dimensions}
        row = [
            CONSENSUS,
            None,
            consensus.score,
            consensus.level_name,
            *(by_dimension.get(d.id) for d in bank.dimensions),
        ]
        _write_row(sheet, line, row)
    for column in sheet.iter_cols(min_row=2, min_col=3):
        for cell in column:
            if isinstance(cell.value, float):
                cell.number_format = SCORE_FORMAT


def _plan_sheet(
    sheet: Worksheet, bank: Bank, result: Result | None, agreed: Mapping[str, Any], consensus: Consensus | None
) -> None:
    """The consensus plan: every dimension's steps, most pressing first, with the agreed answer and why."""
    _write_row(
        sheet,
        1,
        ["Start here", "Dimension", "Question", "Agreed answer", "Score", "Next step", "Why agreed"],
        bold=True,
    )
    if result is None or consensus is None:
        _write_row(sheet, 2, [None, NO_CONSENSUS])
        return
    made = plan(bank, result, agreed)
    first = {(step.question_id, step.option_id): n for n, step in enumerate(made.start_here, start=1)}
    line = 2
    for part in made.dimensions:
        for step in part.steps:
            question = bank.questions[step.question_id]
            row = [
                first.get((step.question_id, step.option_id)),
                part.title,
                question.text,
                answer_text(question, agreed),
                step.answer_score,
                step.text,
                consensus.reasons.get(step.question_id),
            ]
            _write_row(sheet, line, row)
            line += 1
        for recommendation in part.recommendations:
            _write_row(sheet, line, [None, part.title, "(for the whole dimension)", None, None, recommendation, None])
            line += 1


def _write_row(sheet: Worksheet, line: int, values: Sequence[Any], bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(line, column)
        if isinstance(value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.data_type = "s"  # text, never a formula, whatever it starts with
        else:
            cell.value = value
            if isinstance(value, datetime):
                cell.number_format = TIME_FORMAT
        if bold:
            cell.font = Font(bold=True)


def _figure(value: float) -> float | None:
    """A mean for a cell: None where there is none."""
    return None if value is None or np.isnan(value) else float(value)


class _Level(NamedTuple):
    """What the engine's weakest-link rule reads of a dimension."""

    id: str
    weight: float
    level: int | None


def _stage(bank: Bank, overall: float | None, dimension_means: np.ndarray) -> str | None:
    """The stage of a group's dimension means, by the bank's rule (weakest link included), as for the team."""
    if overall is None:
        return None
    levels = [
        _Level(d.id, d.weight, level_of(bank, float(m)))
        for m, d in zip(dimension_means, bank.dimensions, strict=True)
        if not np.isnan(m)
    ]
    level, _ = overall_level_of(bank, level_of(bank, overall), levels)
    return None if level is None else bank.levels[level - 1].name


def _utc(moment: datetime | None) -> datetime | None:
    """Excel has no time zones: a UTC timestamp without its zone."""
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def workbook_bytes(
    store: Store, engagement: EngagementRecord, bank: Bank, view: TeamView | None, dashboard_token: str, *, full: bool
) -> bytes:
    """`engagement_workbook` of an engagement as stored now (the consensus opened by the dashboard token)."""
    consensus_id, _ = store.consensus_assessment(engagement.id, dashboard_token)
    agreed = store.assessment(consensus_id).answers
    reasons = store.reasons(consensus_id)
    return engagement_workbook(
        bank,
        store.respondents(engagement.id),
        store.respondent_answers([engagement.id], submitted_only=False),
        view,
        Consensus(agreed, reasons) if agreed else None,
        full=full,
    )
