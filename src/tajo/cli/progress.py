"""Progress bars for a sync, drawn with rich from the engine's callbacks.

One bar per stage, plus a line with the estimated time left. The estimate
comes from the Gorgias rate limiter (requests still expected at the
account's budget), because reading Gorgias, not writing Brevo, is what makes
a large sync slow.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from tajo.cli.output import format_seconds

# Messages printed above the bars before the rest are only counted; -v shows all.
MESSAGE_LIMIT = 10
# The stage whose bar shows the latest message as its label.
WRITE_STAGE = "write"


class _FooterProgress(Progress):
    """Progress bars with one line of text under them (the ETA)."""

    footer = ""

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        if self.footer:
            yield Text(self.footer)


class RichProgress:
    """A `tajo.sync.ProgressListener` that draws bars on a rich console.

    Use it as a context manager around the sync. On a console that is not a
    terminal, rich draws the bars once when they stop, so logs stay readable.
    """

    def __init__(self, console: Console, *, show_all_messages: bool = False) -> None:
        self._progress = _FooterProgress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._current: str | None = None
        self._show_all = show_all_messages
        self.messages_shown = 0
        self.messages_hidden = 0
        self.throttled_seconds = 0.0
        self.estimate_seconds: float | None = None
        self.remaining_requests: int | None = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._finish_current()
            self._progress.footer = ""
        self._progress.stop()
        if self.messages_hidden:
            self._progress.console.print(
                f"({self.messages_hidden} more messages not shown; rerun with -v "
                "to see them)",
                markup=False,
            )

    # ProgressListener -------------------------------------------------------

    def on_stage(self, name: str, total: int | None) -> None:
        """Start a bar for a new stage and complete the previous one."""
        if name != self._current:
            self._finish_current()
        self._current = name
        if name in self._tasks:
            self._progress.update(self._tasks[name], total=total)
            return
        self._tasks[name] = self._progress.add_task(_label(name), total=total)

    def on_advance(self, name: str, count: int) -> None:
        """Move a stage's bar forward."""
        if name not in self._tasks:
            self.on_stage(name, None)
        self._progress.advance(self._tasks[name], count)

    def on_throttle(self, seconds: float) -> None:
        """Add time spent waiting for a rate limit."""
        self.throttled_seconds += max(seconds, 0.0)
        self._update_eta()

    def on_message(self, text: str) -> None:
        """Print a line above the bars (the first few, or all with -v).

        During the Write stage the line also becomes the bar's label, so a
        long wait (a Brevo import being polled) shows next to the bar even
        after the other messages are only counted.
        """
        if self._current == WRITE_STAGE:
            task_id = self._tasks[WRITE_STAGE]
            self._progress.update(task_id, description=f"{_label(WRITE_STAGE)}: {text}")
        if not self._show_all and self.messages_shown >= MESSAGE_LIMIT:
            self.messages_hidden += 1
            return
        self.messages_shown += 1
        self._progress.console.print(Text(text))

    def on_estimate(self, remaining_requests: int | None, seconds: float) -> None:
        """Show the time left as the Gorgias rate limit allows it."""
        self.remaining_requests = remaining_requests
        self.estimate_seconds = max(seconds, 0.0)
        self._update_eta()

    # Helpers -----------------------------------------------------------------

    def _finish_current(self) -> None:
        """Show the stage as done: a known total is reached, else the count is."""
        if self._current is None:
            return
        task_id = self._tasks[self._current]
        task = self._progress.tasks[task_id]
        done = task.total if task.total is not None else task.completed
        self._progress.update(
            task_id, total=done, completed=done, description=_label(self._current)
        )

    def _update_eta(self) -> None:
        self._progress.footer = self._eta_text()
        self._progress.refresh()

    def _eta_text(self) -> str:
        waited = f"waited {format_seconds(self.throttled_seconds)} for rate limits"
        if self.estimate_seconds is None:
            return waited
        requests = (
            f"~{self.remaining_requests} Gorgias requests left"
            if self.remaining_requests is not None
            else "Gorgias requests left unknown"
        )
        return (
            f"ETA {format_seconds(self.estimate_seconds)} ({requests} at the "
            f"account's rate limit); {waited}"
        )


def _label(stage: str) -> str:
    return stage.replace("_", " ").capitalize()
