"""Posts and users as the API shows them, read in one query per list (no N+1)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from engine.recommend.fanout import busy, gather
from engine.recommend.types import PostView, UserView
from engine.store import GraphStore

SPLIT_AT = 8  # fewer posts than this go in one query


def post_view(row: Mapping[str, Any]) -> PostView:
    return PostView(id=row["id"], author_id=row["author_id"] or "", caption=row["caption"],
                    image_url=row["image_url"], created_at=int(row["created_at"] or 0),
                    tags=tuple(sorted(row["tags"] or ())), likes=int(row["likes"]),
                    engagements=int(row["engagements"]), verb=row["verb"],
                    author_name=row["author_name"], removed=row.get("removed_at") is not None)


def user_view(row: Mapping[str, Any]) -> UserView:
    return UserView(id=row["id"], name=row.get("name"), followers=int(row["followers"]),
                    following=int(row["following"]), posts=int(row["posts"]))


def post_views(store: GraphStore, ids: Sequence[str]) -> dict[str, PostView]:
    """Posts by id. A page goes in two halves at once, so the database's reader threads
    share it, unless the process is busy (the halves would run one after the other)."""
    if not ids:
        return {}
    ids = list(ids)
    half = (len(ids) + 1) // 2 if len(ids) >= SPLIT_AT and not busy() else len(ids)
    def read(part: list[str]) -> list[dict[str, Any]]:
        return store.read("recommend/get_posts", ids=part)

    parts = gather([functools.partial(read, part) for part in (ids[:half], ids[half:]) if part])
    return {r["id"]: post_view(r) for rows in parts for r in rows}


def user_views(store: GraphStore, ids: Sequence[str]) -> dict[str, UserView]:
    if not ids:
        return {}
    return {r["id"]: user_view(r) for r in store.read("recommend/get_users", ids=list(ids))}
