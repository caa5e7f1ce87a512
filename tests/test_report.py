"""The self-assessment report as a reader gets it: a PDF, read back with pdftotext and pdftoppm.

The report says what the results page says (same helpers, same figures), so the expected texts
here are the page's: the preset answers of tests/test_app.py give Broadcasting with an average
of 3.58, held down by Social customer care. Page images of the reports built here are written to
test-artifacts/report/ for a person to look at.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scoring.answers import as_answers
from scoring.confidence import confidences
from scoring.plan import plan
from tests.banks import planned_bank
from tests.store_support import in_parallel
from tests.test_app import (
    DEFAULT,
    PRESET_NOTE,
    PRESET_NOTE_THIRD_PERSON,
    TITLES,
    app_env,  # noqa: F401 the fixtures of tests/test_app.py
    db,  # noqa: F401
    new_app,
    preset_answers,
    run,
    stored_assessment,
)
from threadline.reporting import pdf
from threadline.reporting.report import current_result, markdown, self_assessment_report
from threadline.reporting.summary import confidence_line

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "report"
POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "pdfinfo", "pdffonts", "pdfimages"))
needs_tools = pytest.mark.skipif(
    not POPPLER or pdf.browser_path() is None, reason="needs Chromium and poppler-utils (pdftotext, pdftoppm)"
)
pytestmark = needs_tools

SUBMITTED = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
MADE = date(2026, 12, 1)
CONTEXT = {"organisation": "Harbour Ops Ltd", "industry": "Logistics", "size": "50-249", "role": "leadership"}
NOTES = {"social-objectives": "Minutes of the May board meeting, item 4."}


def report_of(answers=None, *, bank=DEFAULT, viewer=False, shares_notes=False, notes=None, context=None, **more):
    return self_assessment_report(
        bank,
        as_answers(answers if answers is not None else preset_answers()),
        targets=more.pop("targets", {}),
        context=CONTEXT if context is None else context,
        submitted_at=SUBMITTED,
        notes=NOTES if notes is None else notes,
        viewer=viewer,
        shares_notes=shares_notes,
        generated_on=MADE,
        **more,
    )


def text_of(document: bytes, tmp_path: Path, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text with runs of whitespace (line and column breaks) made single spaces."""
    source = tmp_path / "report.pdf"
    source.write_bytes(document)
    pages = [] if first is None else ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run(["pdftotext", *pages, str(source), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def info(document: bytes, tmp_path: Path) -> dict[str, str]:
    source = tmp_path / "info.pdf"
    source.write_bytes(document)
    out = subprocess.run(["pdfinfo", str(source)], capture_output=True, check=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def save_pages(document: bytes, name: str, resolution: int = 70) -> list[Path]:
    """Page images under test-artifacts/report/ (name-1.png, ...), for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(document)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-png", str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)], check=True
    )
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


@pytest.fixture(scope="module")
def owner_pdf() -> pdf.RenderedReport:
    rendered = pdf.self_assessment_pdf(report_of(), "A4")
    save_pages(rendered.pdf, "self-assessment-a4")
    return rendered


@pytest.fixture
def owner_text(owner_pdf, tmp_path) -> str:
    return text_of(owner_pdf.pdf, tmp_path)


def test_the_cover_names_the_organisation_the_dates_and_the_bank_with_its_version(owner_pdf, tmp_path):
    cover = text_of(owner_pdf.pdf, tmp_path, 1)

    assert "Harbour Ops Ltd" in cover
    assert "Logistics · 50-249 · leadership" in cover
    assert "Submitted 27 November 2026" in cover
    assert "Report made 1 December 2026" in cover
    assert f"{DEFAULT.title.upper()} · VERSION {DEFAULT.version}" in cover.upper()


def test_the_cover_gives_the_stage_with_the_average_and_the_weakest_link_rule_in_words(owner_pdf, tmp_path):
    cover = text_of(owner_pdf.pdf, tmp_path, 1)

    assert "Stage 2 of 5: Broadcasting" in cover
    assert "Average score 3.58 of 5, lower half of Integrating" in cover
    assert PRESET_NOTE in cover


def test_start_here_lists_the_first_steps_in_order_each_with_the_answer_it_comes_from(owner_text):
    answers = as_answers(preset_answers())
    steps = plan(DEFAULT, current_result(DEFAULT, answers, {}), answers).start_here
    assert len(steps) == 5

    section = owner_text.split("Start here", 1)[1].split("Where you stand", 1)[0]
    assert "Social customer care holds your overall stage down, so it comes first." in section
    positions = [section.index(f"{n}. Social customer care {plain(step.text)}") for n, step in enumerate(steps, 1)]
    assert positions == sorted(positions)
    assert section.count("You answered") + section.count("was not ticked") == 5


def test_every_dimension_is_in_the_plan_with_its_score_confidence_and_steps(owner_text):
    answers = as_answers(preset_answers())
    result = current_result(DEFAULT, answers, {})
    the_plan = plan(DEFAULT, result, answers)
    sure = confidences(DEFAULT, answers)
    section = owner_text.split("Your plan, dimension by dimension", 1)[1].split("Appendix", 1)[0]

    headings = [f"{d.title}: {d.level_name} · {d.score:.2f}" for d in result.dimensions]
    assert all(heading in section for heading in headings)
    ranked = [section.index(f"{part.title}: ") for part in the_plan.dimensions]
    assert ranked == sorted(ranked)  # the capping dimension first, then by gap
    assert section.index("Social customer care: Experimenting · 1.00") == min(ranked)
    for dimension in DEFAULT.dimensions:
        assert f"How sure: {confidence_line(DEFAULT, sure[dimension.id])}" in section
    for part in the_plan.dimensions:
        for step in part.steps:
            assert plain(step.text) in section
        for recommendation in part.recommendations:
            assert plain(recommendation) in section


def test_the_radar_the_scores_and_the_gaps_are_all_there_for_every_dimension(owner_pdf, owner_text):
    where = owner_text.split("Where you stand", 1)[1].split("Gaps to your targets", 1)[0]
    for title in TITLES:
        assert title in where  # the scores table (the radar's own labels are wrapped)
    assert "Social customer care 1.00 Experimenting Coordinating 2.00 5 of 5 every answer at Experimenting" in where
    assert "Social customer care is the only dimension below its target, by 2.00 levels." in owner_text
    assert set(owner_pdf.svgs) == {"radar", "gaps"}
    radar = owner_pdf.svgs["radar"].decode()
    assert radar.startswith("<svg") and "Your score" in radar and "Target" in radar
    assert "Strategy and" in radar and ">2.00<" in owner_pdf.svgs["gaps"].decode()


def test_the_appendix_has_every_question_with_the_answer_given_and_the_owner_sees_the_notes(owner_text):
    appendix = owner_text.split("Appendix: Your answers and evidence notes", 1)[1]
    for question in DEFAULT.questions.values():
        assert question.text in appendix
    assert NOTES["social-objectives"] in appendix


def test_every_page_is_numbered_page_n_of_total(owner_pdf, tmp_path):
    total = int(info(owner_pdf.pdf, tmp_path)["Pages"])
    assert total >= 6
    for page in range(1, total + 1):
        assert f"page {page} of {total}" in text_of(owner_pdf.pdf, tmp_path, page)


def test_the_pdf_is_tagged_its_fonts_embedded_and_its_charts_vectors_with_real_text(owner_pdf, tmp_path):
    objects = pdf_objects(owner_pdf.pdf)
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects and b"/Marked true" in objects
    assert info(owner_pdf.pdf, tmp_path)["Tagged"] == "yes"
    source = tmp_path / "fonts.pdf"
    source.write_bytes(owner_pdf.pdf)
    fonts = subprocess.run(["pdffonts", str(source)], capture_output=True, check=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all("DejaVu" in row and " yes yes yes " in row for row in rows)
    images = subprocess.run(["pdfimages", "-list", str(source)], capture_output=True, check=True, text=True).stdout
    assert images.splitlines()[2:] == []  # no raster image: the charts are drawn as vectors
    radar_page = text_of(owner_pdf.pdf, tmp_path, 3)
    assert "5 Converged" in radar_page and "Your score" in radar_page  # the chart's text is text


@pytest.mark.parametrize(
    ("size", "expected"), [("A4", "595.276 x 841.89 pts (A4)"), ("Letter", "612 x 792 pts (letter)")]
)
def test_the_report_comes_on_a4_or_us_letter(size, expected, tmp_path):
    rendered = pdf.self_assessment_pdf(report_of(), size)
    if size == "Letter":
        save_pages(rendered.pdf, "self-assessment-letter")
    assert info(rendered.pdf, tmp_path)["Page size"] == expected


def test_a_share_link_gets_the_owners_report_in_the_third_person_without_private_notes(tmp_path):
    viewer = text_of(pdf.self_assessment_pdf(report_of(viewer=True, shares_notes=False)).pdf, tmp_path)

    assert PRESET_NOTE_THIRD_PERSON in viewer
    assert "Shared by Harbour Ops Ltd · submitted 27 November 2026" in viewer
    assert "Harbour Ops Ltd's plan, dimension by dimension" in viewer
    assert "The owner keeps their evidence notes private: they are not in this report." in viewer
    assert NOTES["social-objectives"] not in viewer  # even though the caller passed it


def test_a_share_link_sees_the_notes_when_the_owner_shares_them(tmp_path):
    viewer = text_of(pdf.self_assessment_pdf(report_of(viewer=True, shares_notes=True)).pdf, tmp_path)

    assert "The owner shares their evidence notes on this report." in viewer
    assert NOTES["social-objectives"] in viewer


def test_typed_text_and_bank_markdown_never_run_as_html(tmp_path):
    context = {"organisation": "<b>Acme</b> & Sons </style>"}
    notes = {"social-objectives": "<script>alert(1)</script> see <img src=x>"}
    text = text_of(pdf.self_assessment_pdf(report_of(context=context, notes=notes)).pdf, tmp_path)

    assert "<b>Acme</b> & Sons </style>" in text
    assert "<script>alert(1)</script> see <img src=x>" in text
    assert str(markdown("**Do** <i>this</i>")) == "<p><strong>Do</strong> &lt;i&gt;this&lt;/i&gt;</p>\n"


def test_nothing_outside_the_document_is_read_into_the_pdf(tmp_path):
    picture = tmp_path / "local.png"
    shutil.copy(ROOT / "docs" / "results.png", picture)
    html = f'<html><body><p>x</p><img src="{picture.as_uri()}"><img src="http://127.0.0.1:9/x.png"></body></html>'
    document = pdf.html_to_pdf(html)
    source = tmp_path / "fetch.pdf"
    source.write_bytes(document)
    images = subprocess.run(["pdfimages", "-list", str(source)], capture_output=True, check=True, text=True).stdout
    assert images.splitlines()[2:] == []


def test_a_bank_of_two_dimensions_gets_its_plan_steps_and_no_radar(tmp_path):
    bank = planned_bank()
    answers = {"plan": "none", "review": "yearly", "notes": "We plan on paper.", "channels": ["marketing"]}
    report = report_of(answers, bank=bank, notes={}, context={"organisation": "Tiny Co"})
    rendered = pdf.self_assessment_pdf(report)
    text = text_of(rendered.pdf, tmp_path)

    assert report.radar is None and set(rendered.svgs) == {"gaps"}
    assert "The radar needs at least three assessed dimensions." in text
    assert "Stage 2 of 5: Broadcasting" in text
    for step in ("Write a one-page plan.", "Review monthly.", "Add service.", "Add sales."):
        assert step in text
    assert "To move to Coordinating: • Bring service and sales in." in text  # Strategy's level-2 recommendation
    assert "Which teams answer? Marketing" in text
    assert "How fast? not answered" in text
    assert "Notes We plan on paper." in text


def test_ten_reports_requested_at_once_each_arrive_with_their_own_charts(tmp_path):
    """Kaleido's shared queue can hand one caller another's image (Kaleido #444): each must get its own."""
    choice = [q for q in DEFAULT.dimensions[0].questions if q.type == "choice"]
    variants = []
    for n in range(10):
        answers = preset_answers()
        for question in choice[: n % 4 + 1]:
            answers[question.id] = question.option_ids[n % 3]
        variants.append((f"Organisation {n:02d}", answers))
    reports = [report_of(answers, context={"organisation": name}) for name, answers in variants]

    rendered = in_parallel([lambda r=r: pdf.self_assessment_pdf(r) for r in reports])

    alone = [pdf.RENDERER.svg(r.gap_chart.figure, r.gap_chart.width, r.gap_chart.height) for r in reports]
    assert len({svg for svg in alone}) > 1  # the variants really draw different charts
    for n, (report, out) in enumerate(zip(reports, rendered, strict=True)):
        assert out.pdf.startswith(b"%PDF")
        text = text_of(out.pdf, tmp_path)
        assert f"Organisation {n:02d}" in text
        assert not any(f"Organisation {m:02d}" in text for m in range(10) if m != n)
        assert _labels(out.svgs["gaps"]) == _labels(alone[n])  # this report's gaps, not another's
        assert report.gap_table is not None
        assert [row[-1] for row in report.gap_table.rows] == _labels(out.svgs["gaps"])


def pdf_objects(document: bytes) -> bytes:
    """The PDF's bytes with every compressed stream (object streams included) inflated."""
    inflated = [document]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", document, re.DOTALL):
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompressobj().decompress(match.group(1)))
    return b"\n".join(inflated)


def _labels(svg: bytes) -> list[str]:
    """The numbers a gap chart writes beside its bars, in order."""
    return re.findall(r">(\d\.\d\d)<", svg.decode())


def test_without_chromium_the_report_says_so_in_words(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert pdf.available() == pdf.CHROMIUM_MISSING
    assert "apt-get install chromium" in pdf.CHROMIUM_MISSING
    with pytest.raises(pdf.ReportUnavailable, match="needs Chromium"):
        pdf.ChartRenderer().svg(report_of().radar.figure, 640, 520)


def test_the_results_page_and_the_share_view_offer_the_report(app_env, db):  # noqa: F811
    aid, token = stored_assessment(db, preset_answers())
    share = db.enable_share(aid, token)

    for at in (run(new_app(resume=token)), run(new_app(view=share))):
        labels = [element.proto.label for element in at.get("download_button")]
        assert "Report (PDF)" in labels


def test_without_chromium_the_results_page_says_so_instead_of_the_button(app_env, db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    _, token = stored_assessment(db, preset_answers())

    at = run(new_app(resume=token))

    assert "Report (PDF)" not in [element.proto.label for element in at.get("download_button")]
    assert pdf.CHROMIUM_MISSING in [info.value for info in at.info]


def plain(markdown_text: str) -> str:
    """A step's text as the PDF's text layer reads it (Markdown marks gone, spaces single)."""
    return " ".join(re.sub(r"[*_`]", "", markdown_text).split())


def test_the_submitted_date_is_the_stored_one(tmp_path):
    report = report_of()
    assert report.when == "Submitted 27 November 2026"
    assert report.generated == "Report made 1 December 2026"
