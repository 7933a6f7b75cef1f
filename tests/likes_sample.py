"""A small Instagram-like sample in the public set's CSV layout, for like-model tests.

Likes follow the account's followers and drop for videos; with ``previews``, each
post (but the first of each account, whose preview is broken on purpose) gets a
real 42 px preview in Instagram's header-stripped format, and brighter previews
get more likes, so a model trained on it has learned an image effect.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

START = 1_550_000_000  # seconds, as the set's taken_at_timestamp
PREVIEW_SIDE = 42
BROKEN_PREVIEW = "ACoqAAAA"  # a broken preview must only cost its post the image features


def jpeg(pixels: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def grey_image(level: int, side: int, seed: int = 0) -> np.ndarray:
    """A grey ``side`` x ``side`` RGB image of mean ``level`` with a little noise."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(-12, 13, (side, side, 1))
    return np.clip(level + noise, 0, 255).repeat(3, axis=2).astype(np.uint8)


def instagram_preview(pixels: np.ndarray) -> str:
    """Instagram's ``media_preview``: a libjpeg q30 4:2:0 JPEG without its header."""
    height, width = pixels.shape[:2]
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=30, subsampling=2, optimize=False)
    data = buffer.getvalue()
    scan = data.index(b"\xff\xda")
    body = data[scan + 2 + int.from_bytes(data[scan + 2:scan + 4], "big"):]
    return base64.b64encode(bytes([0, width, height]) + body).decode()


def write_sample(folder: Path, accounts: int, posts_each: int, seed: int = 3, *,
                 previews: bool = False) -> None:
    """accounts.csv and posts.csv; account ids are "100", "101", …"""
    rng = np.random.default_rng(seed)
    folder.mkdir()
    followers = np.exp(rng.uniform(6, 13, accounts)).astype(int)
    pd.DataFrame({
        "username": [f"acct{a}" for a in range(accounts)],
        "id": [str(100 + a) for a in range(accounts)], "full_name": None,
        "edge_followed_by": followers, "edge_follow": rng.integers(10, 900, accounts),
        "edge_owner_to_timeline_media": rng.integers(posts_each, 900, accounts),
        "edge_felix_video_timeline": 0, "highlight_reel_count": 0,
        "is_verified": rng.random(accounts) < 0.3, "is_business_account": False,
        "business_category_name": None, "is_private": False, "external_url": None,
        "biography": None, "n_posts_in_file": posts_each,
    }).to_csv(folder / "accounts.csv", index=False)
    rows = []
    for a in range(accounts):
        times = np.sort(rng.integers(START, START + 40 * 86400, posts_each))
        for i, t in enumerate(times):
            video = rng.random() < 0.3
            brightness = rng.uniform(0.1, 0.9) if previews else 0.5
            light = math.exp(1.5 * (brightness - 0.5)) if previews else 1.0
            likes = int(followers[a] * 0.05 * (0.4 if video else 1.0) * light
                        * rng.lognormal(0, 0.2))
            preview = None
            if i == 0:
                preview = BROKEN_PREVIEW
            elif previews:
                preview = instagram_preview(grey_image(round(255 * brightness), PREVIEW_SIDE,
                                                       seed=a * 1000 + i))
            rows.append({
                "shortcode": f"S{a}x{i}", "id": str(90_000 + a * 100 + i),
                "owner_username": f"acct{a}", "taken_at_timestamp": int(t), "taken_at_utc": "",
                "__typename": "GraphVideo" if video else "GraphImage", "is_video": video,
                "edge_liked_by": likes, "edge_media_to_comment": likes // 50,
                "video_view_count": likes * 5 if video else None, "comments_disabled": False,
                "location": "Lisbon" if i % 3 == 0 else None, "width": 1080, "height": 1080,
                "hashtags": "sea sun" if i % 2 else None, "mentions": None,
                "caption": "#sea #sun" if i % 2 else None,
                "accessibility_caption": None if video else "Image may contain: 1 person, ocean",
                "display_url": None, "media_preview_b64": preview,
            })  # fmt: skip
    pd.DataFrame(rows).to_csv(folder / "posts.csv", index=False)
