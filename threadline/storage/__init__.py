"""Storage of question banks, assessments, answers and links (SQLAlchemy 2 Core).

The package, one module per concern:

- :mod:`~threadline.storage.store`: the :class:`Store` facade and ``migrate``;
- :mod:`~threadline.storage.database`: the engine, SQLite's settings, write transactions;
- :mod:`~threadline.storage.schema`: the current tables, written out once;
- :mod:`~threadline.storage.legacy`: the frozen schema versions 1 and 2 and their steps;
- :mod:`~threadline.storage.migrations`: Alembic, for every schema change from version 2 on;
- :mod:`~threadline.storage.banks`, :mod:`~threadline.storage.assessments`,
  :mod:`~threadline.storage.engagements`, :mod:`~threadline.storage.respondents`: the
  store's methods, one class per aggregate, that :class:`Store` combines;
- :mod:`~threadline.storage.guesses`: wrong guesses of secrets, for the throttle;
- :mod:`~threadline.storage.home`: the consultant's home (every round, new links, archive);
- :mod:`~threadline.storage.records`: the records, errors, type aliases and limits.

Everything the rest of Threadline uses is importable from here.
"""

from __future__ import annotations

from threadline.storage.banks import content_hash
from threadline.storage.guesses import Attempt
from threadline.storage.legacy import MIGRATIONS
from threadline.storage.peers import PeerColumns, PeerKind, PeerScores
from threadline.storage.records import (
    ACTION_STATUSES,
    BUSY_TIMEOUT_MS,
    MAX_ID_LENGTH,
    MAX_NOTE_LENGTH,
    AnswerValue,
    AssessmentKind,
    AssessmentRecord,
    ConsensusAction,
    EngagementClosedError,
    EngagementLink,
    EngagementLinkKind,
    EngagementRecord,
    EngagementStatus,
    EngagementSummary,
    LinkKind,
    LinkLookup,
    NotFoundError,
    Respondent,
    Status,
    WriteFailedError,
    WriteProblem,
)

# The tables are imported from threadline.storage.schema: three of their names (assessments,
# banks, engagements) are also this package's modules, and a module would shadow the table.
from threadline.storage.schema import UTCDateTime, answers, consensus_reasons, links, metadata, schema_version
from threadline.storage.store import Store

__all__ = [
    "ACTION_STATUSES",
    "BUSY_TIMEOUT_MS",
    "MAX_ID_LENGTH",
    "MAX_NOTE_LENGTH",
    "MIGRATIONS",
    "AnswerValue",
    "AssessmentKind",
    "AssessmentRecord",
    "Attempt",
    "ConsensusAction",
    "EngagementClosedError",
    "EngagementLink",
    "EngagementLinkKind",
    "EngagementRecord",
    "EngagementStatus",
    "EngagementSummary",
    "LinkKind",
    "LinkLookup",
    "NotFoundError",
    "PeerColumns",
    "PeerKind",
    "PeerScores",
    "Respondent",
    "Status",
    "Store",
    "UTCDateTime",
    "WriteFailedError",
    "WriteProblem",
    "answers",
    "consensus_reasons",
    "content_hash",
    "links",
    "metadata",
    "schema_version",
]
