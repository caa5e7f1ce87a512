"""Specification of the command line (scoring/__main__.py), run as a bank author runs it: `python -m scoring`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BANK = """\
schema: 1
id: mini
version: "2026.1"
title: Mini bank
levels:
  - name: Low
  - name: Middle
  - name: High
dimensions:
  - id: strategy
    title: Strategy
    questions:
      - id: plan
        text: Is there a plan?
        options:
          - {id: none, label: No plan}
          - {id: full, label: A full plan}
      - id: channels
        text: Which teams take part?
        type: multi
        options:
          - {id: marketing, label: Marketing}
          - {id: service, label: Service}
  - id: care
    title: Customer care
    questions:
      - id: speed
        text: How fast are complaints answered?
        options:
          - label: Days
          - label: Hours
"""

ANSWERS = {"answers": {"plan": "full", "channels": ["service"]}, "targets": {"strategy": 3}}


def run(*args: object) -> subprocess.CompletedProcess:
    """Run `python -m scoring ARGS` from the project root; never a traceback, whatever happens."""
    result = subprocess.run(
        [sys.executable, "-m", "scoring", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    return result


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bank_path(tmp_path: Path) -> Path:
    return write(tmp_path, "mini.yaml", BANK)


@pytest.fixture
def answers_path(tmp_path: Path) -> Path:
    return write(tmp_path, "answers.json", json.dumps(ANSWERS))


# validate


THRESHOLD_WARNING = (
    "warning: every level keeps the default min_score (level k from a score of exactly k), so a stage is "
    "reached only when every answer is at it; set min_score k - 0.5 on each level above the first to place a "
    "score on the nearest stage (see questions/README.md, 'How stages are set')"
)


def test_validate_prints_an_ok_line_for_a_valid_bank_and_exits_0(tmp_path):
    nearest = BANK.replace("  - name: Middle\n", "  - name: Middle\n    min_score: 1.5\n").replace(
        "  - name: High\n", "  - name: High\n    min_score: 2.5\n"
    )
    path = write(tmp_path, "mini.yaml", nearest)
    result = run("validate", path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [f"{path}: ok (mini 2026.1: 2 dimensions, 3 questions)"]


def test_validate_warns_but_passes_a_bank_that_keeps_the_default_thresholds(bank_path):
    result = run("validate", bank_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [f"{bank_path}: ok (mini 2026.1: 2 dimensions, 3 questions)"]
    assert result.stderr.splitlines() == [f"{bank_path}: {THRESHOLD_WARNING}"]


def test_validate_accepts_every_bank_shipped_under_questions():
    paths = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "questions").rglob("*.yaml"))
    result = run("validate", *paths)
    assert (result.returncode, result.stderr) == (0, "")
    assert [line.split(": ok ")[0] for line in result.stdout.splitlines()] == paths


def test_validate_prints_one_path_line_message_per_problem_on_stderr_and_exits_1(tmp_path):
    text = BANK.replace("    title: Strategy\n", "    title: Strategy\n    wieght: 2\n").replace(
        "label: Days", "label:"
    )
    path = write(tmp_path, "broken.yaml", text)
    result = run("validate", path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"{path}:12: unknown key 'wieght' (did you mean 'weight'?)",
        f"{path}:31: 'label' must be text, not nothing (the value is empty)",
    ]


def test_validate_checks_every_file_given_and_fails_if_any_is_bad(tmp_path, bank_path):
    duplicate = write(tmp_path, "duplicate.yaml", BANK.replace("  - id: care", "  - id: strategy"))
    empty = write(tmp_path, "empty.yaml", "")
    result = run("validate", duplicate, bank_path, empty)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{bank_path}: ok (mini 2026.1: 2 dimensions, 3 questions)"]
    assert result.stderr.splitlines() == [
        f"{duplicate}:24: duplicate dimension id 'strategy' (first used on line 10)",
        f"{bank_path}: {THRESHOLD_WARNING}",
        f"{empty}:1: the file is empty",
    ]


def test_validate_reports_a_missing_file_without_a_traceback(tmp_path):
    result = run("validate", tmp_path / "nowhere.yaml")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{tmp_path / 'nowhere.yaml'}:1: file not found"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"a: &a [x, x]\nb: [*a, *a]\n",
            "YAML anchors and aliases (& and *) are not allowed; write the value out in full",
        ),
        (b"[" * 100_000, "the document is nested too deeply (more than 50 levels)"),
        (b"schema: 1\x00", "file is binary (it holds a NUL byte), not YAML or JSON text"),
        ("title: Café".encode("latin-1"), "text is not UTF-8 (byte 0xe9); save the file as UTF-8"),
        (b"#" * (1024 * 1024 + 1), "file is larger than 1 MiB, the most a bank or answers file may hold"),
    ],
    ids=["alias bomb", "deep nesting", "binary", "latin-1", "too big"],
)
def test_validate_refuses_a_hostile_file_with_one_line_and_exit_1(tmp_path, content, message):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    result = run("validate", path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{path}:1: {message}"]


# score


def test_score_prints_one_json_object_with_the_keys_of_the_contract(bank_path, answers_path):
    result = run("score", "--bank", bank_path, "--answers", answers_path)
    assert (result.returncode, result.stderr) == (0, "")
    output = json.loads(result.stdout)  # the whole of stdout is one JSON object
    assert output["bank"] == {"id": "mini", "version": "2026.1"}
    assert output["complete"] is False
    assert {key: output["overall"][key] for key in ("score", "level", "level_name")} == {
        "score": 2.5,
        "level": 2,
        "level_name": "Middle",
    }
    keys = ("id", "score", "level", "level_name", "answered", "questions", "target", "gap")
    assert [{key: dimension[key] for key in keys} for dimension in output["dimensions"]] == [
        {
            "id": "strategy",
            "score": 2.5,
            "level": 2,
            "level_name": "Middle",
            "answered": 2,
            "questions": 2,
            "target": 3,
            "gap": 0.5,
        },
        {
            "id": "care",
            "score": None,
            "level": None,
            "level_name": None,
            "answered": 0,
            "questions": 1,
            "target": None,
            "gap": None,
        },
    ]


def test_score_reads_yaml_answers_too(tmp_path, bank_path):
    answers = write(tmp_path, "answers.yaml", "answers:\n  plan: full\n  channels: []\n  speed: 2\n")
    result = run("score", "--bank", bank_path, "--answers", answers)
    assert result.returncode == 0
    output = json.loads(result.stdout)
    assert output["complete"] is True
    assert [dimension["score"] for dimension in output["dimensions"]] == [2.0, 3.0]


def test_score_with_bad_answers_exits_1_with_the_problems_on_stderr(tmp_path, bank_path):
    answers = write(tmp_path, "answers.yaml", "answers:\n  plan: maybe\n  budget: high\ntargets:\n  care: 7\n")
    result = run("score", "--bank", bank_path, "--answers", answers)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"{answers}:2: question 'plan' has no option 'maybe' (its options: none, full)",
        f"{answers}:3: unknown question 'budget'",
        f"{answers}:5: target for 'care' must be a level from 1 to 3, not 7",
    ]


def test_score_with_unreadable_answers_exits_1_with_a_message(tmp_path, bank_path):
    answers = write(tmp_path, "answers.json", '{"answers": {"plan": "full"')
    result = run("score", "--bank", bank_path, "--answers", answers)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"{answers}:1: YAML syntax error: ")


def test_score_with_a_missing_answers_file_exits_1(tmp_path, bank_path):
    result = run("score", "--bank", bank_path, "--answers", tmp_path / "nowhere.json")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"{tmp_path / 'nowhere.json'}:1: file not found"]


def test_score_with_a_bad_bank_exits_1_with_the_bank_problems(tmp_path, answers_path):
    bank = write(tmp_path, "bank.yaml", BANK.replace("schema: 1", "schema: 2"))
    result = run("score", "--bank", bank, "--answers", answers_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [f"{bank}:1: schema 2 is not known; this version of Threadline reads schema 1"]


# usage


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("validate",),
        ("score", "--bank", "questions/social-integration.yaml"),
        ("score", "--answers", "answers.json"),
        ("grade", "questions/social-integration.yaml"),
    ],
    ids=["no command", "validate without paths", "score without answers", "score without bank", "unknown command"],
)
def test_a_usage_error_exits_2_with_a_usage_message(args):
    result = run(*args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("usage: python -m scoring")
    assert "error: " in result.stderr


@pytest.mark.parametrize("args", [("--help",), ("validate", "--help"), ("score", "--help")])
def test_help_exits_0_and_describes_the_commands(args):
    result = run(*args)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: python -m scoring")
    assert "validate" in result.stdout or "--answers" in result.stdout
