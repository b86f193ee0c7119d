"""The Write stage says when it waits for a Brevo import to finish."""

from __future__ import annotations

from tajo.sync.writer_contacts import IMPORT_THRESHOLD

from .conftest import World
from .helpers import add_customer


class Messages:
    """A progress listener that keeps the stages and messages, in order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def on_stage(self, name: str, total: int | None) -> None:
        self.lines.append(f"stage {name} {total}")

    def on_advance(self, name: str, count: int) -> None:
        return None

    def on_throttle(self, seconds: float) -> None:
        return None

    def on_message(self, text: str) -> None:
        self.lines.append(text)

    def on_estimate(self, remaining_requests: int | None, seconds: float) -> None:
        return None


async def test_write_stage_announces_the_import_wait(world: World) -> None:
    count = IMPORT_THRESHOLD + 1
    for index in range(count):
        add_customer(world.gorgias, f"c{index}@example.com", name=f"C {index}")
    progress = Messages()

    report = await world.engine(progress=progress).run(mode="full")

    assert report.contacts_written == count
    stages = [line for line in progress.lines if line.startswith("stage write")]
    # The bar knows its total: every queued write (contacts and events).
    assert stages and stages[0] != "stage write None"
    write = progress.lines.index(stages[0])
    waits = [line for line in progress.lines[write:] if "import" in line]
    assert waits == [
        f"Waiting for Brevo to import {count} contacts into list 35 "
        "(import status polled every 36 s)"
    ]
