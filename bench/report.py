"""Figures for the PDF reports (threadline/reporting/pdf.py): server CPU for one report on a warm server.

Server CPU is this process's CPU time (every thread: the report, WeasyPrint, Kaleido's event
loop) plus that of the Chromium processes Kaleido drives (its children), read from /proc, so a
chart drawn in the browser counts too. "Warm": Chromium is started and one report of each kind
was made before timing, as on a server that has made a report since it started. Each figure is
the best of 3. The engagement's team view is built before timing, as the dashboard has it cached
(`threadline.web.teamviews`); building it for 2,000 respondents is bench/team.py's figure.

Memory: this process's resident set (RSS) before ten engagement reports requested at once (ten
threads, as ten clicks on one server), its peak while they run (sampled every 10 ms), and after
`gc.collect()` and a short settle, for three such rounds; the Chromium that Kaleido drives is a
separate process and its memory (PSS, shared pages counted once) is given on its own line.
"""

from __future__ import annotations

import gc
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
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


def _kib(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb() -> float:
    """This process's resident set, in MB."""
    return _kib("/proc/self/status", "VmRSS") / 1024


def chromium_mb() -> float:
    """The proportional set size (shared pages split between sharers) of this process's children, in MB."""
    return sum(_kib(f"/proc/{child}/smaps_rollup", "Pss") for child in _children(os.getpid())) / 1024


def settled_mb(seconds: float = 2.0) -> float:
    """RSS after a full collection and a short pause (the threads' stacks returned, the heap trimmed)."""
    gc.collect()
    time.sleep(seconds)
    return rss_mb()


def ten_at_once(make) -> float:
    """Run `make(n)` for n in 0..9 in ten threads released together; the peak RSS meanwhile, in MB."""
    peak, done = rss_mb(), threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.wait(0.01):
            peak = max(peak, rss_mb())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    barrier = threading.Barrier(10)

    def one(n: int) -> int:
        barrier.wait()
        return len(make(n))

    with ThreadPoolExecutor(10) as pool:
        sizes = list(pool.map(one, range(10)))
    done.set()
    watcher.join()
    assert all(size > 0 for size in sizes)
    return max(peak, rss_mb())


def memory(make, rounds: int = 3) -> list[tuple[str, float, str, str]]:
    """RSS before, peak during and after each round of ten reports at once; Chromium's memory apart."""
    before, browser_before = settled_mb(), chromium_mb()
    rows = [("report memory: RSS before ten reports at once", before, "MB", "-")]
    for round_number in range(1, rounds + 1):
        peak = ten_at_once(make)
        after = settled_mb()
        rows.append((f"report memory: round {round_number} of 10 at once, peak RSS", peak, "MB", "-"))
        rows.append((f"report memory: round {round_number}, RSS after minus before", after - before, "MB", "< 50 MB"))
    rows.append(("report memory: Chromium (Kaleido's) PSS before", browser_before, "MB", "-"))
    # no target: Chromium collects its own heap when it likes; its page is reloaded every 50 charts
    rows.append(("report memory: Chromium PSS after, minus before", chromium_mb() - browser_before, "MB", "-"))
    return rows


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

    def team_report(client: str = "Bench Group") -> bytes:
        report = engagement_report(
            bank,
            view,
            client=client,
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
    memory_rows = memory(lambda n: team_report(f"Client {n:02d}"))
    return [
        ("report: self-assessment PDF, default bank, server CPU", self_cpu * 1000, "ms", "< 3000 ms"),
        ("report: self-assessment PDF, wall time", self_wall * 1000, "ms", "-"),
        ("report: engagement PDF, 2,000 respondents, server CPU", team_cpu * 1000, "ms", "< 3000 ms"),
        ("report: engagement PDF, wall time", team_wall * 1000, "ms", "-"),
        *memory_rows,
    ]
