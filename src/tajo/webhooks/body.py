"""Read a request body without ever holding more than the configured limit."""

from __future__ import annotations

from starlette.requests import Request

from tajo.webhooks.payload import DeliveryRejected

# Bytes of an oversized body kept for the failed-record ledger.
HEAD_BYTES = 2048


class BodyTooLarge(DeliveryRejected):
    """413: the body is larger than `max_body_bytes`; `head` is its start."""

    def __init__(self, message: str, *, head: bytes) -> None:
        super().__init__(413, "body_too_large", message)
        self.head = head


async def read_limited(request: Request, limit: int) -> bytes:
    """Return the whole body, rejecting it once it passes `limit` bytes.

    A Content-Length above the limit is rejected before any byte is read. A
    body without one (chunked) is rejected as soon as it grows past it.

    Raises:
        BodyTooLarge: the body is over the limit.
        DeliveryRejected: 400 for a Content-Length that is not a number.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise DeliveryRejected(
                400,
                "invalid_content_length",
                "invalid Content-Length header: expected a whole number of bytes",
            ) from None
        if size > limit:
            raise BodyTooLarge(_too_large(size, limit), head=b"")
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise BodyTooLarge(
                _too_large(len(received), limit, at_least=True),
                head=bytes(received[:HEAD_BYTES]),
            )
    return bytes(received)


def _too_large(size: int, limit: int, *, at_least: bool = False) -> str:
    size_text = f">={size}" if at_least else str(size)
    return (
        f"delivery body too large: bytes={size_text}; expected at most {limit}; "
        "send only the fields tajo needs (ticket_id, event type), or raise "
        "webhook.max_body_bytes"
    )
