"""The optional context a respondent gives on the start page."""

ROLES = (
    "Leadership",
    "Marketing",
    "Customer service",
    "PR / communications",
    "Sales / e-commerce",
    "HR",
    "Other",
)
SIZES = ("1–9 people", "10–49 people", "50–249 people", "250–999 people", "1,000 or more")
MAX_TEXT = 120
SECONDS_PER_QUESTION = 22


def minutes_to_answer(question_count: int) -> int:
    """A rough time to answer, rounded to 5 minutes (at least 5)."""
    minutes = question_count * SECONDS_PER_QUESTION / 60
    return max(5, int(5 * round(minutes / 5)))


def clean_context(organisation: str, role: str | None, industry: str, size: str | None) -> dict[str, str]:
    """The context to store: trimmed, length-capped, empty fields left out."""
    values = {"organisation": organisation, "role": role or "", "industry": industry, "size": size or ""}
    return {key: value.strip()[:MAX_TEXT] for key, value in values.items() if value and value.strip()}
