"""DataLoaders, new for every request: one store call per kind per request, not per item.

Each loader batches the keys its resolvers ask for in one tick of the event
loop and fetches them with one ``UNWIND $ids`` query, in a worker thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from engine.store import GraphStore, Row

if TYPE_CHECKING:
    from engine.api.context import Services


def fetch_users(store: GraphStore, ids: Sequence[str]) -> dict[str, Row]:
    return {r["id"]: r for r in store.read("api/get_users", ids=list(ids))}


def fetch_posts(store: GraphStore, ids: Sequence[str]) -> dict[str, Row]:
    return {r["id"]: r for r in store.read("api/get_posts", ids=list(ids))}


def fetch_post_tags(store: GraphStore, ids: Sequence[str]) -> dict[str, list[str]]:
    return {r["id"]: sorted(r["tags"]) for r in store.read("api/get_post_tags", ids=list(ids))}


def _forget(loader: DataLoader[str, Any], ids: Sequence[str]) -> None:
    for key in ids:
        with contextlib.suppress(KeyError):  # strawberry raises for keys never loaded
            loader.clear(key)


def fetch_user_posts(store: GraphStore, ids: Sequence[str], limit: int) -> dict[str, list[str]]:
    rows = store.read("api/list_user_posts", ids=list(ids), limit=limit)
    return {r["id"]: list(r["posts"]) for r in rows}


class Loaders:
    """``users`` / ``posts``: rows by id (None when unknown); ``tags``: tag names by post id;
    ``user_posts``: newest post ids by (user id, how many)."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self.users: DataLoader[str, Row | None] = DataLoader(load_fn=self._users)
        self.posts: DataLoader[str, Row | None] = DataLoader(load_fn=self._posts)
        self.tags: DataLoader[str, list[str]] = DataLoader(load_fn=self._tags)
        # (user id, how many) -> the user's newest live post ids
        self.user_posts: DataLoader[tuple[str, int], list[str]] = DataLoader(
            load_fn=self._user_posts)
        self.calls = 0  # store round trips made by this request's loaders (for tests)

    def forget_users(self, ids: Sequence[str]) -> None:
        """Drop cached users after a write changed them (their counts)."""
        _forget(self.users, ids)

    def forget_posts(self, ids: Sequence[str]) -> None:
        """Drop cached posts and their tags after a write changed them."""
        _forget(self.posts, ids)
        _forget(self.tags, ids)

    async def _users(self, ids: list[str]) -> list[Row | None]:
        self.calls += 1
        found = await self._services.run(fetch_users, self._services.store, ids)
        return [found.get(i) for i in ids]

    async def _posts(self, ids: list[str]) -> list[Row | None]:
        self.calls += 1
        found = await self._services.run(fetch_posts, self._services.store, ids)
        return [found.get(i) for i in ids]

    async def _tags(self, ids: list[str]) -> list[list[str]]:
        self.calls += 1
        found = await self._services.run(fetch_post_tags, self._services.store, ids)
        return [found.get(i, []) for i in ids]

    async def _user_posts(self, keys: list[tuple[str, int]]) -> list[list[str]]:
        by_limit: dict[int, list[str]] = {}
        for user_id, limit in keys:
            by_limit.setdefault(limit, []).append(user_id)
        found: dict[tuple[str, int], list[str]] = {}
        for limit, ids in by_limit.items():
            self.calls += 1
            rows = await self._services.run(fetch_user_posts, self._services.store, ids, limit)
            found.update({(i, limit): rows.get(i, []) for i in ids})
        return [found[k] for k in keys]
