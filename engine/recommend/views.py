"""Posts and users as the API shows them, read in one query per list (no N+1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.recommend.types import PostView, UserView
from engine.store import GraphStore


def post_view(row: Mapping[str, Any]) -> PostView:
    return PostView(id=row["id"], author_id=row["author_id"] or "", caption=row["caption"],
                    image_url=row["image_url"], created_at=int(row["created_at"] or 0),
                    tags=tuple(sorted(row["tags"] or ())), likes=int(row["likes"]),
                    engagements=int(row["engagements"]), verb=row["verb"],
                    author_name=row["author_name"])


def user_view(row: Mapping[str, Any]) -> UserView:
    return UserView(id=row["id"], name=row.get("name"), followers=int(row["followers"]),
                    following=int(row["following"]), posts=int(row["posts"]))


def post_views(store: GraphStore, ids: Sequence[str]) -> dict[str, PostView]:
    if not ids:
        return {}
    return {r["id"]: post_view(r) for r in store.read("recommend/get_posts", ids=list(ids))}


def user_views(store: GraphStore, ids: Sequence[str]) -> dict[str, UserView]:
    if not ids:
        return {}
    return {r["id"]: user_view(r) for r in store.read("recommend/get_users", ids=list(ids))}
