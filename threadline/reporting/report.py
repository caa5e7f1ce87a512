"""The self-assessment report's content: what the results page says, as data for the PDF template.

Pure functions of a bank, the answers and the owner's settings, so the report is tested without
Streamlit or a browser. Every sentence comes from the same helpers the results page uses
(`threadline.reporting.summary`, `chart_text`, `result_export`, `scoring.plan`), and the charts are
the page's own figures (`threadline.reporting.charts`); `threadline.reporting.pdf` turns the
result into a PDF.

What a reader may see is decided by the caller exactly as the page decides it: `notes` are the
notes the link may see (all for the owner, on a share link only when the owner shares them), so
a share link's report is the owner's report with the viewer's wording and never more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import plotly.graph_objects as go
from markdown_it import MarkdownIt
from markupsafe import Markup

from scoring.answers import Answer, Responses
from scoring.bank import Bank
from scoring.confidence import Confidence, confidences
from scoring.engine import MIN_GAP, Result, score
from scoring.plan import Plan, Step, plan
from threadline.reporting import chart_text, charts, result_export
from threadline.reporting.summary import (
    average_line,
    confidence_line,
    day,
    default_targets,
    evenness,
    headline,
    stage_rule,
    strengths_and_gaps,
    when_line,
    wording,
)

_MARKDOWN = MarkdownIt("commonmark", {"html": False})  # bank text: Markdown, never raw HTML


def markdown(text: str | None) -> Markup:
    """Bank Markdown as HTML; HTML written in the bank shows as text, never runs."""
    return Markup(_MARKDOWN.render(text or ""))  # markdown-it escapes raw HTML (html=False)


@dataclass(frozen=True)
class Chart:
    """A figure for the report, with its accessible name, its summary in words and its size in CSS pixels."""

    key: str
    figure: go.Figure
    name: str
    summary: str
    width: int
    height: int


@dataclass(frozen=True)
class Table:
    """A table: column headings and rows of cells (text)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Source:
    """Which answer a step comes from: `lead` *question* `tail` ("You answered *Q* with: “A”")."""

    lead: str
    question: str
    tail: str


@dataclass(frozen=True)
class ReportStep:
    """One step of the plan (bank Markdown as HTML) and the answer it comes from."""

    dimension: str
    text: Markup
    source: Source


@dataclass(frozen=True)
class PlanSection:
    """One dimension of the plan, most pressing first, as the page's expander shows it."""

    title: str
    label: str  # "Coordinating · 2.80" or "not assessed"
    confidence: str
    steps: tuple[ReportStep, ...]
    recommendations_heading: str | None
    recommendations: tuple[Markup, ...]
    note: str | None  # "Not assessed ..." or "at the top stage ..."


@dataclass(frozen=True)
class AnswerRow:
    """One question of the appendix with the answer given and the note the reader may see."""

    question: str
    answer: str | None
    note: str | None


@dataclass(frozen=True)
class AnswerGroup:
    title: str
    rows: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class SelfReport:
    """Everything the self-assessment report shows, in order."""

    document_title: str
    title: str
    organisation: str | None
    details: str | None
    when: str
    generated: str
    bank_title: str
    bank_version: str
    viewer: bool
    headline: str
    average: str | None
    stage_description: Markup
    rule: str | None
    partial: str | None
    start_here_caption: str | None
    start_here: tuple[ReportStep, ...]
    start_here_empty: str | None
    where_heading: str
    radar: Chart | None
    radar_missing: str | None
    radar_summary: str
    scores: Table
    gaps_heading: str
    gap_chart: Chart | None
    gap_summary: str
    gap_table: Table | None
    strengths: tuple[str, ...]
    gaps: tuple[str, ...]
    plan_heading: str
    plan_caption: str
    plan: tuple[PlanSection, ...]
    answers_heading: str
    notes_caption: str | None
    answers: tuple[AnswerGroup, ...]
    reasons: tuple[tuple[str, str], ...]

    @property
    def charts(self) -> tuple[Chart, ...]:
        """The figures to draw, each once."""
        return tuple(chart for chart in (self.radar, self.gap_chart) if chart is not None)

    @property
    def answers_have_notes(self) -> bool:
        """Whether the appendix has a notes column: only when the reader may see at least one note."""
        return any(row.note for group in self.answers for row in group.rows)


def current_result(bank: Bank, answers: Mapping[str, Answer], targets: Mapping[str, int]) -> Result:
    """The result as the results page scores it: default targets, overridden by the owner's."""
    plain_result = score(bank, Responses(dict(answers)))
    chosen = {**default_targets(bank, plain_result), **targets}
    return score(bank, Responses(dict(answers), chosen))


def self_assessment_report(
    bank: Bank,
    answers: Mapping[str, Answer],
    *,
    targets: Mapping[str, int],
    context: Mapping[str, Any],
    submitted_at: datetime | None,
    notes: Mapping[str, str],
    viewer: bool,
    shares_notes: bool,
    generated_on: date,
    reasons: Mapping[str, str] | None = None,
) -> SelfReport:
    """The report of one assessment, worded for its owner or (`viewer`) for a share link's reader.

    `notes`: the evidence notes this reader may see (`Assessment.visible_notes()`); `reasons`: a
    consensus assessment's workshop reasons, which its results page shows.
    """
    if viewer and not shares_notes:
        notes = {}  # a share link never gets notes the owner keeps private, whatever the caller passed
    result = current_result(bank, answers, targets)
    the_plan = plan(bank, result, answers)
    sure = confidences(bank, answers)
    organisation = str(context.get("organisation") or "").strip() or None
    words = wording(viewer=viewer, organisation=organisation)
    details = [str(context[key]) for key in ("industry", "size", "role") if context.get(key)]
    level_description = bank.levels[result.level - 1].description if result.level is not None else None
    capping = next((d for d in result.dimensions if d.id == result.limited_by), None)
    assessed = [d for d in result.dimensions if d.score is not None]
    with_gap = [d for d in result.dimensions if d.gap is not None and d.gap > MIN_GAP]
    strengths, gaps = strengths_and_gaps(result)
    gap_columns = chart_text.gap_table(bank, result)
    return SelfReport(
        document_title=f"{organisation or words.title}: {bank.title}",
        title=organisation or words.title,
        organisation=organisation,
        details=" · ".join(details) or None,
        when=when_line(submitted_at, viewer=viewer, organisation=organisation),
        generated=f"Report made {day_of(generated_on)}",
        bank_title=bank.title,
        bank_version=bank.version,
        viewer=viewer,
        headline=headline(bank, result),
        average=average_line(bank, result),
        stage_description=markdown(level_description),
        rule=stage_rule(bank, result, viewer=viewer),
        partial=(
            None
            if result.complete
            else f"{len(result.missing)} required questions are unanswered, so this picture is partial."
        ),
        start_here_caption=f"{capping.title} {words.holds}" if capping is not None and the_plan.start_here else None,
        start_here=tuple(_step(bank, step, words.answered) for step in the_plan.start_here),
        start_here_empty=(
            None
            if the_plan.start_here
            else "Every assessed dimension has reached its target: keep what works, and raise a target to go on."
        ),
        where_heading=words.where,
        radar=(
            Chart(
                "radar",
                charts.radar(bank, result, score_name=words.score_name),
                chart_text.radar_name(bank, result),
                chart_text.radar_summary(result),
                640,
                520,
            )
            if len(assessed) >= 3
            else None
        ),
        radar_missing=None if len(assessed) >= 3 else "The radar needs at least three assessed dimensions.",
        radar_summary=chart_text.radar_summary(result),
        scores=_scores_table(bank, result, sure),
        gaps_heading=words.gaps,
        gap_chart=(
            Chart(
                "gaps",
                charts.gap_bars(result),
                chart_text.gap_name(),
                chart_text.gap_summary(result),
                640,
                max(220, 48 * len(with_gap) + 90),
            )
            if with_gap
            else None
        ),
        gap_summary=chart_text.gap_summary(result),
        gap_table=_columns_table(gap_columns) if with_gap else None,
        strengths=tuple(strengths) or ("None stands out yet.",),
        gaps=tuple(gaps) or ("No gaps to your targets.",),  # the page's words, for the owner and a viewer
        plan_heading=words.plan,
        plan_caption=words.plan_caption,
        plan=_plan_sections(bank, the_plan, result, sure, words.answered),
        answers_heading=words.answers + (" and evidence notes" if notes else ""),
        notes_caption=_notes_caption(viewer, shares_notes),
        answers=_answer_groups(bank, answers, notes),
        reasons=tuple(
            (bank.questions[question_id].text, reason)
            for question_id, reason in (reasons or {}).items()
            if question_id in bank.questions
        ),
    )


def day_of(moment: date) -> str:
    """'1 December 2026' for a date (`summary.day` takes a datetime)."""
    return day(datetime(moment.year, moment.month, moment.day))


def _notes_caption(viewer: bool, shares_notes: bool) -> str | None:
    if not viewer:
        return None
    if shares_notes:
        return "The owner shares their evidence notes on this report."
    return "The owner keeps their evidence notes private: they are not in this report."


def source_of(bank: Bank, step: Step, answered: str) -> Source:
    """Which answer a step comes from, in the page's words (`step_source` on the results page)."""
    question = bank.scored_questions[step.question_id]
    label = next(o.label for o in question.options if o.id == step.option_id)
    if step.ticked:
        return Source(f"{answered} ", question.text, f" with: “{label}”")
    return Source("", question.text, f": “{label}” was not ticked")


def _step(bank: Bank, step: Step, answered: str) -> ReportStep:
    return ReportStep(bank.dimension_of[step.question_id].title, markdown(step.text), source_of(bank, step, answered))


def _scores_table(bank: Bank, result: Result, sure: Mapping[str, Confidence]) -> Table:
    """The page's "Scores as a table"."""
    rows = tuple(
        (
            d.title,
            "–" if d.score is None else f"{d.score:.2f}",
            d.level_name or "not assessed",
            "–" if d.target is None else bank.levels[d.target - 1].name,
            "–" if d.gap is None else f"{d.gap:.2f}",
            f"{d.answered} of {d.questions}",
            evenness(bank, sure[d.id]),
        )
        for d in result.dimensions
    )
    return Table(("Dimension", "Score", "Stage", "Target", "Gap", "Answered", "How even"), rows)


def _columns_table(columns: Mapping[str, list]) -> Table:
    names = tuple(columns)
    rows = zip(*(columns[name] for name in names), strict=True)
    return Table(names, tuple(tuple(_cell(value) for value in row) for row in rows))


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _plan_sections(
    bank: Bank, the_plan: Plan, result: Result, sure: Mapping[str, Confidence], answered: str
) -> tuple[PlanSection, ...]:
    """Every dimension, the plan's order first, then those not assessed (as on the page)."""
    outcomes = {d.id: d for d in result.dimensions}
    parts = {part.dimension_id: part for part in the_plan.dimensions}
    order = [part.dimension_id for part in the_plan.dimensions] + [d.id for d in bank.dimensions if d.id not in parts]
    sections = []
    for dimension_id in order:
        dimension = next(d for d in bank.dimensions if d.id == dimension_id)
        outcome = outcomes[dimension_id]
        label = outcome.level_name or "not assessed"
        score_text = "" if outcome.score is None else f" · {outcome.score:.2f}"
        part = parts.get(dimension_id)
        confidence = confidence_line(bank, sure[dimension_id])
        if part is None or outcome.level is None:
            note = "Not assessed: no scored question in it was answered."
            sections.append(PlanSection(dimension.title, label + score_text, confidence, (), None, (), note))
            continue
        steps = tuple(_step(bank, step, answered) for step in part.steps)
        heading: str | None = None
        recommendations: tuple[Markup, ...] = ()
        top: str | None = None
        if outcome.level >= bank.level_count:
            top = "This dimension is at the top stage. Keep it there, and help the others catch up."
        elif part.recommendations:
            heading = f"To move to {bank.levels[outcome.level].name}:"
            recommendations = tuple(markdown(text) for text in part.recommendations)
        sections.append(
            PlanSection(dimension.title, label + score_text, confidence, steps, heading, recommendations, top)
        )
    return tuple(sections)


def _answer_groups(bank: Bank, answers: Mapping[str, Answer], notes: Mapping[str, str]) -> tuple[AnswerGroup, ...]:
    """Every question of the bank with the answer given, and the note where the reader may see it."""
    return tuple(
        AnswerGroup(
            dimension.title,
            tuple(
                AnswerRow(question.text, result_export.answer_text(question, answers), notes.get(question.id))
                for question in dimension.questions
            ),
        )
        for dimension in bank.dimensions
    )
