"""Loaders for the public data sets in ``../shared/data`` (read there, never copied).

Only the Instagram like-predictor set (April 2019) lives here for now. The loader
returns typed, cleaned frames whose columns are the like model's input contract
(see ``engine.learn.likes``), so the same frames can feed an evaluation, a model
fit, or a graph importer (accounts -> ``User``, posts -> ``Post``, hashtags -> ``Tag``).

Instagram's ``media_preview`` is a ~42 px JPEG with its fixed header stripped: the
first three bytes are a format version (0) then width and height, and the rest is
the entropy-coded scan. The header is the standard one: JFIF APP0, IJG quality-30
quantization tables, a baseline 4:2:0 frame of that size, the Huffman tables of
ITU-T T.81 Annex K.3 and a three-component scan header. Rebuilding it here (rather
than pasting an opaque base64 blob) keeps every byte explained.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from engine.errors import ValidationError

INSTAGRAM_DIR = "instagram_like_predictor_2019"

# Post kinds as the like model names them; the keys are Instagram's GraphQL types.
MEDIA_TYPES = {"GraphImage": "image", "GraphSidecar": "sidecar", "GraphVideo": "video"}


def default_data_dir() -> Path:
    """``../shared/data`` seen from the repository root (this file is engine/evaluate/…)."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


# --- preview restoration ---------------------------------------------------------

# ITU-T T.81 Annex K.1 base quantization tables, row-major (natural) order.
_LUMA_Q = (
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip
_CHROMA_Q = (
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
) + (99,) * 32  # fmt: skip
# DQT stores coefficients in zig-zag order.
_ZIGZAG = (
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
)  # fmt: skip
# Annex K.3 Huffman tables: 16 code-length counts, then the symbols.
_DC_LUMA = bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]) + bytes(range(12))
_DC_CHROMA = bytes([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]) + bytes(range(12))
_AC_LUMA = bytes([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]) + bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f0"
    "2433627282090a161718191a25262728292a3435363738393a434445464748494a"
    "535455565758595a636465666768696a737475767778797a838485868788898a92"
    "939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8"
    "c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
)
_AC_CHROMA = bytes([0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77]) + bytes.fromhex(
    "000102031104052131061241510761711322328108144291a1b1c109233352f0"
    "156272d10a162434e125f11718191a262728292a35363738393a434445464748"
    "494a535455565758595a636465666768696a737475767778797a82838485868788"
    "898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5"
    "c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa"
)
_PREVIEW_QUALITY = 30  # found by matching the tables Instagram's previews decode with


def _quant_table(base: tuple[int, ...], quality: int) -> bytes:
    # The IJG (libjpeg) scaling rule, so the table equals `cjpeg -quality 30`'s.
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return bytes(min(255, max(1, (base[z] * scale + 50) // 100)) for z in _ZIGZAG)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


@lru_cache(maxsize=256)
def preview_jpeg_header(width: int, height: int) -> bytes:
    """The JPEG header Instagram strips from its previews, for a ``width`` x ``height`` image."""
    if not (0 < width < 65536 and 0 < height < 65536):
        raise ValidationError(f"impossible preview size {width}x{height}")
    frame = bytes([8]) + struct.pack(">HH", height, width)
    frame += bytes([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])  # Y 2x2 (4:2:0), Cb/Cr 1x1
    return b"".join([
        b"\xff\xd8",
        _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        _segment(0xDB, b"\x00" + _quant_table(_LUMA_Q, _PREVIEW_QUALITY)
                 + b"\x01" + _quant_table(_CHROMA_Q, _PREVIEW_QUALITY)),
        _segment(0xC0, frame),
        _segment(0xC4, b"\x00" + _DC_LUMA + b"\x10" + _AC_LUMA
                 + b"\x01" + _DC_CHROMA + b"\x11" + _AC_CHROMA),
        _segment(0xDA, bytes([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 0x3F, 0])),
    ])  # fmt: skip


def restore_instagram_preview(preview_b64: str) -> bytes:
    """A decodable JPEG from Instagram's base64 ``media_preview`` (header put back)."""
    try:
        raw = base64.b64decode(preview_b64, validate=True)
    except (binascii.Error, ValueError, TypeError) as e:
        raise ValidationError("media preview is not valid base64") from e
    if len(raw) < 4 or raw[0] != 0:
        # Version 0 is the only layout seen; another one would need another header.
        raise ValidationError("media preview has an unknown layout", version=raw[:1].hex())
    return preview_jpeg_header(raw[1], raw[2]) + raw[3:]


# --- the Instagram like-predictor set ----------------------------------------------

@dataclass(frozen=True)
class InstagramData:
    """Accounts and posts as typed frames (columns: see ``load_instagram``)."""

    accounts: pd.DataFrame
    posts: pd.DataFrame
    # Likes were counted when the set was scraped; its newest post is the best
    # estimate of that moment (a lower bound: scraping may have run hours later).
    captured_at: pd.Timestamp
    previews_total: int
    previews_restored: int


_ACCOUNT_RENAME = {
    "id": "user_id", "username": "username", "full_name": "full_name",
    "edge_followed_by": "followers", "edge_follow": "following",
    "edge_owner_to_timeline_media": "posts_count", "edge_felix_video_timeline": "igtv_count",
    "highlight_reel_count": "highlight_count", "is_verified": "is_verified",
    "is_business_account": "is_business", "business_category_name": "business_category",
    "is_private": "is_private", "external_url": "external_url", "biography": "biography",
    "n_posts_in_file": "posts_in_file",
}  # fmt: skip
_POST_RENAME = {
    "id": "post_id", "shortcode": "shortcode", "owner_username": "username",
    "edge_liked_by": "likes", "edge_media_to_comment": "comments",
    "video_view_count": "video_views", "comments_disabled": "comments_disabled",
    "location": "location", "width": "width", "height": "height",
    "caption": "caption", "accessibility_caption": "accessibility_caption",
    "display_url": "display_url",
}  # fmt: skip


def _words(text: object) -> list[str]:
    # hashtags/mentions are space-joined in the CSV; missing means none.
    return text.split() if isinstance(text, str) else []


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise ValidationError(f"{path} not found: pass the folder that holds accounts.csv "
                              f"and posts.csv of {INSTAGRAM_DIR}", path=str(path))
    frame = pd.read_csv(path, dtype={"id": str})
    missing = sorted(set(columns) - set(frame.columns))
    if missing:
        raise ValidationError(f"{path.name} lacks columns {missing}", path=str(path))
    return frame


def load_instagram(path: Path | str | None = None, *, restore_previews: bool = True,
                   ) -> InstagramData:
    """Read ``accounts.csv`` and ``posts.csv`` into typed, cleaned frames.

    accounts: user_id (str), username, full_name, followers, following, posts_count,
    igtv_count, highlight_count, is_verified, is_business, business_category,
    is_private, external_url, biography, posts_in_file.

    posts: post_id (str), shortcode, user_id (str), username, taken_at (UTC),
    media_type (image|sidecar|video), likes, comments, video_views (nullable),
    comments_disabled, location (missing: NA), width, height, hashtags and
    mentions (lists of str, without # / @), caption ("" when missing),
    accessibility_caption (NA when missing), display_url (expired), image (the
    restored preview JPEG as bytes, or None; sidecars never carry a preview).
    Posts are sorted by user then time; ids are strings as the graph stores them.
    """
    folder = Path(path) if path is not None else default_data_dir() / INSTAGRAM_DIR
    raw_accounts = _read_csv(folder / "accounts.csv", list(_ACCOUNT_RENAME))
    raw_posts = _read_csv(folder / "posts.csv",
                          [*_POST_RENAME, "taken_at_timestamp", "__typename",
                           "hashtags", "mentions", "media_preview_b64"])

    accounts = raw_accounts[list(_ACCOUNT_RENAME)].rename(columns=_ACCOUNT_RENAME)
    if accounts["user_id"].duplicated().any() or accounts["username"].duplicated().any():
        raise ValidationError("accounts.csv repeats an account id or username")
    for column in ("followers", "following", "posts_count", "igtv_count",
                   "highlight_count", "posts_in_file"):
        accounts[column] = accounts[column].astype("int64")
    for column in ("is_verified", "is_business", "is_private"):
        accounts[column] = accounts[column].astype(bool)
    accounts = accounts.sort_values("user_id", kind="stable").reset_index(drop=True)

    posts = raw_posts[list(_POST_RENAME)].rename(columns=_POST_RENAME)
    owner_ids = dict(zip(accounts["username"], accounts["user_id"], strict=True))
    posts.insert(2, "user_id", posts["username"].map(owner_ids))
    orphans = int(posts["user_id"].isna().sum())
    if orphans:
        raise ValidationError(f"{orphans} posts belong to no account in accounts.csv")
    posts["taken_at"] = pd.to_datetime(raw_posts["taken_at_timestamp"], unit="s", utc=True)
    posts["media_type"] = raw_posts["__typename"].map(MEDIA_TYPES)
    if posts["media_type"].isna().any():
        unknown = sorted(set(raw_posts["__typename"]) - set(MEDIA_TYPES))
        raise ValidationError(f"unknown post types {unknown}")
    posts["likes"] = posts["likes"].astype("int64")
    posts["comments"] = posts["comments"].astype("int64")
    posts["video_views"] = posts["video_views"].astype("Int64")
    posts["comments_disabled"] = posts["comments_disabled"].astype(bool)
    posts["hashtags"] = [[w.lstrip("#") for w in _words(t)] for t in raw_posts["hashtags"]]
    posts["mentions"] = [[w.lstrip("@") for w in _words(t)] for t in raw_posts["mentions"]]
    posts["caption"] = posts["caption"].fillna("")
    if (posts["likes"] < 0).any():
        raise ValidationError("posts.csv has negative like counts")

    previews = raw_posts["media_preview_b64"]
    images: list[bytes | None] = [None] * len(posts)
    restored = 0
    if restore_previews:
        for i, b64 in enumerate(previews):
            if isinstance(b64, str) and b64:
                try:
                    images[i] = restore_instagram_preview(b64)
                    restored += 1
                except ValidationError:
                    continue  # counted as not restored; the post keeps its labels
    posts["image"] = images

    posts = posts.sort_values(["user_id", "taken_at", "post_id"], kind="stable")
    return InstagramData(
        accounts=accounts,
        posts=posts.reset_index(drop=True),
        captured_at=posts["taken_at"].max(),
        previews_total=int(previews.notna().sum()),
        previews_restored=restored,
    )
