"""Migrations, engine settings and the default database location."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from tajo.clock import FakeClock
from tajo.errors import ConfigError, StoreError
from tajo.store import (
    Store,
    default_data_dir,
    default_database_url,
    head_revision,
    migrate,
)
from tajo.store import tables as t
from tajo.store.engine import display_url, normalize_url


def test_migrate_creates_every_table(store: Store) -> None:
    with store.engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
    expected = {table.name for table in t.metadata.sorted_tables} | {"alembic_version"}
    assert names == expected


def test_migrate_matches_table_definitions(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, t.metadata)
    assert differences == []


def test_migrate_records_head_revision(store: Store) -> None:
    with store.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    assert current == head_revision()


def test_migrate_twice_is_noop(store_url: str, clock: FakeClock) -> None:
    Store.open(store_url, clock=clock).close()
    migrate(store_url)
    with Store.open(store_url, clock=clock) as again, again.engine.connect() as conn:
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    assert [row[0] for row in rows] == [head_revision()]


def test_migrate_concurrent_opens(store_url: str, clock: FakeClock) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_store() -> None:
        try:
            barrier.wait()
            Store.open(store_url, clock=clock).close()
        except BaseException as exc:  # reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_downgrade_drops_everything(store_url: str) -> None:
    from alembic import command

    from tajo.store.engine import create_store_engine
    from tajo.store.migrate import alembic_config

    migrate(store_url)
    engine = create_store_engine(store_url)
    try:
        with engine.connect() as conn, conn.begin():
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert names <= {"alembic_version"}


def test_sqlite_uses_wal_and_foreign_keys(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store, store.engine.connect() as conn:
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        foreign_keys = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
        busy_timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert journal == "wal"
    assert foreign_keys == 1
    assert busy_timeout == 30_000


def test_sqlite_second_writer_waits_for_first(sqlite_url: str) -> None:
    first = Store.open(sqlite_url)
    second = Store.open(sqlite_url, migrate=False, busy_timeout_seconds=0.05)
    try:
        # BEGIN IMMEDIATE: the second writer cannot start while the first
        # holds the write lock, and gives up after its busy timeout.
        with (
            first.transaction("gorgias"),
            pytest.raises(StoreError) as caught,
            second.transaction("gorgias"),
        ):
            pass
    finally:
        first.close()
        second.close()
    assert "database is locked" in str(caught.value)


def test_sqlite_reader_does_not_wait_for_writer(sqlite_url: str) -> None:
    writer = Store.open(sqlite_url)
    reader = Store.open(sqlite_url, migrate=False, busy_timeout_seconds=0.05)
    try:
        with (
            writer.transaction("gorgias"),
            reader.transaction("gorgias", read_only=True) as tx,
        ):
            count = tx.conn.scalar(select(t.customers.c.id).limit(1))
    finally:
        writer.close()
        reader.close()
    assert count is None


def test_datetimes_round_trip_as_aware_utc(store: Store) -> None:
    paris = timezone(timedelta(hours=2))
    written = datetime(2026, 8, 12, 14, 5, 6, 789, tzinfo=paris)
    with store.transaction("gorgias") as tx:
        tx.conn.execute(
            t.watermarks.insert().values(
                connector_id="gorgias",
                resource="r",
                value_at=written,
                updated_at=written,
            )
        )
    with store.transaction("gorgias") as tx:
        read = tx.conn.scalar(select(t.watermarks.c.value_at))
    assert read == written
    assert read is not None
    assert read.tzinfo == UTC


def test_datetimes_naive_rejected(store: Store) -> None:
    naive = datetime(2026, 8, 12, 14, 5)  # noqa: DTZ001 (the case under test)
    with pytest.raises(StoreError), store.transaction("gorgias") as tx:
        tx.conn.execute(
            t.watermarks.insert().values(
                connector_id="gorgias", resource="r", value_at=naive, updated_at=naive
            )
        )


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction("gorgias") as tx:
        tx.conn.execute(
            t.leases.insert().values(
                connector_id="gorgias",
                name="sync",
                holder="a",
                acquired_at=tx.now(),
                expires_at=tx.now(),
            )
        )
        raise RuntimeError("boom")
    with store.transaction("gorgias") as tx:
        assert tx.conn.scalar(select(t.leases.c.holder)) is None


def test_store_error_hides_parameters(store: Store) -> None:
    with pytest.raises(StoreError) as caught, store.transaction("gorgias") as tx:
        for _ in range(2):
            tx.conn.execute(
                t.leases.insert().values(
                    connector_id="gorgias",
                    name="sync",
                    holder="holder-with-secret-value",
                    acquired_at=tx.now(),
                    expires_at=tx.now(),
                )
            )
    message = str(caught.value)
    assert "connector=gorgias" in message
    assert "holder-with-secret-value" not in message


def test_open_unreachable_postgres_raises_store_error() -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused.
    url = "postgresql+psycopg://postgres:hunter2@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    assert "hunter2" not in str(caught.value)
    assert "127.0.0.1:1" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
    ids=["postgresql", "postgres", "psycopg", "sqlite"],
)
def test_normalize_url_picks_psycopg(url: str, expected: str) -> None:
    assert normalize_url(url).render_as_string() == expected


def test_normalize_url_rejects_mysql() -> None:
    with pytest.raises(ConfigError, match="unsupported database: backend='mysql'"):
        normalize_url("mysql://u@h/db")


def test_open_creates_sqlite_parent_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "tajo.db"
    Store.open(f"sqlite:///{path}").close()
    assert path.exists()


def test_default_data_dir_prefers_tajo_home(tmp_path: Path) -> None:
    environ = {"TAJO_HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path)}
    assert default_data_dir(environ) == tmp_path / "home"


def test_default_data_dir_uses_xdg(tmp_path: Path) -> None:
    assert default_data_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "tajo"


def test_default_data_dir_falls_back_to_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "share" / "tajo"
    assert default_data_dir({}) == expected


def test_default_data_dir_mode_0700(tmp_path: Path) -> None:
    path = default_data_dir({"TAJO_HOME": str(tmp_path / "new")})
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


def test_default_database_url_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    url = default_database_url({"TAJO_HOME": str(tmp_path)})
    assert url == f"sqlite:///{tmp_path / 'tajo.db'}"


def test_display_url_masks_passwords() -> None:
    url = normalize_url("postgresql://u:hunter2@h/db?password=hunter3&sslmode=require")
    shown = display_url(url)
    assert "hunter2" not in shown
    assert "hunter3" not in shown
    assert "sslmode=require" in shown


def test_display_url_keeps_sqlite_path() -> None:
    url = normalize_url("sqlite:////var/lib/tajo/tajo.db")
    assert display_url(url) == "sqlite:////var/lib/tajo/tajo.db"
