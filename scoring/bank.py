"""The question bank: frozen pydantic models for the YAML format documented in questions/README.md.

The models check the shape of a bank (keys, types, counts); the rules that span several
entries (unique ids, thresholds, score ranges) are checked in `scoring.validate`, which
also turns every problem into a `PATH:LINE: message` line.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal, get_args

from pydantic import (
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    field_validator,
    model_validator,
)

Slug = Annotated[str, Strict(), Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Text = Annotated[str, Strict(), Field(min_length=1)]
Markdown = Annotated[str, Strict()]
Number = Annotated[float, Strict(), AllowInfNan(False)]
Weight = Annotated[Number, Field(ge=0)]
Flag = Annotated[bool, Strict()]

QuestionType = Literal["choice", "multi", "text"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Model):
    """One step of the maturity scale; level k (1-based) has score k."""

    name: Text
    description: Markdown | None = None
    min_score: Number | None = None


class Option(_Model):
    """One answer option of a choice or multi question.

    `next_step` is what to do next: for a choice option, when it is the answer given; for a
    multi option, when it is *not* ticked (the practice it names is missing).
    """

    id: Slug
    label: Text
    score: Number | None = None
    points: Annotated[Number, Field(ge=0)] | None = None
    next_step: Markdown | None = None


class Recommendation(_Model):
    """A dimension-level step; left out when the answers named in `done_if` show it is done.

    `done_if` maps a question id to option ids: a choice answer among them, or a multi answer
    ticking all of them, means the step is done. With several questions, all must hold.
    A bank may write a recommendation as plain markdown text, which is never left out.
    """

    step: Text
    done_if: dict[Slug, tuple[Slug, ...]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _text_is_a_step(cls, data: object) -> object:
        return {"step": data} if isinstance(data, str) else data


class _QuestionBase(_Model):
    """What every question has; `Question` is one of the three kinds below, read by its `type`."""

    id: Slug
    text: Text
    help: Markdown | None = None
    weight: Weight = 1.0
    required: Flag | None = None
    allow_na: Flag = False

    @property
    def is_scored(self) -> bool:
        """True for choice and multi questions."""
        return isinstance(self, ScoredQuestion)

    @property
    def is_required(self) -> bool:
        """`required`, defaulting to true for choice and multi and false for text."""
        return self.is_scored if self.required is None else self.required


class ScoredQuestion(_QuestionBase):
    """A choice or multi question: always has its options (at least 2 in a valid bank)."""

    type: Literal["choice", "multi"]
    options: tuple[Option, ...]

    @model_validator(mode="before")
    @classmethod
    def _number_unnamed_options(cls, data: object) -> object:
        """An option without an id gets its 1-based position as a string."""
        if isinstance(data, dict) and isinstance(data.get("options"), list):
            options = [
                {"id": str(position), **option} if isinstance(option, dict) and "id" not in option else option
                for position, option in enumerate(data["options"], start=1)
            ]
            return {**data, "options": options}
        return data

    @cached_property
    def option_ids(self) -> tuple[str, ...]:
        """The option ids in bank order."""
        return tuple(option.id for option in self.options)


class ChoiceQuestion(ScoredQuestion):
    """One option is the answer; each option has a score (positional by default)."""

    type: Literal["choice"] = "choice"


class MultiQuestion(ScoredQuestion):
    """Any options may be ticked; each ticked option adds its points."""

    type: Literal["multi"]


class TextQuestion(_QuestionBase):
    """A free-text question: not scored, and it takes no options."""

    type: Literal["text"]


def _question_type(data: object) -> str:
    """The union member to read a question as: its `type` (default choice); anything else fails as unknown."""
    if isinstance(data, dict):
        kind = data.get("type", "choice")
        return kind if isinstance(kind, str) and kind in QUESTION_TYPES else UNKNOWN_TYPE
    if isinstance(data, ChoiceQuestion | MultiQuestion | TextQuestion):
        return data.type
    return "choice"  # not a mapping: reported as such by the choice model


QUESTION_TYPES: tuple[QuestionType, ...] = get_args(QuestionType)
UNKNOWN_TYPE = "unknown type"

Question = Annotated[
    Annotated[ChoiceQuestion, Tag("choice")]
    | Annotated[MultiQuestion, Tag("multi")]
    | Annotated[TextQuestion, Tag("text")],
    Discriminator(_question_type),
]
"""One question, by its `type`: choice and multi questions are scored (and have options), text questions are not."""


class Dimension(_Model):
    """A group of questions scored together, e.g. strategic alignment."""

    id: Slug
    title: Text
    description: Markdown | None = None
    weight: Weight = 1.0
    recommendations: dict[Annotated[int, Strict()], tuple[Recommendation, ...]] = Field(default_factory=dict)
    questions: tuple[Question, ...] = Field(min_length=1)

    @field_validator("recommendations", mode="before")
    @classmethod
    def _level_keys_as_numbers(cls, value: object) -> object:
        """Keys may be written 1 or "1"; both mean level 1 (other keys fail the type check, at their line)."""
        if not isinstance(value, dict):
            return value
        return {
            int(key) if isinstance(key, str) and key.strip().isdigit() else key: steps for key, steps in value.items()
        }


class Bank(_Model):
    """A whole question bank."""

    schema_version: Annotated[int, Strict()] = Field(alias="schema")
    id: Slug
    version: Text
    title: Text
    description: Markdown | None = None
    levels: tuple[Level, ...] = Field(min_length=2, max_length=10)
    overall_level: Literal["mean", "weakest_link"] = "mean"
    dimensions: tuple[Dimension, ...] = Field(min_length=1)

    @property
    def level_count(self) -> int:
        """L, the number of levels; every score lies in [1, L]."""
        return len(self.levels)

    @cached_property
    def thresholds(self) -> tuple[float, ...]:
        """The effective min_score of each level (k where none is given)."""
        return tuple(
            float(k) if level.min_score is None else level.min_score for k, level in enumerate(self.levels, start=1)
        )

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by id, in bank order."""
        return {question.id: question for dimension in self.dimensions for question in dimension.questions}

    @cached_property
    def scored_questions(self) -> dict[str, ScoredQuestion]:
        """Every choice and multi question by id, in bank order."""
        return {qid: question for qid, question in self.questions.items() if isinstance(question, ScoredQuestion)}

    @cached_property
    def dimension_of(self) -> dict[str, Dimension]:
        """The dimension each question id belongs to."""
        return {question.id: dimension for dimension in self.dimensions for question in dimension.questions}

    @cached_property
    def option_scores(self) -> dict[str, dict[str, float]]:
        """For each choice question id, the score of each option id (positional where not given)."""
        top = self.level_count - 1
        return {
            question.id: {
                option.id: option.score if option.score is not None else 1 + i * top / (len(question.options) - 1)
                for i, option in enumerate(question.options)
            }
            for question in self.questions.values()
            if isinstance(question, ChoiceQuestion) and len(question.options) > 1
        }

    @cached_property
    def option_points(self) -> dict[str, dict[str, float]]:
        """For each multi question id, the points of each option id (default 1)."""
        return {
            question.id: {option.id: 1.0 if option.points is None else option.points for option in question.options}
            for question in self.questions.values()
            if isinstance(question, MultiQuestion)
        }
