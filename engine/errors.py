"""The one exception hierarchy of graphfeed.

Every error the engine raises on purpose is a ``GraphfeedError``; the API turns
the subclasses into typed GraphQL errors by their ``code``.
"""

from __future__ import annotations

from typing import Any


class GraphfeedError(Exception):
    """Root of every error graphfeed raises on purpose."""

    code = "GRAPHFEED_ERROR"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class ConfigError(GraphfeedError):
    """Settings are missing or contradict each other."""

    code = "CONFIG_ERROR"


class StoreError(GraphfeedError):
    """The graph database failed or could not be reached."""

    code = "STORE_ERROR"


class StoreUnavailable(StoreError):
    """The graph database is not running or does not answer."""

    code = "STORE_UNAVAILABLE"


class QueryNotFound(GraphfeedError):
    """Code asked for a Cypher file that does not exist."""

    code = "QUERY_NOT_FOUND"


class ValidationError(GraphfeedError):
    """Input was rejected before anything was written."""

    code = "INVALID_INPUT"


class NotFound(GraphfeedError):
    """A user, post or other entity does not exist."""

    code = "NOT_FOUND"


class Forbidden(GraphfeedError):
    """The caller may not read or write this."""

    code = "FORBIDDEN"


class ModelNotTrained(GraphfeedError):
    """A model or derived property is needed but `graphfeed train` has not produced it."""

    code = "MODEL_NOT_TRAINED"
