"""Figures for the PDF reports (threadline/reporting/pdf.py): server CPU for one report on a warm server.

Server CPU is this process's CPU time (every thread: the report, WeasyPrint, Kaleido's event
loop) plus that of the Chromium processes Kaleido drives (its children), read from /proc, so a
chart drawn in the browser counts too. "Warm": Chromium is started and one report of each kind
was made before timing, as on a server that has made a report since it started. Each figure is
the best of 3. The engagement's team view is built before timing, as the dashboard has it cached
(`threadline.web.teamviews`); building it for 2,000 respondents is bench/team.py's figure.
"""

from __future__ import annotations

import os
import random
import time
from datetime import date
from pathlib import Path

from bench.core import DEFAULT_BANK, random_answers
from bench.team import DEPARTMENTS, stored_answer_sets
from scoring.batch import encode
from scoring.team import team_view
from scoring.validate import load_bank
from threadline.reporting import pdf
from threadline.reporting.report import self_assessment_report
from threadline.reporting.report_engagement import engagement_report

TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    """Every descendant process of `pid` (Chromium and its helpers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def server_cpu() -> float:
    """CPU seconds so far of this process and its children (Chromium)."""
    return time.process_time() + sum(_cpu(child) for child in _children(os.getpid()))


def cost(action, repeats: int = 3) -> tuple[float, float]:
    """(best server CPU seconds, its wall seconds) of `action` over `repeats` runs."""
    best = (float("inf"), float("inf"))
    for _ in range(repeats):
        cpu, wall = server_cpu(), time.perf_counter()
        action()
        best = min(best, (server_cpu() - cpu, time.perf_counter() - wall))
    return best


def run() -> list[tuple[str, float, str, str]]:
    """Measure both reports; rows of (what, value, unit, target)."""
    if pdf.available():
        print(f"report bench skipped: {pdf.available()}")
        return []
    bank = load_bank(DEFAULT_BANK)
    rng = random.Random(11)
    answers = random_answers(bank, rng)
    context = {"organisation": "Bench Ltd", "industry": "Retail", "size": "50-249"}
    notes = {question_id: "Seen in the monthly report." for question_id in list(bank.questions)[:10]}

    def self_report() -> bytes:
        report = self_assessment_report(
            bank,
            answers,
            targets={},
            context=context,
            submitted_at=None,
            notes=notes,
            viewer=False,
            shares_notes=False,
            generated_on=date.today(),
        )
        return pdf.self_assessment_pdf(report).pdf

    answer_sets = stored_answer_sets(bank, 2_000, rng)
    view = team_view(bank, encode(bank, answer_sets), [rng.choice(DEPARTMENTS) for _ in answer_sets])

    def team_report() -> bytes:
        report = engagement_report(
            bank,
            view,
            client="Bench Group",
            consultant="A. Consultant",
            header_text="Prepared for the leadership team",
            round_number=1,
            generated_on=date.today(),
        )
        return pdf.engagement_pdf(report).pdf

    self_report()  # warm: Chromium started, templates and fonts loaded
    team_report()
    self_cpu, self_wall = cost(self_report)
    team_cpu, team_wall = cost(team_report)
    return [
        ("report: self-assessment PDF, default bank, server CPU", self_cpu * 1000, "ms", "< 3000 ms"),
        ("report: self-assessment PDF, wall time", self_wall * 1000, "ms", "-"),
        ("report: engagement PDF, 2,000 respondents, server CPU", team_cpu * 1000, "ms", "< 3000 ms"),
        ("report: engagement PDF, wall time", team_wall * 1000, "ms", "-"),
    ]
