"""Importing the Instagram like-predictor set (April 2019) into the graph.

accounts -> ``User`` (id: Instagram's numeric account id; username, follower,
following and media counts, verified, business category, …), posts -> ``Post``
(id: Instagram's numeric post id; shortcode, likes, comments, created_at from
taken_at, media type, caption, hashtag and mention counts, location,
accessibility caption, and the raw ``media_preview_b64`` so image features can
be computed later with ``engine.evaluate.datasets.restore_instagram_preview``),
hashtags -> ``Tag`` via ``TAGGED``. The files are read by
``engine.evaluate.datasets.load_instagram``, the one loader of this set.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from engine.evaluate.datasets import INSTAGRAM_DIR, default_data_dir, load_instagram
from engine.events import MAX_TAGS, now_ms
from engine.settings import Settings, get_settings
from engine.store import GraphStore

SOURCE = "instagram_like_predictor_2019"


def default_path() -> Path:
    return default_data_dir() / INSTAGRAM_DIR


def _value(v: Any) -> Any:
    """pandas' missing markers (NaN, NA, NaT) as None; numpy scalars as Python ones."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v.item() if hasattr(v, "item") else v


def _tag(word: str) -> str | None:
    # The same rule as events.ActivityIn: lower case, no '#', 1..64 characters.
    cleaned = word.strip().lstrip("#").strip().lower()
    return cleaned if 0 < len(cleaned) <= 64 else None


def account_rows(accounts: pd.DataFrame) -> list[dict[str, Any]]:
    return [{
        "id": str(a["user_id"]), "username": a["username"], "name": _value(a["full_name"]),
        "followers": int(a["followers"]), "following": int(a["following"]),
        "media_count": int(a["posts_count"]), "verified": bool(a["is_verified"]),
        "business": bool(a["is_business"]), "business_category": _value(a["business_category"]),
        "private": bool(a["is_private"]), "external_url": _value(a["external_url"]),
        "biography": _value(a["biography"]), "source": SOURCE,
    } for a in accounts.to_dict("records")]


def post_rows(posts: pd.DataFrame, previews: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for p in posts.to_dict("records"):
        tags = list(dict.fromkeys(t for t in map(_tag, p["hashtags"]) if t))[:MAX_TAGS]
        rows.append({
            "id": str(p["post_id"]), "shortcode": p["shortcode"], "author": str(p["user_id"]),
            "created_at": int(p["taken_at"].timestamp() * 1000),
            "media_type": p["media_type"], "is_video": p["media_type"] == "video",
            "likes": int(p["likes"]), "comments": int(p["comments"]),
            "video_views": _value(p["video_views"]),
            "comments_disabled": bool(p["comments_disabled"]),
            "location": _value(p["location"]), "width": _value(p["width"]),
            "height": _value(p["height"]), "caption": p["caption"] or None,
            "tags": tags, "hashtag_count": len(p["hashtags"]),
            "mention_count": len(p["mentions"]),
            "accessibility_caption": _value(p["accessibility_caption"]),
            "image_url": _value(p["display_url"]),
            "media_preview_b64": previews.get(p["shortcode"]), "source": SOURCE,
        })
    return rows


def _previews(folder: Path) -> dict[str, str]:
    # The shared loader restores previews to JPEG bytes; the graph keeps Instagram's
    # own base64 text, so it is read here next to it.
    frame = pd.read_csv(folder / "posts.csv", usecols=["shortcode", "media_preview_b64"],
                        dtype=str)
    frame = frame.dropna()
    return dict(zip(frame["shortcode"], frame["media_preview_b64"], strict=True))


def import_instagram(store: GraphStore, path: Path | None = None, *,
                     settings: Settings | None = None, progress: bool = True) -> dict[str, int]:
    """Load accounts, then posts and their hashtags; compact the store; return counts."""
    folder = path or default_path()
    data = load_instagram(folder, restore_previews=False)
    settings = settings or get_settings()
    accounts = account_rows(data.accounts)
    posts = post_rows(data.posts, _previews(folder))
    now = now_ms()
    _batches("accounts", accounts, settings.max_batch, progress,
             lambda rows: store.write("import/upsert_accounts", rows=rows, now=now))
    _batches("posts", posts, settings.max_batch, progress,
             lambda rows: store.write("import/upsert_instagram_posts", rows=rows))
    store.compact()
    return {"users": len(accounts), "posts": len(posts),
            "tags": len({t for p in posts for t in p["tags"]}),
            "previews": sum(1 for p in posts if p["media_preview_b64"])}


def _batches(what: str, rows: Sequence[dict[str, Any]], size: int, progress: bool,
             write: Callable[[list[dict[str, Any]]], Any]) -> None:
    with tqdm(total=len(rows), desc=what, unit=" rows", disable=not progress) as bar:
        for a in range(0, len(rows), size):
            chunk = list(rows[a:a + size])
            write(chunk)
            bar.update(len(chunk))
