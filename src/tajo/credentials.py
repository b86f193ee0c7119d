"""Encryption at rest for stored API keys (Fernet), and key rotation.

The encryption keys come from `$TAJO_ENCRYPTION_KEY` when it is set, else from
the key file `<data dir>/secret.key`, which is created with mode 0600 on first
use. Either source may list several keys (comma-separated in the variable, one
per line in the file): the first encrypts, and all of them decrypt, which is
what lets a rotation proceed without a moment where a stored key is unreadable.

Rotating the encryption key with a key file keeps the retired keys in
`secret.key.previous` (mode 0600), because database backups taken before the
rotation can only be read with them. Delete that file once those backups are
gone. Neither keys nor API keys are ever logged or put in messages; people see
a fingerprint (a SHA-256 prefix) instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tajo import store as db
from tajo.errors import CredentialsError
from tajo.redact import Secret
from tajo.store import Store

logger = logging.getLogger(__name__)

ENV_KEY = "TAJO_ENCRYPTION_KEY"
KEY_FILE_NAME = "secret.key"
PREVIOUS_KEY_FILE_NAME = "secret.key.previous"
KEY_FILE_MODE = 0o600
GENERATE_HINT = (
    "python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'"
)
# Key rotation reads and rewrites every connector's row in one transaction.
_ALL_CONNECTORS = "*"


class KeyRing:
    """The Fernet keys for stored secrets; the first one encrypts.

    Build one with `KeyRing.load()`. Its repr names the source only.
    """

    def __init__(
        self,
        keys: Sequence[bytes],
        *,
        source: Literal["env", "file"],
        path: Path | None,
    ) -> None:
        if not keys:
            raise ValueError("a KeyRing needs at least one key")
        self._keys = tuple(keys)
        self._fernet = MultiFernet([Fernet(key) for key in self._keys])
        self.source = source
        self.path = path

    @classmethod
    def load(
        cls,
        *,
        environ: Mapping[str, str] | None = None,
        key_file: Path | None = None,
        create: bool = True,
    ) -> KeyRing:
        """Read the keys from `$TAJO_ENCRYPTION_KEY` or else the key file.

        `key_file` defaults to `<data dir>/secret.key`. With `create=True` a
        missing key file is created holding one new key.

        Raises:
            CredentialsError: a key is not a valid Fernet key, the key file is
                missing (with `create=False`) or readable by group or others.
        """
        env = os.environ if environ is None else environ
        if env.get(ENV_KEY, "").strip():
            items = [item.strip() for item in env[ENV_KEY].split(",") if item.strip()]
            return cls(_parse_keys(items, ENV_KEY), source="env", path=None)
        path = key_file or db.default_data_dir(env) / KEY_FILE_NAME
        if not path.exists():
            if not create:
                raise CredentialsError(
                    f"encryption key missing: key_file={path}; expected the key "
                    f"file that encrypted the stored credentials, or {ENV_KEY}; "
                    "restore that file, or install the connection again"
                )
            _create_key_file(path, Fernet.generate_key())
            logger.info("Created a new encryption key file at %s", path)
        return cls(_read_key_file(path), source="file", path=path)

    def encrypt(self, secret: Secret) -> bytes:
        """Return the Fernet token of `secret`, under the first key."""
        return self._fernet.encrypt(secret.reveal().encode())

    def decrypt(self, token: bytes, *, connector_id: str) -> Secret:
        """Return the secret in `token`.

        Raises:
            CredentialsError: no key of this ring encrypted `token`.
        """
        try:
            return Secret(self._fernet.decrypt(token).decode())
        except InvalidToken:
            raise self._wrong_key(connector_id) from None

    def reencrypt(self, token: bytes, *, connector_id: str) -> bytes:
        """Return `token` re-encrypted under the first key.

        Raises:
            CredentialsError: no key of this ring encrypted `token`.
        """
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise self._wrong_key(connector_id) from None

    def _wrong_key(self, connector_id: str) -> CredentialsError:
        where = f"key_file={self.path}" if self.path else f"key_source={ENV_KEY}"
        return CredentialsError(
            f"cannot decrypt the stored API key: connector={connector_id}; {where}; "
            "expected the encryption key that saved it; restore that key, or "
            f"install the connection again with `tajo connectors install`"
        )

    @property
    def keys(self) -> tuple[bytes, ...]:
        """Return the keys, the encrypting one first (for rotation only)."""
        return self._keys

    def __repr__(self) -> str:
        where = self.path if self.path else ENV_KEY
        return f"KeyRing(source={self.source}, at={where}, keys={len(self._keys)})"


@dataclass(frozen=True, slots=True)
class StoredConnection:
    """A connection with its API key decrypted into a masked `Secret`."""

    connector_id: str
    kind: str
    domain: str
    base_url: str | None
    email: str | None
    api_key: Secret
    key_fingerprint: str
    created_at: datetime
    updated_at: datetime
    rotated_at: datetime | None


@dataclass(frozen=True, slots=True)
class KeyRotation:
    """The outcome of `rotate_encryption_key`."""

    re_encrypted: int
    keyring: KeyRing
    # The file keeping the retired keys; None when the keys come from the env.
    previous_key_file: Path | None


def fingerprint(api_key: Secret) -> str:
    """Return a short digest that identifies a key without revealing it."""
    digest = hashlib.sha256(api_key.reveal().encode()).hexdigest()
    return f"sha256:{digest[:12]}"


def save_connection(
    store: Store,
    connector_id: str,
    *,
    domain: str,
    api_key: Secret,
    email: str | None = None,
    kind: str = "gorgias",
    base_url: str | None = None,
    keyring: KeyRing | None = None,
) -> StoredConnection:
    """Encrypt `api_key` and store the connection, replacing any earlier one.

    Raises:
        CredentialsError: no usable encryption key (see `KeyRing.load`).
    """
    ring = keyring or KeyRing.load()
    with store.transaction(connector_id) as tx:
        db.put_connection(
            tx,
            kind,
            domain,
            base_url=base_url,
            email=email,
            api_key_encrypted=ring.encrypt(api_key),
            key_fingerprint=fingerprint(api_key),
        )
        row = db.get_connection(tx)
    assert row is not None  # written in the same transaction
    logger.info(
        "Saved the %s connection %s (key %s)", kind, connector_id, row.key_fingerprint
    )
    return _decrypted(row, ring)


def load_connection(
    store: Store, connector_id: str, *, keyring: KeyRing | None = None
) -> StoredConnection:
    """Return the stored connection with its API key decrypted.

    Raises:
        CredentialsError: nothing is stored for `connector_id`, or the
            encryption key is missing or is not the one that saved it.
    """
    with store.transaction(connector_id, read_only=True) as tx:
        row = db.get_connection(tx)
    if row is None:
        raise _not_installed(connector_id)
    return _decrypted(row, keyring or KeyRing.load(create=False))


def load_api_key(
    store: Store, connector_id: str, *, keyring: KeyRing | None = None
) -> Secret:
    """Return the stored API key of `connector_id`; see `load_connection`."""
    return load_connection(store, connector_id, keyring=keyring).api_key


def rotate_api_key(
    store: Store, connector_id: str, new_key: Secret, *, keyring: KeyRing | None = None
) -> StoredConnection:
    """Replace the stored API key with `new_key` and stamp `rotated_at`.

    Raises:
        CredentialsError: nothing is stored for `connector_id`, or no usable
            encryption key.
    """
    ring = keyring or KeyRing.load()
    with store.transaction(connector_id) as tx:
        updated = db.set_connection_key(
            tx,
            connector_id,
            ring.encrypt(new_key),
            key_fingerprint=fingerprint(new_key),
            rotated=True,
        )
        row = db.get_connection(tx)
    if not updated or row is None:
        raise _not_installed(connector_id)
    logger.info("Rotated the API key of %s (now %s)", connector_id, row.key_fingerprint)
    return _decrypted(row, ring)


def rotate_encryption_key(
    store: Store,
    *,
    keyring: KeyRing | None = None,
    environ: Mapping[str, str] | None = None,
) -> KeyRotation:
    """Re-encrypt every stored API key under a new encryption key.

    With a key file, a new key is generated and applied in three steps. First
    the key file gets the new key in front of the old ones. Then every row is
    re-encrypted in one transaction. Last, the old keys are added to
    `secret.key.previous` and the key file keeps only the new key. A crash
    between any two steps leaves every row readable with the key file.

    With `$TAJO_ENCRYPTION_KEY`, put the new key first in the variable and the
    old ones after it ("new,old"); this re-encrypts every row under the first,
    after which the old keys can be dropped from the variable.

    Raises:
        CredentialsError: a stored key cannot be decrypted with these keys;
            nothing was changed in the database then.
    """
    ring = keyring or KeyRing.load(environ=environ, create=False)
    if ring.source == "env" or ring.path is None:
        count = _reencrypt_all(store, ring)
        return KeyRotation(re_encrypted=count, keyring=ring, previous_key_file=None)
    path = ring.path
    new_key = Fernet.generate_key()
    transitional = KeyRing([new_key, *ring.keys], source="file", path=path)
    _replace_key_file(path, transitional.keys)
    count = _reencrypt_all(store, transitional)
    previous = path.with_name(PREVIOUS_KEY_FILE_NAME)
    # Earlier rotations' keys stay too: older backups may need any of them.
    kept = _read_key_file(previous) if previous.exists() else []
    _replace_key_file(previous, list(dict.fromkeys([*ring.keys, *kept])))
    _replace_key_file(path, (new_key,))
    logger.info("Rotated the encryption key in %s; old keys kept in %s", path, previous)
    final = KeyRing([new_key], source="file", path=path)
    return KeyRotation(re_encrypted=count, keyring=final, previous_key_file=previous)


def delete_connection(store: Store, connector_id: str, *, purge: bool = False) -> bool:
    """Delete the stored connection (uninstall); returns False if none was stored.

    `purge=True` also deletes every synced row of the connector: the mirror,
    queues, ledgers, runs and watermarks.
    """
    with store.transaction(connector_id) as tx:
        existed = db.delete_connection(tx)
        if purge:
            db.purge_connector(tx)
    logger.info("Deleted the connection %s (purge=%s)", connector_id, purge)
    return existed


def _reencrypt_all(store: Store, ring: KeyRing) -> int:
    with store.transaction(_ALL_CONNECTORS) as tx:
        rows = db.list_connections(tx)
        for row in rows:
            db.set_connection_key(
                tx,
                row.connector_id,
                ring.reencrypt(row.api_key_encrypted, connector_id=row.connector_id),
                key_fingerprint=row.key_fingerprint,
                rotated=False,
            )
    return len(rows)


def _decrypted(row: db.ConnectionRow, ring: KeyRing) -> StoredConnection:
    return StoredConnection(
        connector_id=row.connector_id,
        kind=row.kind,
        domain=row.domain,
        base_url=row.base_url,
        email=row.email,
        api_key=ring.decrypt(row.api_key_encrypted, connector_id=row.connector_id),
        key_fingerprint=row.key_fingerprint,
        created_at=row.created_at,
        updated_at=row.updated_at,
        rotated_at=row.rotated_at,
    )


def _not_installed(connector_id: str) -> CredentialsError:
    return CredentialsError(
        f"no stored connection: connector={connector_id}; expected an installed "
        "connection; run `tajo connectors install gorgias --domain ... "
        "--api-key ...` first"
    )


def _parse_keys(items: Sequence[str], source: str) -> list[bytes]:
    keys: list[bytes] = []
    for position, item in enumerate(items, start=1):
        try:
            Fernet(item.encode())
        except ValueError:
            raise CredentialsError(
                f"invalid encryption key: source={source} position={position}; "
                "expected a urlsafe base64 Fernet key of 32 bytes; generate one "
                f"with {GENERATE_HINT}"
            ) from None
        keys.append(item.encode())
    if not keys:
        raise CredentialsError(
            f"invalid encryption key: source={source}; expected at least one "
            f"Fernet key; generate one with {GENERATE_HINT}"
        )
    return keys


def _read_key_file(path: Path) -> list[bytes]:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CredentialsError(
            f"encryption key file is readable by others: key_file={path} "
            f"mode={mode:04o}; expected mode 0600; run: chmod 600 {path}"
        )
    lines = path.read_text(encoding="ascii").splitlines()
    return _parse_keys([line.strip() for line in lines if line.strip()], str(path))


def _write_temporary(path: Path, keys: Sequence[bytes]) -> Path:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    # O_EXCL with mode 0600: the key is never readable by others, not even
    # for a moment between creating the file and changing its mode.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"\n".join(keys) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def _create_key_file(path: Path, key: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = _write_temporary(path, [key])
    try:
        # link() fails if the file appeared meanwhile: two processes starting
        # together keep the first key instead of overwriting each other's.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    _sync_directory(path.parent)


def _replace_key_file(path: Path, keys: Sequence[bytes]) -> None:
    temporary = _write_temporary(path, keys)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
