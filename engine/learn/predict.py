"""Like predictions as a service: a new post before it is published, a stored post
against its actual likes, and the newest saved model kept loaded.

A new post goes through the very feature code training used (``LikeModel.predict``
-> ``build_features``): the author's history is their posts with a like count taken
strictly before ``posted_at``, their counts are read like ``list_like_authors`` reads
them, and the prediction is for a mature post (``DEFAULT_AGE_DAYS``). An image is
measured after shrinking it to the typical size of the training images (the
model's ``image_side``: Instagram's ~42 px previews for the public set), because
sharpness and edge density depend on the size; ``width``/``height`` (the post's
aspect ratio) come from the image as sent.

Not known for a new post, so left to the model as "absent": Instagram's automatic
alt-text labels (the ``lab_*`` features).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import lightgbm as lgb
import pandas as pd

from engine.errors import GraphfeedError, ModelNotTrained, NotFound, ValidationError
from engine.events import MAX_TAGS, MAX_TEXT, now_ms, to_epoch_ms
from engine.learn.images import decode_image, rgb_features
from engine.learn.likes import (
    DEFAULT_AGE_DAYS,
    INTERVAL_HIGH,
    INTERVAL_LOW,
    MEDIA_CODES,
    LikeModel,
    LikePrediction,
    feature_label,
)
from engine.learn.likes_graph import AUTHOR_COLUMNS, newest_version, stored_post_prediction
from engine.store import GraphStore

log = logging.getLogger(__name__)

# posted_at outside [2000-01-01, now + 1 year] is a unit or typing mistake, not a plan.
EARLIEST_POST_MS = to_epoch_ms("2000-01-01T00:00:00+00:00")
MAX_AHEAD_MS = 366 * 86_400_000
MAX_LOCATION = 256
NEW_POST_ID = "(new post)"
_MENTION = re.compile(r"(?<![\w@])@[\w.]+")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_HISTORY_COLUMNS = ("post_id", "user_id", "taken_at", "likes", "media_type")


@dataclass(frozen=True)
class LikeContribution:
    """How one feature moved a prediction: ``effect`` is on log(1 + likes), so the
    feature multiplies 1 + likes by exp(effect)."""

    feature: str
    label: str  # the feature in words
    value: float | None  # the feature's value for this post; None: unknown
    effect: float


@dataclass(frozen=True)
class LikeEstimate:
    likes: float  # the typical outcome
    low: float  # an interval holding the likes with probability ``level``
    high: float
    level: float
    age_days: float  # the post age the likes are predicted for
    baseline_likes: float  # the model's answer before it looks at this post
    contributions: tuple[LikeContribution, ...]  # every feature, largest |effect| first
    model_version: str | None


@dataclass(frozen=True)
class PostLikes:
    """A stored post's like count next to the model's prediction for the same age."""

    post_id: str
    actual: int | None  # None: the post has no like count (e.g. posted through the API)
    within_interval: bool | None
    estimate: LikeEstimate


def estimate(prediction: LikePrediction, model: LikeModel) -> LikeEstimate:
    return LikeEstimate(
        likes=prediction.likes, low=prediction.low, high=prediction.high,
        level=round(INTERVAL_HIGH - INTERVAL_LOW, 6), age_days=prediction.age_days,
        baseline_likes=prediction.baseline_likes,
        contributions=tuple(LikeContribution(c.feature, feature_label(c.feature), c.value,
                                             c.effect) for c in prediction.contributions),
        model_version=model.version)


# --- a new post -----------------------------------------------------------------------

def predict_new_post(store: GraphStore, model: LikeModel, *, user_id: str,
                     caption: str | None = None, tags: Sequence[str] = (),
                     posted_at: Any = None, media_type: str = "image",
                     image: bytes | None = None, location: str | None = None,
                     now: int | None = None) -> LikeEstimate:
    """Expected likes of a post ``user_id`` is about to publish, an 80% interval and
    every feature's contribution. ``posted_at``: ISO text, datetime or epoch ms
    (default: now). Bad input: ``ValidationError`` naming the field; unknown user:
    ``NotFound``."""
    now = now_ms() if now is None else now
    if not isinstance(user_id, str) or not user_id.strip():
        raise ValidationError("user_id must be a non-empty string", field="user_id")
    user_id = user_id.strip()
    if media_type not in MEDIA_CODES:
        raise ValidationError(f"media_type must be one of {list(MEDIA_CODES)}, not "
                              f"{media_type!r}", field="media_type")
    caption = _text(caption, "caption", MAX_TEXT)
    location = _text(location, "location", MAX_LOCATION)
    hashtags = _hashtags(tags, caption)
    taken_at = _posted_at(posted_at, now)
    pixels = None if image is None else _decode(image)

    authors = store.read("learn/get_like_author", user_id=user_id)
    if not authors:
        raise NotFound(f"user {user_id!r} does not exist", ids=[user_id])
    author = {c: authors[0].get(c) for c in AUTHOR_COLUMNS}
    history = pd.DataFrame(store.read("learn/list_user_like_history", user_id=user_id),
                           columns=list(_HISTORY_COLUMNS))
    history["media_type"] = history["media_type"].where(history["media_type"].isin(MEDIA_CODES))

    post: dict[str, Any] = {
        "post_id": NEW_POST_ID, "user_id": user_id, "taken_at": taken_at,
        "media_type": media_type, "caption": caption, "location": location,
        "hashtags": float(len(hashtags)),
        "mentions": float(len(_MENTION.findall(caption or ""))),
    }
    if pixels is None:
        post["image"] = None  # image features unknown, as for a post without a preview
    else:
        post["height"], post["width"] = (float(n) for n in pixels.shape[:2])
        post.update(rgb_features(_as_trained(pixels, model.image_side)))
    prediction = model.predict(pd.DataFrame([post]), pd.DataFrame([author]), history,
                               age_days=DEFAULT_AGE_DAYS, top=len(model.feature_names))[0]
    return estimate(prediction, model)


def _text(value: str | None, field: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text", field=field)
    if len(value) > limit:
        raise ValidationError(f"{field} has {len(value)} characters, more than the limit of "
                              f"{limit}", field=field, limit=limit)
    return value


def _hashtags(tags: Sequence[str] | None, caption: str | None) -> set[str]:
    """Distinct hashtags: the given tags and the caption's #words (Instagram counts these)."""
    tags = list(tags or ())
    if len(tags) > MAX_TAGS or not all(isinstance(t, str) for t in tags):
        raise ValidationError(f"tags must be a list of at most {MAX_TAGS} strings",
                              field="tags", limit=MAX_TAGS)
    found = set()
    for tag in tags:
        cleaned = tag.strip().lstrip("#").strip().lower()
        if not 0 < len(cleaned) <= 64:
            raise ValidationError(f"tag {tag!r} must have 1 to 64 characters", field="tags")
        found.add(cleaned)
    return found | {t.lower() for t in _HASHTAG.findall(caption or "")}


def _posted_at(value: Any, now: int) -> int:
    if value is None:
        return now
    try:
        ms = to_epoch_ms(value)
    except ValueError as e:
        raise ValidationError(f"posted_at: {e}", field="posted_at") from e
    if not EARLIEST_POST_MS <= ms <= now + MAX_AHEAD_MS:
        raise ValidationError("posted_at must be between 2000-01-01 and one year from now",
                              field="posted_at")
    return ms


def _decode(image: bytes) -> Any:
    try:
        return decode_image(image)
    except ValidationError as e:
        raise ValidationError(f"image: {e.message}", field="image") from e


def _as_trained(pixels: Any, side: float | None) -> Any:
    height, width = pixels.shape[:2]
    if side is None or max(height, width) <= side:
        return pixels
    scale = side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)


# --- a stored post -------------------------------------------------------------------

def check_post(store: GraphStore, model: LikeModel, post_id: str) -> PostLikes:
    """A stored post's likes against the prediction for the age they were counted at."""
    prediction, actual = stored_post_prediction(store, model, post_id,
                                                top=len(model.feature_names))
    count = None if actual is None else int(round(actual))
    return PostLikes(post_id=post_id, actual=count,
                     within_interval=None if count is None
                     else prediction.low <= count <= prediction.high,
                     estimate=estimate(prediction, model))


# --- the model a server uses ------------------------------------------------------------

class LikeModels:
    """The newest like model saved under ``folder``, loaded once and kept.

    ``get`` looks for a newer version at most every ``refresh_s`` seconds (a
    directory listing, microseconds) and loads it only when its name changed, so
    `graphfeed train likes` reaches a running server without a restart and no
    request ever waits for more than one load. A version that fails to load is
    logged and the current model stays in service.
    """

    def __init__(self, folder: Path, refresh_s: float = 30.0) -> None:
        self.folder = Path(folder)
        self.refresh_s = refresh_s
        self._model: LikeModel | None = None
        self._next_check = -math.inf
        self._lock = threading.Lock()  # predictions run in worker threads

    def get(self) -> LikeModel | None:
        if time.monotonic() < self._next_check:
            return self._model
        with self._lock:
            now = time.monotonic()
            if now < self._next_check:  # another thread checked while this one waited
                return self._model
            self._next_check = now + self.refresh_s
            newest = newest_version(self.folder)
            current = None if self._model is None else self._model.version
            if newest is not None and newest.name != current:
                try:
                    self._model = LikeModel.load(newest)
                    log.info("like model %s loaded from %s", newest.name, newest)
                except (GraphfeedError, OSError, ValueError, KeyError,
                        lgb.basic.LightGBMError) as e:
                    log.warning("like model %s could not be loaded (still serving %s): %s",
                                newest, current, e)
            return self._model

    def require(self) -> LikeModel:
        model = self.get()
        if model is None:
            raise ModelNotTrained(
                "no like model has been trained: run `graphfeed train likes` (it needs posts "
                "with like counts, e.g. from `graphfeed import-instagram`)")
        return model
