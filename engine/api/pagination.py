"""Page sizes: default 20 (``GRAPHFEED_API_DEFAULT_PAGE_SIZE``), at most 100
(``GRAPHFEED_API_MAX_PAGE_SIZE``); anything else is an INVALID_INPUT error, not a silent clamp."""

from __future__ import annotations

from engine.api.settings import ApiSettings
from engine.errors import ValidationError


def page_size(api: ApiSettings, first: int | None, field: str = "first") -> int:
    if first is None:
        return api.default_page_size
    if not 1 <= first <= api.max_page_size:
        raise ValidationError(f"{field} must be between 1 and {api.max_page_size}, not {first}",
                              field=field, limit=api.max_page_size)
    return first
