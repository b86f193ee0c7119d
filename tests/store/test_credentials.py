"""Encrypted credentials: storage at rest, key files, rotation, errors."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from tajo.credentials import (
    ENV_KEY,
    KeyRing,
    delete_connection,
    fingerprint,
    load_api_key,
    load_connection,
    rotate_api_key,
    rotate_encryption_key,
    save_connection,
)
from tajo.errors import CredentialsError
from tajo.redact import Secret
from tajo.store import Store, claim_outbox, enqueue
from tajo.store import tables as t

API_KEY = Secret("fake-gorgias-key-5f2b9c1e7a")
NEW_API_KEY = Secret("fake-gorgias-key-rotated-88d1")


@pytest.fixture
def keyring(tmp_path: Path) -> KeyRing:
    return KeyRing.load(environ={}, key_file=tmp_path / "keys" / "secret.key")


def _save(store: Store, keyring: KeyRing, connector_id: str = "gorgias") -> None:
    save_connection(
        store,
        connector_id,
        domain="yourstore",
        email="admin@example.com",
        api_key=API_KEY,
        keyring=keyring,
    )


def test_save_then_load_round_trip(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    loaded = load_connection(store, "gorgias", keyring=keyring)
    assert loaded.api_key == API_KEY
    assert loaded.domain == "yourstore"
    assert loaded.email == "admin@example.com"
    assert loaded.key_fingerprint == fingerprint(API_KEY)


def test_stored_column_is_ciphertext(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    with store.transaction("gorgias") as tx:
        raw = tx.conn.scalar(select(t.connections.c.api_key_encrypted))
    assert raw is not None
    assert API_KEY.reveal().encode() not in bytes(raw)


def test_sqlite_file_never_holds_key(
    sqlite_url: str, tmp_path: Path, keyring: KeyRing
) -> None:
    with Store.open(sqlite_url) as store:
        _save(store, keyring)
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    raw = b"".join(
        path.read_bytes()
        for path in database.parent.iterdir()
        if path.name.startswith(database.name)
    )
    # The domain is there in clear, which shows the right files were read.
    assert b"yourstore" in raw
    assert API_KEY.reveal().encode() not in raw


def test_fingerprint_hides_key() -> None:
    shown = fingerprint(API_KEY)
    assert shown.startswith("sha256:")
    assert API_KEY.reveal() not in shown
    assert API_KEY.reveal()[-4:] not in shown


def test_key_file_created_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    KeyRing.load(environ={}, key_file=path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_key_file_default_in_data_dir(tmp_path: Path) -> None:
    ring = KeyRing.load(environ={"TAJO_HOME": str(tmp_path)})
    assert ring.path == tmp_path / "secret.key"


def test_key_file_reused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    first = KeyRing.load(environ={}, key_file=path)
    second = KeyRing.load(environ={}, key_file=path)
    assert first.keys == second.keys


def test_key_file_readable_by_others_rejected(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    KeyRing.load(environ={}, key_file=path)
    path.chmod(0o644)
    with pytest.raises(CredentialsError) as caught:
        KeyRing.load(environ={}, key_file=path)
    message = str(caught.value)
    assert "mode=0644" in message
    assert f"chmod 600 {path}" in message


def test_key_file_missing_without_create(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    with pytest.raises(CredentialsError, match="encryption key missing"):
        KeyRing.load(environ={}, key_file=path, create=False)
    assert not path.exists()


def test_load_with_missing_key_file_explains(
    store: Store, keyring: KeyRing, tmp_path: Path
) -> None:
    _save(store, keyring)
    assert keyring.path is not None
    keyring.path.unlink()
    environ = {"TAJO_HOME": str(tmp_path / "other")}
    with pytest.raises(CredentialsError, match="encryption key missing"):
        load_connection(
            store, "gorgias", keyring=KeyRing.load(environ=environ, create=False)
        )


def test_env_key_takes_precedence(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    ring = KeyRing.load(environ={ENV_KEY: key}, key_file=tmp_path / "secret.key")
    assert ring.source == "env"
    assert not (tmp_path / "secret.key").exists()


def test_env_key_invalid_message_hides_value() -> None:
    with pytest.raises(CredentialsError) as caught:
        KeyRing.load(environ={ENV_KEY: "not-a-fernet-key-value"})
    message = str(caught.value)
    assert f"source={ENV_KEY} position=1" in message
    assert "not-a-fernet-key-value" not in message
    assert "Fernet.generate_key()" in message


def test_wrong_key_cannot_decrypt(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    other = KeyRing([Fernet.generate_key()], source="env", path=None)
    with pytest.raises(CredentialsError) as caught:
        load_api_key(store, "gorgias", keyring=other)
    message = str(caught.value)
    assert "cannot decrypt the stored API key: connector=gorgias" in message
    assert API_KEY.reveal() not in message


def test_load_unknown_connector_explains(store: Store, keyring: KeyRing) -> None:
    with pytest.raises(CredentialsError, match="no stored connection: connector=x"):
        load_connection(store, "x", keyring=keyring)


def test_rotate_api_key_updates_and_stamps(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    rotated = rotate_api_key(store, "gorgias", NEW_API_KEY, keyring=keyring)
    loaded = load_connection(store, "gorgias", keyring=keyring)
    assert loaded.api_key == NEW_API_KEY
    assert loaded.key_fingerprint == fingerprint(NEW_API_KEY)
    assert rotated.rotated_at is not None
    assert loaded.rotated_at == rotated.rotated_at


def test_rotate_api_key_unknown_connector(store: Store, keyring: KeyRing) -> None:
    with pytest.raises(CredentialsError, match="no stored connection"):
        rotate_api_key(store, "missing", NEW_API_KEY, keyring=keyring)


def test_rotate_encryption_key_file(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring, "gorgias:a")
    _save(store, keyring, "gorgias:b")
    result = rotate_encryption_key(store, keyring=keyring)
    assert keyring.path is not None
    reloaded = KeyRing.load(environ={}, key_file=keyring.path, create=False)
    assert result.re_encrypted == 2
    assert reloaded.keys == result.keyring.keys
    assert reloaded.keys[0] not in keyring.keys
    assert load_api_key(store, "gorgias:a", keyring=reloaded) == API_KEY
    assert load_api_key(store, "gorgias:b", keyring=reloaded) == API_KEY


def test_rotate_encryption_key_retires_old_key(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    rotate_encryption_key(store, keyring=keyring)
    old_only = KeyRing(list(keyring.keys), source="env", path=None)
    with pytest.raises(CredentialsError):
        load_api_key(store, "gorgias", keyring=old_only)


def test_rotate_encryption_key_keeps_previous(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    result = rotate_encryption_key(store, keyring=keyring)
    assert result.previous_key_file is not None
    mode = stat.S_IMODE(result.previous_key_file.stat().st_mode)
    previous = result.previous_key_file.read_bytes().split()
    assert mode == 0o600
    assert previous == list(keyring.keys)


def test_rotate_encryption_key_env(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    new_key = Fernet.generate_key()
    environ = {ENV_KEY: f"{new_key.decode()},{keyring.keys[0].decode()}"}
    result = rotate_encryption_key(store, environ=environ)
    only_new = KeyRing([new_key], source="env", path=None)
    assert result.re_encrypted == 1
    assert result.previous_key_file is None
    assert load_api_key(store, "gorgias", keyring=only_new) == API_KEY


def test_rotate_encryption_key_wrong_keys_changes_nothing(
    store: Store, keyring: KeyRing
) -> None:
    _save(store, keyring)
    unrelated = KeyRing([Fernet.generate_key()], source="env", path=None)
    with pytest.raises(CredentialsError):
        rotate_encryption_key(store, keyring=unrelated)
    assert load_api_key(store, "gorgias", keyring=keyring) == API_KEY


def test_rotate_encryption_key_interrupted_still_readable(
    store: Store, keyring: KeyRing
) -> None:
    # A key file that lists the new key first and the old one after it is the
    # state a crash between the rotation's steps leaves behind.
    _save(store, keyring)
    assert keyring.path is not None
    transitional = [Fernet.generate_key(), *keyring.keys]
    keyring.path.write_bytes(b"\n".join(transitional) + b"\n")
    reloaded = KeyRing.load(environ={}, key_file=keyring.path, create=False)
    assert load_api_key(store, "gorgias", keyring=reloaded) == API_KEY


def test_delete_connection_then_load_fails(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    assert delete_connection(store, "gorgias")
    with pytest.raises(CredentialsError, match="no stored connection"):
        load_connection(store, "gorgias", keyring=keyring)


def test_delete_connection_purge_removes_data(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    _save(store, keyring, "other")
    with store.transaction("gorgias") as tx:
        enqueue(tx, "event", {})
    with store.transaction("other") as tx:
        enqueue(tx, "event", {})
    delete_connection(store, "gorgias", purge=True)
    with store.transaction("gorgias") as tx:
        gone = claim_outbox(tx, "w1")
    with store.transaction("other") as tx:
        kept = claim_outbox(tx, "w1")
    assert gone == []
    assert len(kept) == 1
    assert load_api_key(store, "other", keyring=keyring) == API_KEY


def test_secret_never_logged_or_shown(
    store: Store, keyring: KeyRing, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _save(store, keyring)
    loaded = load_connection(store, "gorgias", keyring=keyring)
    rotate_api_key(store, "gorgias", NEW_API_KEY, keyring=keyring)
    rotate_encryption_key(store, keyring=keyring)
    shown = f"{loaded!r} {loaded} {keyring!r} {caplog.text}"
    assert API_KEY.reveal() not in shown
    assert NEW_API_KEY.reveal() not in shown
    assert keyring.keys[0].decode() not in shown


def test_key_file_write_leaves_no_temporary(store: Store, keyring: KeyRing) -> None:
    _save(store, keyring)
    rotate_encryption_key(store, keyring=keyring)
    assert keyring.path is not None
    names = sorted(os.listdir(keyring.path.parent))
    assert names == ["secret.key", "secret.key.previous"]


def test_rotate_encryption_key_twice_keeps_all_old(
    store: Store, keyring: KeyRing
) -> None:
    _save(store, keyring)
    first = rotate_encryption_key(store, keyring=keyring)
    second = rotate_encryption_key(store, keyring=first.keyring)
    assert second.previous_key_file is not None
    previous = second.previous_key_file.read_bytes().split()
    assert previous == [*first.keyring.keys, *keyring.keys]
