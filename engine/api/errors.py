"""What clients see when something fails.

Expected failures keep their message and carry ``extensions.code`` for clients
to switch on: every ``GraphfeedError`` its own ``code`` (``NOT_FOUND``,
``INVALID_INPUT``, ``FORBIDDEN``, …), plus the request errors GraphQL itself
raises (``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED``,
``BAD_USER_INPUT``, ``QUERY_TOO_DEEP``, ``TOO_MANY_TOKENS``). Anything else is
a bug or an outage: the client gets ``internal error`` with ``code: INTERNAL``
and the request id, and the log gets the traceback under the same id.
"""

from __future__ import annotations

import logging
from typing import Any

from engine.errors import GraphfeedError, StoreUnavailable
from graphql import GraphQLError, GraphQLSyntaxError

log = logging.getLogger("engine.api")

INTERNAL = "INTERNAL"
# Details of a GraphfeedError that are safe to show (ids the caller sent, limits).
PUBLIC_DETAILS = ("ids", "field", "row", "limit")


class Unauthenticated(GraphfeedError):
    """No credentials, or credentials that are not valid (bad signature, expired)."""

    code = "UNAUTHENTICATED"


class BadRequest(GraphfeedError):
    """The HTTP request is not a GraphQL request (body, content type, method)."""

    code = "BAD_REQUEST"


class PayloadTooLarge(GraphfeedError):
    code = "PAYLOAD_TOO_LARGE"


def request_error_code(error: GraphQLError) -> str:
    """The code of an error raised before execution (it has no path)."""
    message = error.message
    if isinstance(error, GraphQLSyntaxError):
        return "TOO_MANY_TOKENS" if "tokens" in message and "Parsing aborted" in message \
            else "GRAPHQL_PARSE_FAILED"
    if "exceeds maximum operation depth" in message:
        return "QUERY_TOO_DEEP"
    if message.startswith("Variable '$") or "got invalid value" in message:
        return "BAD_USER_INPUT"
    if "introspection" in message.lower():
        return "INTROSPECTION_DISABLED"
    return "GRAPHQL_VALIDATION_FAILED"


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """One error as the client sees it (GraphQL response format)."""
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, GraphfeedError) and not _is_internal(original):
        extensions: dict[str, Any] = {"code": original.code}
        extensions.update({k: original.details[k] for k in PUBLIC_DETAILS
                           if k in original.details})
        return _formatted(error, original.message, extensions)
    if (original is None or isinstance(original, GraphQLError)) and error.path is None:
        return _formatted(error, error.message, {"code": request_error_code(error)})
    where = ".".join(str(p) for p in error.path or ()) or "(operation)"
    if original is None or isinstance(original, GraphQLError):
        # graphql-core during execution, e.g. null for a non-null field: a bug of ours
        log.error("request %s: unexpected error at %s: %s", request_id, where, error.message)
    else:
        log.error("request %s: unexpected error at %s: %s", request_id, where, original,
                  exc_info=(type(original), original, original.__traceback__))
    code = "SERVICE_UNAVAILABLE" if isinstance(original, StoreUnavailable) else INTERNAL
    return _formatted(error, f"internal error (request id {request_id})",
                      {"code": code, "requestId": request_id})


def _is_internal(error: GraphfeedError) -> bool:
    # Store failures, configuration mistakes and missing queries are ours, not the caller's.
    return error.code in {"STORE_ERROR", "STORE_UNAVAILABLE", "CONFIG_ERROR", "QUERY_NOT_FOUND",
                          "GRAPHFEED_ERROR"}


def _formatted(error: GraphQLError, message: str, extensions: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"message": message}
    if error.locations:
        out["locations"] = [loc._asdict() for loc in error.locations]
    if error.path is not None:
        out["path"] = error.path
    out["extensions"] = extensions
    return out


def error_body(code: str, message: str, request_id: str | None = None) -> dict[str, Any]:
    """A GraphQL response holding one request-level error (no ``data``)."""
    extensions: dict[str, Any] = {"code": code}
    if request_id:
        extensions["requestId"] = request_id
    return {"errors": [{"message": message, "extensions": extensions}]}
