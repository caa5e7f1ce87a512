"""The ``alembic`` command line on Threadline's migrations, without an ``alembic.ini``.

    python -m threadline.storage.migrations revision -m "add a column" --rev-id 0002
    DATABASE_URL=sqlite:///data/threadline.db python -m threadline.storage.migrations revision --autogenerate -m "..."

Commands that need a database (``--autogenerate``, ``current``, ``history``...)
use ``DATABASE_URL``. Apply revisions with :meth:`Store.migrate` (the app does at
start-up), which runs the legacy steps first and holds the migration lock.
"""

from __future__ import annotations

import os
import sys

from alembic.config import CommandLine

from threadline.storage.migrations import alembic_config


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments as ``alembic`` does and run the command."""
    cli = CommandLine(prog="python -m threadline.storage.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    cli.run_cmd(alembic_config(url=os.environ.get("DATABASE_URL")), options)


if __name__ == "__main__":
    main(sys.argv[1:])
