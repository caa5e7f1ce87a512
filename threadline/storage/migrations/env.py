"""Alembic's environment: run the revisions on the connection Store.migrate passes in.

``config.attributes["connection"]`` is a connection inside a transaction (holding the
migration lock); Alembic runs in it and leaves the commit to the caller. From the
command line there is none: then ``sqlalchemy.url`` (``DATABASE_URL``) is opened,
or, with ``--sql``, the SQL is printed.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from threadline.storage.database import _create_engine
from threadline.storage.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    config = context.config
    given: Connection | None = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set DATABASE_URL to the database to compare with or upgrade")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = _create_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


_main()
