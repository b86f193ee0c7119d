"""Run the packaged Alembic migrations without an alembic.ini."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from tajo.store.engine import create_store_engine

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Any constant works; it only has to be the same in every tajo process.
_POSTGRES_MIGRATION_LOCK = 0x7461_6A6F


def alembic_config() -> Config:
    """Return an Alembic Config whose script_location is the packaged folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """Return the newest revision shipped with this version of tajo."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration found in {MIGRATIONS_DIR}")
    return head


def migrate(url: str | URL) -> None:
    """Upgrade the database at `url` to the newest revision.

    Raises:
        ConfigError: the URL is invalid or names an unsupported backend.
    """
    engine = create_store_engine(url)
    try:
        migrate_engine(engine)
    finally:
        engine.dispose()


def migrate_engine(engine: Engine) -> None:
    """Upgrade the database behind `engine` to the newest revision.

    The whole upgrade runs in one transaction. On PostgreSQL an advisory lock
    makes processes that start together wait for the first one, and on SQLite
    the write lock taken by `BEGIN IMMEDIATE` does the same.
    """
    head = head_revision()
    with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": _POSTGRES_MIGRATION_LOCK},
            )
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return
        logger.info("Migrating the state store from %s to %s", current, head)
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
