"""Opaque, signed page cursors.

A cursor is URL-safe base64 of a small JSON payload plus a 12-byte keyed
BLAKE2b tag over it. The payload names the connection (``kind``) and the user
it belongs to, so a cursor from one feed or user is refused by another; the
tag makes any edit detectable. Anything that does not verify is a
``ValidationError`` ("bad cursor"), never a silent restart from page one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from engine.errors import ValidationError

_TAG_BYTES = 12
# Used when no secret cursor key is configured: tamper-evident, but forgeable.
DEVELOPMENT_KEY = "graphfeed-cursor-v1"
_MAX_CURSOR = 4096


def encode(kind: str, user_id: str, key: str, blob: bytes = b"", **fields: Any) -> str:
    """A cursor holding ``fields`` (JSON values) and optionally raw bytes (``blob``)."""
    head = json.dumps({"k": kind, "u": user_id, **fields}, separators=(",", ":"),
                      sort_keys=True).encode()
    payload = head + b"\n" + blob  # JSON text never holds a raw newline
    return base64.urlsafe_b64encode(_tag(payload, key) + payload).decode().rstrip("=")


def decode(cursor: str, kind: str, user_id: str, key: str) -> tuple[dict[str, Any], bytes]:
    """The cursor's fields (without kind and user) and its blob, or ValidationError."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > _MAX_CURSOR:
        raise ValidationError("bad cursor: pass the end_cursor of the previous page",
                              field="after")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as e:
        raise ValidationError("bad cursor: not a cursor this server issued", field="after") from e
    tag, payload = raw[:_TAG_BYTES], raw[_TAG_BYTES:]
    if len(tag) != _TAG_BYTES or not hmac.compare_digest(tag, _tag(payload, key)):
        raise ValidationError("bad cursor: not a cursor this server issued", field="after")
    head, _, blob = payload.partition(b"\n")
    try:
        data = json.loads(head)
    except ValueError as e:  # signed but unreadable: a cursor of another version
        raise ValidationError("bad cursor: unreadable", field="after") from e
    if not isinstance(data, dict) or data.get("k") != kind or data.get("u") != user_id:
        raise ValidationError(f"bad cursor: it belongs to another {kind} or user",
                              field="after")
    return {k: v for k, v in data.items() if k not in ("k", "u")}, blob


def _tag(payload: bytes, key: str) -> bytes:
    return hashlib.blake2b(payload, key=key.encode()[:64], digest_size=_TAG_BYTES).digest()


def require_int(fields: dict[str, Any], name: str, low: int = 0) -> int:
    value = fields.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValidationError("bad cursor: unreadable", field="after")
    return value
