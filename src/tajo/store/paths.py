"""Default locations of tajo's files: the data directory and the database."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DATA_DIR_MODE = 0o700


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Return the data directory, creating it with mode 0700 if it is missing.

    The first of these that is set wins: `$TAJO_HOME`, `$XDG_DATA_HOME/tajo`,
    `~/.local/share/tajo`. The directory contains the SQLite database and the
    encryption key file, so only its owner may enter it.
    """
    env = os.environ if environ is None else environ
    if env.get("TAJO_HOME"):
        path = Path(env["TAJO_HOME"]).expanduser()
    elif env.get("XDG_DATA_HOME"):
        path = Path(env["XDG_DATA_HOME"]).expanduser() / "tajo"
    else:
        path = Path.home() / ".local" / "share" / "tajo"
    if not path.exists():
        path.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
        # mkdir applies the umask to the mode, so set it again.
        path.chmod(DATA_DIR_MODE)
    return path


def default_database_url(environ: Mapping[str, str] | None = None) -> str:
    """Return `sqlite:///<data dir>/tajo.db`, the embedded default store.

    The data directory is the one `default_data_dir` picks and creates.
    """
    return f"sqlite:///{default_data_dir(environ) / 'tajo.db'}"
