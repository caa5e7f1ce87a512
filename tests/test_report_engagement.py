"""The engagement report the consultant hands to the client: client-safe, read back from the PDF.

The engagement is made in the store as respondents would leave it (named and anonymous people in
four departments: Leadership 4, Sales 4, Warehouse 3, Procurement 2), and aggregated as the
dashboard does it. Procurement is under the minimum of 3, and while only its 2 people are left
out the team total minus the shown departments would give their answers away, so Warehouse (the
smallest shown) is left out too: neither name may appear anywhere in the report.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
from datetime import date

import pytest
from PIL import Image

from bench.core import random_answers
from scoring.answers import as_stored
from scoring.batch import encode
from scoring.team import round_change, team_view
from tests.test_app import (
    DEFAULT,
    DEFAULT_TEXT,
    TITLES,
    app_env,  # noqa: F401 the fixtures of tests/test_app.py
    db,  # noqa: F401
    new_app,
    run,
)
from tests.test_report import info, needs_tools, save_pages, text_of
from threadline.reporting import pdf, teamdata
from threadline.reporting.report_engagement import (
    LOGO_MAX_BYTES,
    ConsensusInput,
    LogoProblem,
    PreviousRound,
    checked_logo,
    engagement_report,
)
from threadline.storage import Store

pytestmark = needs_tools


@pytest.fixture
def store(tmp_path):
    """A migrated SQLite store (the storage itself is tested on both backends elsewhere)."""
    opened = Store(f"sqlite:///{tmp_path / 'report.db'}")
    opened.migrate()
    yield opened
    opened.dispose()


DEPARTMENTS = {"Leadership": 4, "Sales": 4, "Warehouse": 3, "Procurement": 2}
NAMES = ("Zelda Quinn", "Omar Falk", "Ines Tavar", "Pip Okonkwo")
MADE = date(2026, 12, 1)


def engagement_in(store: Store, seed: int, series_id: int | None = None):
    """An engagement of the default bank with the respondents of the module docstring, all submitted."""
    bank_hash = store.put_bank(DEFAULT_TEXT, DEFAULT.id, DEFAULT.version)
    record, _, dashboard = store.create_engagement(
        bank_hash,
        "Harbour & Co",
        "Dana Reyes",
        "Confidential: for the leadership team of Harbour & Co",
        list(DEPARTMENTS),
        series_id=series_id,
    )
    rng = random.Random(seed)
    n = 0
    for department, count in DEPARTMENTS.items():
        for _ in range(count):
            name = NAMES[n % len(NAMES)] if n % 2 == 0 else None
            n += 1
            aid, _ = store.add_respondent(record.id, department, name)
            for question_id, value in random_answers(DEFAULT, rng).items():
                store.save_answer(aid, question_id, as_stored(value))
            store.submit(aid)
    return store.engagement(record.id), dashboard


def view_of(store: Store, record):
    """The team view as the dashboard builds it (threadline.web.teamviews)."""
    submitted = [r for r in store.respondents(record.id) if r.status == "submitted"]
    answers = store.respondent_answers([record.id])
    table = encode(DEFAULT, [answers.get(r.assessment_id, {}) for r in submitted])
    return team_view(DEFAULT, table, [r.department or "" for r in submitted], record.departments)


def report_for(store: Store, *, logo=None, previous=None, consensus=None):
    record, dashboard = engagement_in(store, seed=1)
    view = view_of(store, record)
    report = engagement_report(
        DEFAULT,
        view,
        client=record.client,
        consultant=record.consultant,
        header_text=record.logo_text,
        round_number=record.round,
        generated_on=MADE,
        logo=logo,
        previous=previous,
        consensus=consensus,
    )
    return record, dashboard, view, report


@pytest.fixture
def built(store, tmp_path):
    _record, _dashboard, view, report = report_for(store)
    rendered = pdf.engagement_pdf(report, "A4")
    return view, report, rendered, text_of(rendered.pdf, tmp_path)


def test_a_group_of_two_appears_nowhere_in_the_engagement_report(built):
    view, report, rendered, text = built

    assert "Procurement" in view.departments.names  # the consultant's view has it
    for hidden in ("Procurement", "Warehouse"):
        assert hidden not in text
        assert all(hidden.encode() not in svg for svg in rendered.svgs.values())
        assert hidden not in repr(report)


def test_no_respondent_name_appears_in_the_engagement_report(built):
    _, report, rendered, text = built

    for name in NAMES:
        assert name not in text and name not in repr(report)
        assert all(name.encode() not in svg for svg in rendered.svgs.values())


def test_the_cover_has_the_consultant_the_header_text_the_client_and_the_round(built, tmp_path):
    _, _, rendered, _ = built
    cover = text_of(rendered.pdf, tmp_path, 1)

    assert "Confidential: for the leadership team of Harbour & Co" in cover
    assert "Harbour & Co" in cover and "Round 1" in cover
    assert "Prepared by Dana Reyes" in cover
    assert "Report made 1 December 2026" in cover


def test_response_counts_are_given_per_shown_group_with_the_rest_together(built):
    _, _, _, text = built

    section = text.split("Who answered", 1)[1].split("The team picture", 1)[0]
    assert "Group Submitted responses Leadership 4 Sales 4 Other departments together 5 Everyone 13" in section


def test_the_team_stage_radar_and_scores_are_the_dashboards(built, tmp_path):
    view, report, rendered, text = built
    safe = view.client_safe()

    assert teamdata.team_headline(DEFAULT, safe) in text_of(rendered.pdf, tmp_path, 1)
    note = teamdata.team_weakest_link_note(DEFAULT, safe)
    if note:
        assert note in text
    radar = rendered.svgs["team-radar"].decode()
    assert "Team mean" in radar and "Leadership (n=4)" in radar and "Sales (n=4)" in radar
    for title in TITLES:
        assert title in text
    means = teamdata.values(safe.dimensions.mean)
    assert [row[1] for row in report.scores.rows] == [f"{m:.2f}" for m in means]
    assert report.scores.columns == ("Dimension", "Team mean", "Stage", "Alignment", "Leadership (n=4)", "Sales (n=4)")
    assert " ".join(report.scores.rows[2]) in text  # a whole row, as the table prints it


def test_the_most_disputed_questions_come_with_their_distributions(built):
    view, report, rendered, text = built
    disputed = view.client_safe().disputed_questions()[: teamdata.DISPUTED_BY_DEFAULT]

    assert [q.text for q in report.disputed] == [DEFAULT.questions[q].text for q in disputed]
    positions = [text.index(f"{n}. {DEFAULT.questions[q].text}") for n, q in enumerate(disputed, start=1)]
    assert positions == sorted(positions)
    for n, question in enumerate(report.disputed, start=1):
        svg = rendered.svgs[f"question-{n}"].decode()
        assert "Everyone" in svg and "Leadership (n=4)" in svg and "Sales (n=4)" in svg
        assert question.table.columns == ("Answer", "Everyone", "Leadership (n=4)", "Sales (n=4)")
        labels, _rows, counts = teamdata.distribution_rows(DEFAULT, view.client_safe(), disputed[n - 1])
        assert [row[0] for row in question.table.rows] == labels
        assert [int(row[1]) for row in question.table.rows] == counts[0]  # everyone, the team's own counts


def test_the_perception_gap_sets_leadership_beside_everyone_shown(built):
    view, report, _rendered, text = built
    safe = view.client_safe()
    leadership, others = safe.perception_gap(["Leadership"], ["Sales"])

    assert report.perception_table is not None
    assert report.perception_table.columns == ("Dimension", "Leadership", "Sales", "Difference")
    first = report.perception_table.rows[0]
    assert first == (TITLES[0], f"{leadership[0]:.2f}", f"{others[0]:.2f}", f"{leadership[0] - others[0]:.2f}")
    assert " ".join(first) in text


def test_the_change_since_the_last_round_is_shown_when_there_is_one(store, tmp_path):
    first, _ = engagement_in(store, seed=2)
    before = view_of(store, first)
    _record, _, view, report = report_for(store, previous=PreviousRound(1, before))
    text = text_of(pdf.engagement_pdf(report).pdf, tmp_path)

    change = round_change(before, view)
    first_id = DEFAULT.dimensions[0].id
    assert "Change since the last round" in text
    assert f"{TITLES[0]} {before.dimensions.mean[0]:.2f} {view.dimensions.mean[0]:.2f} {change[first_id]:+.2f}" in text


def test_without_an_earlier_round_there_is_no_change_section(built):
    _, report, _, text = built
    assert report.change is None and "Change since the last round" not in text


def test_the_consensus_agreed_answers_and_reasons_are_in_the_report(store, tmp_path):
    record, dashboard = engagement_in(store, seed=3)
    consensus_id, _ = store.consensus_assessment(record.id, dashboard)
    question = DEFAULT.dimensions[0].questions[0]
    store.save_answer(consensus_id, question.id, question.option_ids[1])
    store.save_reason(consensus_id, question.id, "The board minutes show it twice & say <yes>.")
    summary = teamdata.consensus_summary(store, record, DEFAULT, dashboard)
    consensus = ConsensusInput(summary.agreed, summary.total, summary.result, summary.answers, summary.reasons)
    _, _, _, report = report_for(store, consensus=consensus)
    text = text_of(pdf.engagement_pdf(report).pdf, tmp_path)

    section = text.split("The workshop's consensus", 1)[1]
    assert f"1 of {summary.total} questions agreed" in section
    label = question.options[1].label
    assert f"{question.text} {label} The board minutes show it twice & say <yes>." in " ".join(section.split())


def png(width: int = 120, height: int = 40, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (15, 118, 110)).save(out, kind)
    return out.getvalue()


def test_a_png_or_jpeg_logo_is_checked_by_decoding_it_and_drawn_on_the_cover(store, tmp_path):
    assert checked_logo(png()).mime == "image/png"
    assert checked_logo(png(kind="JPEG")).mime == "image/jpeg"
    _, _, _, report = report_for(store, logo=checked_logo(png()))
    rendered = pdf.engagement_pdf(report)
    source = tmp_path / "logo.pdf"
    source.write_bytes(rendered.pdf)
    images = subprocess.run(["pdfimages", "-list", str(source)], capture_output=True, check=True, text=True).stdout
    (row,) = images.splitlines()[2:]
    assert re.match(r"\s*1\s+0\s+image\s+120\s+40\b", row)  # on page 1, at its own size


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (png(kind="GIF"), "must be a PNG or JPEG"),
        (png()[:60], "could not be read"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "could not be read"),
        (png(3000, 3000), "too many pixels"),
        (b"\x89PNG" + b"0" * LOGO_MAX_BYTES, "larger than 1 MB"),
    ],
    ids=["empty", "gif", "truncated", "svg", "huge", "too-large"],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused_in_words(data, message):
    with pytest.raises(LogoProblem, match=message):
        checked_logo(data)


def test_the_engagement_report_comes_on_a4_and_letter_with_numbered_pages(store, tmp_path):
    _, _, _, report = report_for(store, logo=checked_logo(png()))
    for size, expected in (("A4", "595.276 x 841.89 pts (A4)"), ("Letter", "612 x 792 pts (letter)")):
        rendered = pdf.engagement_pdf(report, size)
        details = info(rendered.pdf, tmp_path)
        assert details["Page size"] == expected and details["Tagged"] == "yes"
        total = int(details["Pages"])
        assert f"page {total} of {total}" in text_of(rendered.pdf, tmp_path, total)
        save_pages(rendered.pdf, f"engagement-{size.lower()}")


def test_the_dashboard_offers_the_client_report_beside_the_exports(app_env, db):  # noqa: F811
    _, dashboard = engagement_in(db, seed=5)

    at = run(new_app(dashboard=dashboard))

    labels = [element.proto.label for element in at.get("download_button")]
    assert labels[-1] == "Client report (PDF)"
    assert "Report for the client" in [h.value for h in at.subheader]


def test_the_silo_summary_names_the_widest_differences_between_the_groups_shown(built):
    view, report, _rendered, text = built
    sentences = teamdata.silo_summary(DEFAULT, view.client_safe())
    assert sentences, "the seeded engagement shows two groups that differ"
    assert report.silo_summary == " ".join(sentences)
    assert "Silo summary" in text
    assert " ".join(sentences[0].split()[:3]) in " ".join(text.split())
