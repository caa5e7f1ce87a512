"""Peer comparison for a self-assessment: joining, withdrawing, and the comparison the results page shows.

The owner's choice is kept in the assessment's context (`COMPARE_KEY`), off unless they turn
it on. While it is on and the assessment is submitted, its row in the comparison
(`threadline.storage.PeerStore`) holds its current scores, industry and size choices, and
nothing else: `keep_current` rewrites the row whenever the scores differ from it.

The rows of a bank version are read once per process and kept while the database's marker
for them (`Store.peer_marker`: count, latest change, ids) stays the same, so a results page
asks the database one small question, not for every row; they are kept as arrays too
(`scoring.peer_population`), so a comparison is a few array operations, not a walk through
every organisation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from scoring.answers import Responses
from scoring.engine import Result, score
from scoring.peer_population import Population, compare_population, population_of_scores
from scoring.peers import Comparison, PeerRow
from threadline.organisation import INDUSTRIES, SIZES
from threadline.storage import PeerColumns, PeerScores
from threadline.web import resources
from threadline.web.session import Assessment

COMPARE_KEY = "compare"
CHOICE_LABEL = "Include my anonymous scores in comparisons with other organisations"
CHOICE_HELP = (
    "Only your scores, your industry and your size are used: never your name, notes or typed answers. "
    "Turn it off on the results page to withdraw them at once."
)


def compared(assessment: Assessment) -> bool:
    """Whether the owner has chosen to include the assessment's anonymous scores in comparisons."""
    return bool(assessment.context.get(COMPARE_KEY))


def set_compared(assessment: Assessment, on: bool) -> None:
    """Join the comparison (from submit on) or withdraw from it, at once and entirely."""
    if not assessment.editable:
        raise PermissionError("a read-only link cannot change what is compared")
    store = resources.store()
    assessment.context = {**assessment.context, COMPARE_KEY: bool(on)}
    store.set_context(assessment.id, assessment.context)
    if on:
        keep_current(assessment)
    else:
        store.withdraw_peer_scores(assessment.id)


def keep_current(assessment: Assessment) -> None:
    """Write the assessment's row when it is compared and submitted and the row is not its current scores."""
    if not (compared(assessment) and assessment.status == "submitted" and assessment.kind == "self"):
        return
    scores = peer_scores_of(assessment)
    store = resources.store()
    if store.peer_row(assessment.id) != scores:
        store.save_peer_scores(scores)


def peer_scores_of(assessment: Assessment) -> PeerScores:
    """The assessment's row in the comparison: scores and the industry and size choices only."""
    bank = assessment.bank
    result = score(bank, Responses(dict(assessment.answers)))
    return PeerScores(
        assessment_id=assessment.id,
        bank_id=bank.id,
        bank_version=bank.version,
        kind="self",
        industry=industry_of(assessment),
        size=size_of(assessment),
        overall=result.score,
        dimensions={d.id: d.score for d in result.dimensions},
    )


def industry_of(assessment: Assessment) -> str | None:
    """The industry chosen from the list (free text alone places no one in an industry group)."""
    chosen = assessment.context.get("industry")
    return chosen if chosen in INDUSTRIES else None


def size_of(assessment: Assessment) -> str | None:
    chosen = assessment.context.get("size")
    return chosen if chosen in SIZES else None


def comparison(assessment: Assessment, result: Result) -> Comparison | None:
    """How the assessment compares with every other self-assessment of its bank version that joined.

    The assessment itself is never among its peers, whether it joined or not.
    """
    bank = assessment.bank
    kept = _kept(bank.id, bank.version)
    scores = {d.id: d.score for d in result.dimensions}
    own = PeerRow(industry_of(assessment), size_of(assessment), result.score, scores)
    k = resources.settings().peer_min_group
    people = kept.people([d.id for d in bank.dimensions])
    return compare_population(own, people, k, kept.index_of(assessment.id))


@dataclass
class _Kept:
    """The rows of one bank version as the database's marker last saw them, and their arrays."""

    marker: object
    columns: PeerColumns
    ids: np.ndarray
    _people: Population | None = None

    def people(self, dimension_ids: list[str]) -> Population:
        """The rows as a `Population` (built on first use; a bank version's dimensions do not change)."""
        if self._people is None or self._people.dimension_ids != tuple(dimension_ids):
            c = self.columns
            self._people = population_of_scores(c.industries, c.sizes, c.dimension_ids, c.scores, dimension_ids)
        return self._people

    def index_of(self, assessment_id: int) -> int | None:
        """The assessment's row, if it is among them (it is never its own peer)."""
        at = int(np.searchsorted(self.ids, assessment_id))
        return at if at < self.ids.size and self.ids[at] == assessment_id else None


_cache: dict[tuple[str, str], _Kept] = {}
_lock = threading.Lock()


def _kept(bank_id: str, bank_version: str) -> _Kept:
    """The self-assessments' rows of one bank version, read again only when the database says they changed."""
    store = resources.store()
    marker = store.peer_marker(bank_id, bank_version)
    with _lock:
        kept = _cache.get((bank_id, bank_version))
        if kept is not None and kept.marker == marker:
            return kept
    columns = store.peer_columns(bank_id, bank_version, kind="self")  # in assessment order
    fresh = _Kept(marker, columns, columns.assessment_ids)
    with _lock:
        _cache[(bank_id, bank_version)] = fresh
    return fresh
