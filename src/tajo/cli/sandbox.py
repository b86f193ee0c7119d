"""`tajo sandbox`: both API simulators on loopback, for trying tajo without accounts.

The simulators hold fake data and fake keys only, and listen on 127.0.0.1, so
printing their keys is safe and is what lets people point tajo at them.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import Annotated

import typer

from tajo.cli.output import Consoles
from tajo.cli.runtime import runtime_of
from tajo.cli.serve import check_port_free
from tajo.errors import ConfigError
from tajo.sandbox.brevo import BrevoSandbox
from tajo.sandbox.brevo import create_app as brevo_app
from tajo.sandbox.gorgias import GorgiasSandbox, generate_account
from tajo.sandbox.gorgias import create_app as gorgias_app
from tajo.sandbox.server import LOOPBACK, serve

SANDBOX_DOMAIN = "demo-store"
SANDBOX_EMAIL = "agent@example.com"
SANDBOX_GORGIAS_KEY = "sandbox-gorgias-key"
SANDBOX_BREVO_KEY = "xkeysib-sandbox-key"
SANDBOX_ADMIN_TOKEN = "sandbox-admin"  # noqa: S105 - guards loopback test hooks
SANDBOX_FOLDER = "tajo"
# Lists created in the Brevo simulator, with the role each plays in tajo.yaml.
SANDBOX_LISTS = {
    "all_support_contacts": (35, "All support contacts"),
    "satisfied_customers": (36, "Satisfied customers"),
    "dissatisfied_customers": (37, "Dissatisfied customers"),
}
SANDBOX_TAG_LISTS = {"vip": (40, "VIP customers"), "refund": (41, "Asked for a refund")}


@dataclass(frozen=True, slots=True)
class AccountSize:
    """How much data the Gorgias simulator generates."""

    seed: int = 7
    customers: int = 200
    tickets: int | None = None
    surveys: int | None = None

    @property
    def ticket_count(self) -> int:
        """Tickets: given, else two per customer."""
        return self.tickets if self.tickets is not None else 2 * self.customers

    @property
    def survey_count(self) -> int:
        """Surveys: given, else one for every four tickets."""
        return self.surveys if self.surveys is not None else self.ticket_count // 4


@dataclass(frozen=True, slots=True)
class Simulators:
    """The two simulated accounts; `gorgias_url` and `brevo_url` once served."""

    gorgias: GorgiasSandbox
    brevo: BrevoSandbox
    gorgias_url: str = ""
    brevo_url: str = ""

    @property
    def gorgias_api(self) -> str:
        """The Gorgias API base URL, as `base_url` in tajo.yaml."""
        return f"{self.gorgias_url}/api/"

    @property
    def brevo_api(self) -> str:
        """The Brevo API base URL, as `brevo.base_url` in tajo.yaml."""
        return f"{self.brevo_url}/v3"


def build_simulators(
    size: AccountSize,
    *,
    gorgias_requests_per_window: int = 40,
    gorgias_window_seconds: float = 20.0,
    gorgias_key: str = SANDBOX_GORGIAS_KEY,
    brevo_key: str = SANDBOX_BREVO_KEY,
    brevo_per_second: int = 10,
    now: datetime | None = None,
) -> Simulators:
    """Generate the Gorgias account and prepare an empty Brevo account with lists.

    The Brevo account gets the lists of `SANDBOX_LISTS` and
    `SANDBOX_TAG_LISTS`, so the sample configuration passes every check.
    """
    gorgias = GorgiasSandbox(
        email=SANDBOX_EMAIL,
        api_key=gorgias_key,
        admin_token=SANDBOX_ADMIN_TOKEN,
        domain=SANDBOX_DOMAIN,
        requests_per_window=gorgias_requests_per_window,
        window_seconds=gorgias_window_seconds,
    )
    brevo = BrevoSandbox(
        api_key=brevo_key,
        admin_token=SANDBOX_ADMIN_TOKEN,
        contacts_per_second=brevo_per_second,
        events_per_second=brevo_per_second,
    )
    simulators = Simulators(gorgias=gorgias, brevo=brevo)
    fill_simulators(simulators, size, now=now)
    return simulators


def fill_simulators(
    simulators: Simulators, size: AccountSize, *, now: datetime | None = None
) -> None:
    """Load a generated account into Gorgias and the demo lists into Brevo.

    Call it on new or freshly reset simulators; tests reuse served simulators
    this way instead of starting new servers for each case.
    """
    gorgias = simulators.gorgias
    gorgias.load(
        generate_account(
            size.seed,
            customers=size.customers,
            tickets=size.ticket_count,
            surveys=size.survey_count,
            now=now or datetime.now(UTC),
            owner_email=gorgias.email,
        )
    )
    brevo = simulators.brevo
    folder = brevo.create_folder(SANDBOX_FOLDER)
    for list_id, name in [*SANDBOX_LISTS.values(), *SANDBOX_TAG_LISTS.values()]:
        brevo.create_list(name, folder_id=folder, list_id=list_id)


@contextlib.contextmanager
def serving(
    simulators: Simulators, *, gorgias_port: int = 0, brevo_port: int = 0
) -> Iterator[Simulators]:
    """Serve both simulators on 127.0.0.1 until the block ends (port 0: any)."""
    with (
        serve(gorgias_app(simulators.gorgias), port=gorgias_port) as gorgias,
        serve(brevo_app(simulators.brevo), port=brevo_port) as brevo,
    ):
        try:
            yield Simulators(
                gorgias=simulators.gorgias,
                brevo=simulators.brevo,
                gorgias_url=gorgias.base_url,
                brevo_url=brevo.base_url,
            )
        finally:
            simulators.gorgias.close()


def sample_config(
    simulators: Simulators,
    *,
    database_url: str | None = None,
    rate_limit: tuple[int, float] | None = None,
    brevo_key: str = SANDBOX_BREVO_KEY,
    brevo_per_second: int | None = None,
) -> str:
    """Return a tajo.yaml that points at the served simulators."""
    lists = "\n".join(
        f"      {role}: {list_id}" for role, (list_id, _) in SANDBOX_LISTS.items()
    )
    tag_lists = "\n".join(
        f'      "{tag}": {list_id}' for tag, (list_id, _) in SANDBOX_TAG_LISTS.items()
    )
    lines = [
        "connectors:",
        "  gorgias:",
        f'    domain: "{SANDBOX_DOMAIN}.gorgias.com"',
        f'    email: "{SANDBOX_EMAIL}"',
        f'    base_url: "{simulators.gorgias_api}"',
        "    lists:",
        lists,
        "    tag_lists:",
        tag_lists,
        "    phone_region: US",
    ]
    if rate_limit is not None:
        requests, window = rate_limit
        lines.append(
            f"    rate_limit: {{requests: {requests}, window_seconds: {window}}}"
        )
    lines += [
        "brevo:",
        f'  api_key: "{brevo_key}"',
        f'  base_url: "{simulators.brevo_api}"',
    ]
    if brevo_per_second is not None:
        lines.append(
            f"  rate_limits: {{contacts_per_second: {brevo_per_second}, "
            f"events_per_second: {brevo_per_second}}}"
        )
    if database_url is not None:
        lines += ["state:", f'  database_url: "{database_url}"']
    return "\n".join(lines) + "\n"


def print_simulators(
    consoles: Consoles, simulators: Simulators, size: AccountSize
) -> None:
    """Print where the simulators listen and the fake credentials they accept."""
    consoles.line(
        f"Gorgias simulator: {simulators.gorgias_api} "
        f"(account {SANDBOX_DOMAIN}.gorgias.com: {size.customers} customers, "
        f"{size.ticket_count} tickets, {size.survey_count} surveys, seed {size.seed})"
    )
    consoles.line(f"  email {SANDBOX_EMAIL}, API key {SANDBOX_GORGIAS_KEY}")
    consoles.line(f"Brevo simulator:   {simulators.brevo_api}")
    consoles.line(f"  API key {SANDBOX_BREVO_KEY}")
    consoles.line(
        f"Admin token (header x-sandbox-admin, routes /_sandbox/...): "
        f"{SANDBOX_ADMIN_TOKEN}"
    )


def sandbox_command(
    ctx: typer.Context,
    gorgias_port: Annotated[
        int, typer.Option(help="Port of the Gorgias simulator on 127.0.0.1.")
    ] = 8001,
    brevo_port: Annotated[
        int, typer.Option(help="Port of the Brevo simulator on 127.0.0.1.")
    ] = 8002,
    seed: Annotated[int, typer.Option(help="Seed of the generated account.")] = 7,
    customers: Annotated[int, typer.Option(min=0, help="Customers to generate.")] = 200,
    tickets: Annotated[
        int | None, typer.Option(min=0, help="Tickets; default 2 per customer.")
    ] = None,
    surveys: Annotated[
        int | None, typer.Option(min=0, help="Surveys; default 1 per 4 tickets.")
    ] = None,
    requests_per_window: Annotated[
        int,
        typer.Option(
            min=1,
            max=1000,
            help="Gorgias rate limit: requests per window (40 real); the printed "
            "tajo.yaml uses the same limit.",
        ),
    ] = 40,
    window_seconds: Annotated[
        float,
        typer.Option(min=0.1, help="Gorgias rate-limit window in seconds (20 real)."),
    ] = 20.0,
) -> None:
    """Serve simulators of Gorgias and Brevo on 127.0.0.1 until Ctrl-C."""
    consoles = runtime_of(ctx).consoles
    # Checked first, because the simulators' server thread would only log a
    # busy port and stop, leaving a traceback without the cause.
    check_port_free(LOOPBACK, gorgias_port, option="--gorgias-port")
    check_port_free(LOOPBACK, brevo_port, option="--brevo-port")
    size = AccountSize(seed=seed, customers=customers, tickets=tickets, surveys=surveys)
    simulators = build_simulators(
        size,
        gorgias_requests_per_window=requests_per_window,
        gorgias_window_seconds=window_seconds,
    )
    with contextlib.ExitStack() as stack:
        try:
            live = stack.enter_context(
                serving(simulators, gorgias_port=gorgias_port, brevo_port=brevo_port)
            )
        except RuntimeError as exc:
            # Another process took a port between the check and the start.
            raise ConfigError(
                f"{exc}; the port may have been taken by another process; pick "
                "free ports with --gorgias-port and --brevo-port (0 picks any)"
            ) from None
        print_simulators(consoles, live, size)
        consoles.line("")
        consoles.line("A tajo.yaml for these simulators:")
        consoles.line(
            sample_config(live, rate_limit=(requests_per_window, window_seconds))
        )
        consoles.line(
            "Then: tajo connectors install gorgias --api-key - (paste the "
            "simulator key) and tajo connectors sync gorgias."
        )
        consoles.line("Press Ctrl-C to stop.")
        wait_for_stop_signal()
    consoles.line("Simulators stopped.")


def wait_for_stop_signal() -> None:
    """Block until SIGINT (Ctrl-C) or SIGTERM, then restore their handlers.

    SIGTERM is handled too, because a process started in the background by a
    shell ignores SIGINT, and service managers stop programs with SIGTERM.
    """
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {
        number: signal.signal(number, request_stop)
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        while not stop.wait(timeout=0.5):
            pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
