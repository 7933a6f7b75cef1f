"""The like model trained from, and applied to, the graph.

``frames_from_graph`` reads every post and author into the ``LikeModel`` input
contract (see ``engine.learn.likes``); ``train_likes`` fits, evaluates on each
author's newest post and saves a versioned model folder; ``load_latest`` reads the
newest folder back; ``predict_for_post`` compares a stored post's likes with the
model's prediction for the same post age.

When the likes were counted (``captured_at``): the Instagram import is a snapshot,
so its posts use the set's capture time, estimated like
``engine.evaluate.datasets.load_instagram`` does (its newest post); posts of any
other source are taken as counted now.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import ModelNotTrained, NotFound, ValidationError
from engine.evaluate.datasets import restore_instagram_preview
from engine.evaluate.likes import metrics as like_metrics
from engine.evaluate.likes import newest_post_split
from engine.events import now_ms
from engine.importers.instagram import SOURCE as INSTAGRAM_SOURCE
from engine.learn.likes import MEDIA_CODES, LikeModel, LikePrediction
from engine.store import GraphStore

MIN_GRAPH_POSTS = 200  # posts with a like count needed before training is worth it
PAGE_SIZE = 2000
# Sources whose likes were counted once, at a capture time the graph does not store.
SNAPSHOT_SOURCES = (INSTAGRAM_SOURCE,)
AUTHOR_COLUMNS = ("user_id", "followers", "following", "posts_count", "is_verified",
                  "is_business")


def _image(b64: object) -> bytes | None:
    if not isinstance(b64, str) or not b64:
        return None
    try:
        return restore_instagram_preview(b64)
    except ValidationError:
        return None  # a broken preview only loses the image features of one post


def _capture_times(store: GraphStore) -> dict[str, int]:
    rows = store.read("learn/get_capture_times", sources=list(SNAPSHOT_SOURCES))
    return {r["source"]: int(r["captured_at"]) for r in rows if r["captured_at"] is not None}


def _posts_frame(rows: list[dict[str, Any]], captures: dict[str, int],
                 now: int) -> pd.DataFrame:
    columns = ["post_id", "user_id", "taken_at", "likes", "media_type", "caption", "hashtags",
               "mentions", "location", "accessibility_caption", "width", "height",
               "media_preview_b64", "source"]
    posts = pd.DataFrame(rows, columns=columns)
    # Posts of the event API keep their media type elsewhere: unknown, not an error.
    posts["media_type"] = posts["media_type"].where(posts["media_type"].isin(MEDIA_CODES))
    posts["likes"] = pd.to_numeric(posts["likes"], errors="coerce")
    posts["taken_at"] = pd.to_numeric(posts["taken_at"], errors="coerce")
    captured = posts["source"].map(captures)
    posts["captured_at"] = captured.fillna(now).astype("int64")
    # Clock skew or a post newer than its snapshot's estimate: never before taken_at.
    posts["captured_at"] = np.maximum(posts["captured_at"], posts["taken_at"].fillna(0))
    posts["image"] = [_image(b) for b in posts.pop("media_preview_b64")]
    return posts.drop(columns="source")


def frames_from_graph(store: GraphStore, *, page_size: int = PAGE_SIZE,
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(posts, authors) of the whole graph in the ``LikeModel`` contract.

    posts keep rows whose ``likes`` is NaN (no count known): callers drop them to
    fit; ``taken_at`` and ``captured_at`` are epoch ms; ``image`` holds the restored
    preview JPEG or None. Removed posts are left out; a post without a time is too.
    """
    rows: list[dict[str, Any]] = []
    after = ""
    while True:
        page = store.read("learn/list_like_posts", after=after, limit=page_size)
        rows.extend(page)
        if len(page) < page_size:
            break
        after = page[-1]["post_id"]
    posts = _posts_frame(rows, _capture_times(store), now_ms())
    posts = posts[posts["taken_at"].notna()].reset_index(drop=True)
    authors = pd.DataFrame(store.read("learn/list_like_authors"), columns=list(AUTHOR_COLUMNS))
    return posts, authors


def _version(model_dir: Path) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    version, n = stamp, 1
    while (model_dir / version).exists():
        n += 1
        version = f"{stamp}-{n}"
    return version


def train_likes(store: GraphStore, model_dir: Path, *, progress: bool = True,
                holdout: bool = True, min_posts: int = MIN_GRAPH_POSTS,
                rounds: int | None = None) -> dict[str, Any]:
    """Fit the like model on the graph's posts with likes and save it to model_dir/<version>/.

    ``holdout``: train without each author's newest post and report test metrics on
    those posts (the saved model is that one: predicting an author's next post is
    its job). Returns version, path, counts, the model's own metrics and ``test``.
    """
    started = time.monotonic()
    posts, authors = frames_from_graph(store)
    known = posts[posts["likes"].notna()].reset_index(drop=True)
    if len(known) < min_posts:
        raise ModelNotTrained(
            f"the graph holds {len(known)} posts with a like count, at least {min_posts} are "
            "needed to train the like model: run `graphfeed import-instagram` first",
            posts_with_likes=int(len(known)), needed=min_posts)
    authors = authors[authors["user_id"].isin(known["user_id"])].reset_index(drop=True)
    train, test = newest_post_split(known) if holdout else (known, known.iloc[:0])
    if len(train) < min_posts:
        train, test = known, known.iloc[:0]
    model = LikeModel(rounds=rounds) if rounds else LikeModel()
    model.fit(train, authors, progress=progress)
    info: dict[str, Any] = {"posts": int(len(posts)), "posts_with_likes": int(len(known)),
                            "authors": int(len(authors)), "train_posts": int(len(train))}
    if len(test):
        # History: every known post; features use only those strictly before each post.
        pred = model.predict_frame(test, authors, known, age_days=None)
        y = np.log1p(test["likes"].to_numpy(dtype=float))
        info["test"] = like_metrics(y, pred["log_likes"].to_numpy(),
                                    pred["log_low"].to_numpy(), pred["log_high"].to_numpy())
    model.metrics.update({"graph": info})
    model_dir = Path(model_dir)
    version = _version(model_dir)
    path = model.save(model_dir / version)
    return {"version": version, "path": str(path), **info, "model": model.metrics,
            "seconds": round(time.monotonic() - started, 1)}


def newest_version(model_dir: Path) -> Path | None:
    """The folder of the newest complete model under ``model_dir`` (by version name)."""
    folder = Path(model_dir)
    if not folder.is_dir():
        return None
    versions = [p for p in folder.iterdir() if (p / "metadata.json").is_file()]
    return max(versions, key=lambda p: p.name, default=None)


def load_latest(model_dir: Path) -> LikeModel | None:
    """The newest saved like model under ``model_dir`` (by version name), None if none."""
    newest = newest_version(model_dir)
    return None if newest is None else LikeModel.load(newest)


def _finite(value: Any) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None


def predict_for_post(store: GraphStore, model: LikeModel, post_id: str,
                     *, top: int = 5) -> dict[str, Any]:
    """Predicted likes of a stored post at the age its likes were counted, vs. its actual.

    History features use the author's posts with likes taken before this one. A
    post the model was trained on is predicted in-sample (optimistic). ``actual``
    is None when the post has no like count.
    """
    prediction, actual = stored_post_prediction(store, model, post_id, top=top)
    return {
        "post_id": post_id, "actual": actual, "predicted": prediction.likes,
        "low": prediction.low, "high": prediction.high, "age_days": prediction.age_days,
        "within_interval": None if actual is None
        else prediction.low <= actual <= prediction.high,
        "baseline": prediction.baseline_likes,
        "contributions": [{"feature": c.feature, "value": c.value, "effect": c.effect}
                          for c in prediction.contributions],
    }


def stored_post_prediction(store: GraphStore, model: LikeModel, post_id: str, *,
                           top: int = 5) -> tuple[LikePrediction, float | None]:
    """``predict_for_post``'s prediction and the post's actual like count (None: unknown)."""
    rows = store.read("learn/list_author_like_posts", post_id=post_id)
    if not rows:
        raise NotFound(f"post {post_id!r} does not exist", post_id=post_id)
    posts = _posts_frame(rows, _capture_times(store), now_ms())
    target = posts[posts["post_id"] == post_id]
    if target.empty or target["taken_at"].isna().any():
        raise NotFound(f"post {post_id!r} has no creation time", post_id=post_id)
    history = posts[posts["likes"].notna() & posts["taken_at"].notna()]
    author = {c: rows[0].get(c) for c in AUTHOR_COLUMNS}
    if author["posts_count"] is None:
        author["posts_count"] = len(rows)
    prediction = model.predict(target, pd.DataFrame([author]), history, age_days=None,
                               top=top)[0]
    return prediction, _finite(target["likes"].iloc[0])
