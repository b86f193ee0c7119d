"""Alembic environment for the state store, driven by `tajo.store.migrate`.

`migrate` passes an open connection in `config.attributes["connection"]`. The
Alembic command line also works: set `sqlalchemy.url` in the Config and point
`script_location` at this folder.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from tajo.store.engine import create_store_engine
from tajo.store.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot alter most constraints in place; batch mode copies the table.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "no database for the migration: sqlalchemy.url is unset; "
            "call tajo.store.migrate(url) or set sqlalchemy.url in the Config"
        )
    engine = create_store_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
