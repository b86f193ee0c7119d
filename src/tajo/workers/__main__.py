"""`python -m tajo.workers serve|work`: the service without the CLI's extras.

For process managers and containers that start one role per process, and
for the scale-out tests. `serve` prints `listening <base URL>` on standard
output once the port is open (useful with `--port 0`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from tajo.config import load_config
from tajo.errors import TajoError
from tajo.workers.poller import DEFAULT_SYNC_EVERY_SECONDS
from tajo.workers.service import run_workers, serve


def _sync_every(value: str) -> float | None:
    if value.strip().lower() in {"off", "none", "0"}:
        return None
    seconds = float(value)
    if seconds <= 0:
        raise argparse.ArgumentTypeError("expected seconds > 0, or off")
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tajo.workers")
    parser.add_argument("--config", type=Path, default=Path("tajo.yaml"))
    parser.add_argument(
        "--sync-every",
        type=_sync_every,
        default=DEFAULT_SYNC_EVERY_SECONDS,
        help="seconds between incremental syncs, or off",
    )
    parser.add_argument("--poll-interval", type=float, default=1.0)
    roles = parser.add_subparsers(dest="role", required=True)
    receiver = roles.add_parser("serve", help="the receiver and in-process workers")
    receiver.add_argument("--host", default="127.0.0.1")
    receiver.add_argument("--port", type=int, default=8080)
    receiver.add_argument("--workers", type=int, default=1)
    worker = roles.add_parser("work", help="workers only")
    worker.add_argument("--count", type=int, default=1)
    return parser


def _announce(base_url: str) -> None:
    print(f"listening {base_url}", flush=True)


async def _main(args: argparse.Namespace) -> None:
    config = load_config(args.config)
    logging.basicConfig(
        level=config.gorgias.python_log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.role == "serve":
        await serve(
            config,
            host=args.host,
            port=args.port,
            workers_in_process=args.workers,
            sync_every=args.sync_every,
            poll_interval=args.poll_interval,
            on_listening=_announce,
        )
    else:
        await run_workers(
            config,
            count=args.count,
            sync_every=args.sync_every,
            poll_interval=args.poll_interval,
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one role until SIGINT or SIGTERM; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        asyncio.run(_main(args))
    except TajoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
