"""Answers to a bank: reading an answers document and checking it against the bank.

An answer is a string (choice: an option id; text: the text), a tuple of option ids (multi),
or `NA` (the person chose "Not applicable / don't know"). A question absent from the
mapping is unanswered.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scoring import source
from scoring.bank import Bank, ScoredQuestion
from scoring.source import DocumentError, Loc, Problem

NA = None
"""The answer "Not applicable / don't know": null in documents, None in Python."""

NA_LABEL = "Not applicable / don't know"
"""How `NA` is offered and shown to people: in the survey, the workshop, charts and exports."""

Answer = str | tuple[str, ...] | None

StoredAnswer = str | list[str] | None
"""An answer as stored and in JSON documents: a multi answer is a list (`as_stored`, `as_answer`)."""


def as_answer(value: StoredAnswer | Answer) -> Answer:
    """A stored answer in checked form: a multi answer's list becomes a tuple."""
    return tuple(value) if isinstance(value, list) else value


def as_stored(answer: Answer | StoredAnswer) -> StoredAnswer:
    """A checked answer in stored form: a multi answer's tuple becomes a list."""
    return list(answer) if isinstance(answer, tuple) else answer


def as_answers(stored: Mapping[str, StoredAnswer]) -> dict[str, Answer]:
    """Every stored answer (question id -> value) in checked form."""
    return {question_id: as_answer(value) for question_id, value in stored.items()}


@dataclass(frozen=True)
class Responses:
    """Checked answers (question id -> answer) and target levels (dimension id -> level)."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    targets: Mapping[str, int] = field(default_factory=dict)


class AnswersError(DocumentError):
    """Answers that do not fit the bank; `problems` names each question concerned."""


def load_responses(path: str | Path, bank: Bank) -> Responses:
    """Read an answers document (JSON or YAML) and check it against the bank."""
    text = source.read_text(Path(path))
    try:
        document = source.parse(text)
    except DocumentError:
        try:  # JSON that YAML cannot read, e.g. indented with tabs
            return check_responses(json.loads(text), bank)
        except json.JSONDecodeError:
            pass
        raise
    return check_responses(_answers_as_written(document), bank, document.line_of)


def _answers_as_written(document: source.Document) -> Any:
    """Answers keep what was written: YAML reads a bare `yes` as true and `010` as 8, but they are option ids."""
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        return data
    answers = {key: _as_written(value, ("answers", key), document.raw_text) for key, value in data["answers"].items()}
    return {**data, "answers": answers}


def _as_written(value: Any, loc: Loc, raw_text: dict[Loc, str]) -> Any:
    if isinstance(value, list):
        return [_as_written(item, (*loc, i), raw_text) for i, item in enumerate(value)]
    if value is None or loc not in raw_text:
        return value
    return raw_text[loc]


def check_responses(data: Any, bank: Bank, line_of: Callable[[Loc], int] = lambda loc: 0) -> Responses:
    """Check plain answers data against the bank; raise `AnswersError` listing every problem."""
    problems: list[Problem] = []

    def complain(loc: Loc, message: str) -> None:
        problems.append(Problem(line_of(loc), message))

    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AnswersError([Problem(1, "an answers document must be a mapping with 'answers' and 'targets'")])
    answers = _checked_answers(data.get("answers"), bank, complain)
    targets = _checked_targets(data.get("targets"), bank, complain)
    if problems:
        raise AnswersError(problems)
    return Responses(answers, targets)


Complain = Callable[[Loc, str], None]


def _checked_answers(raw: Any, bank: Bank, complain: Complain) -> dict[str, Answer]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        complain(("answers",), "'answers' must be a mapping of question id to answer")
        return {}
    checked: dict[str, Answer] = {}
    for question_id, value in raw.items():
        loc = ("answers", question_id)
        try:
            checked[str(question_id)] = check_answer(bank, str(question_id), value)
        except ValueError as error:
            complain(loc, str(error))
    return checked


def check_answer(bank: Bank, question_id: str, value: Any) -> Answer:
    """One answer in canonical form, or ValueError with a message naming the question."""
    question = bank.questions.get(question_id)
    if question is None:
        raise ValueError(f"unknown question '{question_id}'{_did_you_mean(question_id, bank.questions)}")
    if value is None:
        if not question.allow_na:
            raise ValueError(f"question '{question_id}' does not allow 'Not applicable' (null)")
        return NA
    if question.type == "text":
        if not isinstance(value, str):
            raise ValueError(f"question '{question_id}' takes text, not {_kind(value)}")
        return value
    if question.type == "choice":
        if isinstance(value, list):
            raise ValueError(f"question '{question_id}' takes one option id, not a list")
        return _option_id(question, value)
    if not isinstance(value, list):
        raise ValueError(f"question '{question_id}' takes a list of option ids, not {_kind(value)}")
    return tuple(dict.fromkeys(_option_id(question, item) for item in value))


def _option_id(question: ScoredQuestion, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"question '{question.id}' takes option ids, not {_kind(value)}")
    option_id = str(value)
    if option_id not in question.option_ids:
        known = ", ".join(question.option_ids)
        raise ValueError(f"question '{question.id}' has no option '{option_id}' (its options: {known})")
    return option_id


def _checked_targets(raw: Any, bank: Bank, complain: Complain) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        complain(("targets",), "'targets' must be a mapping of dimension id to level")
        return {}
    known = {dimension.id for dimension in bank.dimensions}
    top = bank.level_count
    checked: dict[str, int] = {}
    for dimension_id, level in raw.items():
        loc = ("targets", dimension_id)
        if dimension_id not in known:
            complain(loc, f"targets: unknown dimension '{dimension_id}'{_did_you_mean(str(dimension_id), known)}")
        elif isinstance(level, bool) or not isinstance(level, int):
            complain(
                loc, f"target for '{dimension_id}' must be a whole level number from 1 to {top}, not {_kind(level)}"
            )
        elif not 1 <= level <= top:
            complain(loc, f"target for '{dimension_id}' must be a level from 1 to {top}, not {level}")
        else:
            checked[dimension_id] = level
    return checked


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f'the text "{value}"'
    return repr(value)
