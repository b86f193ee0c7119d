"""Terminal output shared by the commands: consoles, check lines, plain text.

Every message is printed with rich markup turned off. Error texts contain
`[redacted]` and key paths in brackets, which rich would otherwise read as
style tags and silently drop.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Console

from tajo.redact import redact_url

OK_MARK = "✓"
FAIL_MARK = "✗"
INFO_MARK = "•"


def make_console(*, stderr: bool = False) -> Console:
    """Return a console on stdout (or stderr) that never wraps long lines.

    Error and check lines are grepped by people and tests; wrapping them at
    the terminal width would split a fix across lines.
    """
    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, soft_wrap=True, highlight=False, emoji=False)


@dataclass(frozen=True, slots=True)
class Consoles:
    """The two output streams: results on stdout, warnings and errors on stderr."""

    out: Console
    err: Console

    @classmethod
    def standard(cls) -> Consoles:
        """Return consoles bound to the process's stdout and stderr."""
        return cls(out=make_console(), err=make_console(stderr=True))

    def line(self, text: str = "", *, style: str | None = None) -> None:
        """Print one line of plain text to stdout."""
        self.out.print(text, markup=False, style=style)

    def warn(self, text: str) -> None:
        """Print a warning line to stderr."""
        self.err.print(f"warning: {text}", markup=False, style="yellow")

    def ok(self, text: str) -> None:
        """Print a passed check."""
        self.out.print(f"{OK_MARK} {text}", markup=False, style="green")

    def note(self, text: str) -> None:
        """Print a neutral line, such as a check that was skipped."""
        self.out.print(f"{INFO_MARK} {text}", markup=False)

    def fail(self, text: str, *, cause: str = "", fix: str = "") -> None:
        """Print a failed check with its cause and the fix, each on its own line."""
        self.out.print(f"{FAIL_MARK} {text}", markup=False, style="red")
        if cause:
            self.out.print(f"    cause: {cause}", markup=False)
        if fix:
            self.out.print(f"    fix: {fix}", markup=False)


def format_seconds(seconds: float) -> str:
    """Return a duration as `45 s`, `3 min 20 s` or `2 h 5 min`."""
    total = max(round(seconds), 0)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def format_instant(value: datetime | str | None) -> str:
    """Return an instant as `2026-08-12 10:05:00 UTC`, or `never`."""
    if value is None:
        return "never"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def display_database(url: str) -> str:
    """Return a state database URL for people: the file path, or the URL masked."""
    if url.startswith("sqlite:///"):
        return f"SQLite file {url.removeprefix('sqlite:///')}"
    return redact_url(url)
