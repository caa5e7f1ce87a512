"""The optional context a respondent gives on the start page, and the time the survey takes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from threadline.organisation import INDUSTRIES, SIZES

if TYPE_CHECKING:
    from scoring.bank import Bank

__all__ = ["INDUSTRIES", "MAX_TEXT", "ROLES", "SIZES", "clean_context", "minutes_to_answer", "words_to_read"]

ROLES = (
    "Leadership",
    "Marketing",
    "Customer service",
    "PR / communications",
    "Sales / e-commerce",
    "HR",
    "Other",
)
MAX_TEXT = 120
WORDS_PER_MINUTE = 200  # careful reading, as of answer options one weighs against each other
SECONDS_TO_DECIDE = 5  # per question, on top of reading it


def words_to_read(bank: Bank) -> int:
    """The words a person reads on the survey: each dimension's description, each question's
    text and help, and every option label (not the next steps, which only the results show).

    Words are runs of characters between whitespace, Markdown marks included.
    """
    texts: list[str] = []
    for dimension in bank.dimensions:
        texts.append(dimension.description or "")
        for question in dimension.questions:
            texts += [question.text, question.help or ""]
            texts += [option.label for option in getattr(question, "options", ())]
    return sum(len(text.split()) for text in texts)


def minutes_to_answer(bank: Bank) -> int:
    """The time the survey takes, from what there is to read and decide.

    minutes = words_to_read / WORDS_PER_MINUTE + questions × SECONDS_TO_DECIDE / 60, rounded
    to the nearest 5 (halves up) and at least 5. The default bank: 3,951 words and 41
    questions, 19.76 + 3.42 = 23.2 minutes, so about 25.
    """
    minutes = words_to_read(bank) / WORDS_PER_MINUTE + len(bank.questions) * SECONDS_TO_DECIDE / 60
    return max(5, 5 * math.floor(minutes / 5 + 0.5))


def clean_context(
    organisation: str, role: str | None, industry: str | None, size: str | None, industry_detail: str = ""
) -> dict[str, str]:
    """The context to store: trimmed, length-capped, empty fields left out.

    `industry` is a choice of INDUSTRIES; `industry_detail` the industry in the person's own words.
    """
    values = {
        "organisation": organisation,
        "role": role or "",
        "industry": industry or "",
        "industry_detail": industry_detail,
        "size": size or "",
    }
    return {key: value.strip()[:MAX_TEXT] for key, value in values.items() if value and value.strip()}
