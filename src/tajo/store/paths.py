"""Default locations of tajo's files: the data directory and the database."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from tajo.errors import ConfigError

DATA_DIR_MODE = 0o700


def create_private_folder(path: Path, *, setting: str) -> None:
    """Create `path` and its missing parents with mode 0700.

    `setting` names what chose the folder, for the error message.

    Raises:
        ConfigError: the folder cannot be created, for example because a
            parent is missing on a read-only file system or not writable.
    """
    if path.is_dir():
        return
    try:
        path.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
        # mkdir applies the umask to the mode, so set it again.
        path.chmod(DATA_DIR_MODE)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ConfigError(
            f"cannot create folder: folder={path} (from {setting}); {reason}; "
            "expected a folder tajo can create and write; change "
            f"{setting} to a writable location, or create the folder yourself"
        ) from None


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Return the data directory, creating it with mode 0700 if it is missing.

    The first of these that is set wins: `$TAJO_HOME`, `$XDG_DATA_HOME/tajo`,
    `~/.local/share/tajo`. The directory contains the SQLite database and the
    encryption key file, so only its owner may enter it.

    Raises:
        ConfigError: the directory cannot be created.
    """
    env = os.environ if environ is None else environ
    if env.get("TAJO_HOME"):
        path = Path(env["TAJO_HOME"]).expanduser()
    elif env.get("XDG_DATA_HOME"):
        path = Path(env["XDG_DATA_HOME"]).expanduser() / "tajo"
    else:
        path = Path.home() / ".local" / "share" / "tajo"
    if not path.exists():
        create_private_folder(path, setting="$TAJO_HOME or $XDG_DATA_HOME")
    return path


def default_database_url(environ: Mapping[str, str] | None = None) -> str:
    """Return `sqlite:///<data dir>/tajo.db`, the embedded default store.

    The data directory is the one `default_data_dir` picks and creates.
    """
    return f"sqlite:///{default_data_dir(environ) / 'tajo.db'}"
