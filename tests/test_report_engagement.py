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
from pathlib import Path

import pytest
from PIL import Image

from bench.core import random_answers
from bench.team import stored_answer_sets as random_answer_sets
from scoring.answers import as_stored
from scoring.batch import encode
from scoring.team import round_change, team_view
from tests.store_support import in_parallel
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
    LogoProblem,
    PreviousRound,
    checked_logo,
    engagement_report,
)
from threadline.storage import Store
from threadline.web.report_button import _consensus_input

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


def consensus_of(store: Store, record, dashboard: str):
    """The consensus as the report button passes it: the dashboard's summary and the stored actions."""
    summary = teamdata.consensus_summary(store, record, DEFAULT, dashboard)
    return _consensus_input(summary, store.actions(record.id))


def report_for(store: Store, *, logo=None, previous=None, consensus=None, engagement=None):
    record, dashboard = engagement or engagement_in(store, seed=1)
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
    _, _, _, report = report_for(
        store, consensus=consensus_of(store, record, dashboard), engagement=(record, dashboard)
    )
    text = text_of(pdf.engagement_pdf(report).pdf, tmp_path)

    section = text.split("What the workshop agreed", 1)[1]
    assert "Questions agreed: 1 of 39 agreed" in section  # the client page's metric: required questions
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


def test_ten_engagement_reports_requested_at_once_each_arrive_with_their_own_charts(tmp_path):
    """Ten clients, each with its own department and scores: every chart of each PDF is that client's."""
    reports = []
    for n in range(10):
        rng = random.Random(100 + n)
        departments = ["Leadership"] * 4 + [f"Team {n:02d}"] * 4
        table = encode(DEFAULT, random_answer_sets(DEFAULT, len(departments), rng))
        view = team_view(DEFAULT, table, departments, ["Leadership", f"Team {n:02d}"])
        reports.append(
            engagement_report(
                DEFAULT,
                view,
                client=f"Client {n:02d}",
                consultant="",
                header_text="",
                round_number=1,
                generated_on=MADE,
            )
        )

    rendered = in_parallel([lambda r=r: pdf.engagement_pdf(r) for r in reports])

    for n, (report, out) in enumerate(zip(reports, rendered, strict=True)):
        text = text_of(out.pdf, tmp_path)
        others = [f"Team {m:02d}" for m in range(10) if m != n]
        assert f"Client {n:02d}" in text and report.radar.summary in text
        assert not any(f"Client {m:02d}" in text for m in range(10) if m != n)
        assert set(out.svgs) == {chart.key for chart in report.charts}
        for svg in out.svgs.values():
            assert f"Team {n:02d}".encode() in svg  # every chart shows this client's own department
            assert not any(other.encode() in svg for other in others)


# The consensus plan (issue 9) in the report: what the client page shows, read back from the PDF.

GOVERNANCE, BRAND = DEFAULT.dimensions[1], DEFAULT.dimensions[4]  # the store keeps actions by id: brand first
ACTIONS = [
    (
        BRAND.id,
        "Write one tone-of-voice guide & share it <today>",
        "Priya Shah",
        date(2027, 3, 31),
        "in_progress",
    ),
    (GOVERNANCE.id, "Name an owner for every social account", "Marco Lind", date(2027, 2, 15), "open"),
    (GOVERNANCE.id, "Publish the social media policy", "", None, "done"),
]


def planned(store: Store, *, complete: bool, extra_actions: int = 0):
    """The engagement of seed 1 with a consensus: every required question agreed or only the first, and a plan."""
    record, dashboard = engagement_in(store, seed=1)
    consensus_id, _ = store.consensus_assessment(record.id, dashboard)
    scored = [q for q in DEFAULT.questions.values() if q.is_scored]
    for n, question in enumerate(scored if complete else scored[:1]):
        value = question.option_ids[n % 3] if question.type == "choice" else [question.option_ids[0]]
        store.save_answer(consensus_id, question.id, as_stored(value))
    store.set_targets(consensus_id, {GOVERNANCE.id: 3, BRAND.id: 4})
    for dimension_id, text, owner, due, status in ACTIONS:
        store.add_action(record.id, dimension_id, text, owner, due, status)
    for n in range(extra_actions):
        store.add_action(record.id, BRAND.id, f"Step {n:02d} of the long plan: " + "a sentence " * 12, "Team lead")
    summary = teamdata.consensus_summary(store, record, DEFAULT, dashboard)
    _, _, view, report = report_for(
        store, consensus=consensus_of(store, record, dashboard), engagement=(record, dashboard)
    )
    return summary, view, report


def test_the_plan_gives_each_dimensions_agreed_target_and_its_actions_in_bank_order(store, tmp_path):
    summary, _, report = planned(store, complete=True)
    rendered = pdf.engagement_pdf(report)
    text = text_of(rendered.pdf, tmp_path)
    plan = text.split("The plan", 1)[1].split("The agreed answers and why", 1)[0]

    assert summary.result is not None and summary.result.level
    assert f"Agreed stage {summary.result.level} of 5: {summary.result.level_name}" in text
    assert "partial" not in text.lower()
    assert f"{GOVERNANCE.title} 5 of 5 questions agreed · agreed target stage: 3. Coordinating" in plan
    assert f"{BRAND.title} 4 of 4 questions agreed · agreed target stage: 4. Integrating" in plan
    assert (
        "Action Owner Due Status Name an owner for every social account Marco Lind 15 Feb 2027 Open "
        "Publish the social media policy Done" in plan
    )
    assert "Write one tone-of-voice guide & share it <today> Priya Shah 31 Mar 2027 In progress" in plan
    assert plan.index(GOVERNANCE.title) < plan.index(BRAND.title)  # bank order, not the store's
    assert f"{DEFAULT.dimensions[0].title} 5 of 5 questions agreed · agreed target stage: not agreed yet" in plan
    assert "Suggested next steps from the agreed answers:" in plan  # a dimension with no actions yet
    assert ">Agreed<" in rendered.svgs["consensus-radar"].decode()  # the legend: agreed, not partial


def test_a_partial_consensus_is_labelled_partial_and_names_no_stage(store, tmp_path):
    _, _, report = planned(store, complete=False)
    rendered = pdf.engagement_pdf(report)
    text = text_of(rendered.pdf, tmp_path)

    assert "Questions agreed: 1 of 39 agreed" in text
    assert "Partial consensus: 1 of 39 agreed. The agreed stage is given once every question is agreed." in text
    assert "Agreed so far (partial), beside the team mean" in text
    assert "Agreed so far (partial)" in rendered.svgs["consensus-radar"].decode()
    assert "Agreed stage" not in text
    assert "Name an owner for every social account Marco Lind 15 Feb 2027 Open" in text  # the plan as it stands


def test_the_report_with_a_plan_is_tagged_numbered_and_keeps_small_groups_and_names_out(store, tmp_path):
    _, _, report = planned(store, complete=True)
    rendered = pdf.engagement_pdf(report)
    details = info(rendered.pdf, tmp_path)
    total = int(details["Pages"])
    text = text_of(rendered.pdf, tmp_path)

    assert details["Tagged"] == "yes"
    for page in range(1, total + 1):
        assert f"page {page} of {total}" in text_of(rendered.pdf, tmp_path, page)
    for hidden in ("Procurement", "Warehouse", *NAMES):
        assert hidden not in text and hidden not in repr(report)
        assert all(hidden.encode() not in svg for svg in rendered.svgs.values())
    assert "Priya Shah" in text  # an owner the consultant typed stays


def test_a_long_action_table_repeats_its_header_and_splits_no_row(store, tmp_path):
    _, _, report = planned(store, complete=True, extra_actions=40)
    rendered = pdf.engagement_pdf(report)
    total = int(info(rendered.pdf, tmp_path)["Pages"])
    pages = {n: text_of(rendered.pdf, tmp_path, n) for n in range(1, total + 1)}
    with_steps = [n for n, page in pages.items() if "of the long plan" in page]
    shoot(rendered.pdf, "plan", min(with_steps) - 1, max(with_steps))

    assert len(with_steps) >= 2, "the 40 steps run over a page"
    for n in with_steps[1:]:
        assert first_line(rendered.pdf, tmp_path, n).split() == ["Action", "Owner", "Due", "Status"]  # header again
    for step in range(40):
        row = f"Step {step:02d} of the long plan: " + "a sentence " * 12 + "Team lead Open"
        assert sum(" ".join(row.split()) in page for page in pages.values()) == 1  # whole, on one page


def shoot(document: bytes, name: str, first: int, last: int) -> None:
    """Pages first..last as PNG under /tmp/shots/h2/ for a person to look at."""
    shots = Path("/tmp/shots/h2")
    shots.mkdir(parents=True, exist_ok=True)
    (shots / f"{name}.pdf").write_bytes(document)
    pages = ["-f", str(first), "-l", str(last)]
    subprocess.run(["pdftoppm", "-r", "80", "-png", *pages, str(shots / f"{name}.pdf"), str(shots / name)], check=True)


def first_line(document: bytes, tmp_path: Path, page: int) -> str:
    """The first line of text on a page as it is laid out (pdftotext -layout keeps a row's cells on its line)."""
    source = tmp_path / "layout.pdf"
    source.write_bytes(document)
    out = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(source), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return next(line for line in out.stdout.splitlines() if line.strip())


WIDE = {name: 3 for name in ("Leadership", "Sales", "Customer service", "Marketing", "PR", "HR", "Warehouse")}


def test_tables_with_seven_groups_stay_inside_the_page(store, tmp_path):
    bank_hash = store.put_bank(DEFAULT_TEXT, DEFAULT.id, DEFAULT.version)
    record, _, _ = store.create_engagement(bank_hash, "Harbour & Co", "Dana Reyes", "", list(WIDE))
    rng = random.Random(7)
    for department, count in WIDE.items():
        for _ in range(count):
            aid, _ = store.add_respondent(record.id, department, None)
            for question_id, value in random_answers(DEFAULT, rng).items():
                store.save_answer(aid, question_id, as_stored(value))
            store.submit(aid)
    report = report_for(store, engagement=(store.engagement(record.id), ""))[3]
    source = tmp_path / "wide.pdf"
    source.write_bytes(pdf.engagement_pdf(report, "A4").pdf)
    save_pages(source.read_bytes(), "engagement-seven-groups")

    layout = subprocess.run(["pdftotext", "-bbox", str(source), "-"], capture_output=True, check=True, text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', layout).group(1))
    right_edges = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', layout)]
    assert "Warehouse (n=3)" in text_of(source.read_bytes(), tmp_path)  # the last group's column is there
    assert max(right_edges) <= width - 28  # inside the right margin (20 mm), with room to spare
