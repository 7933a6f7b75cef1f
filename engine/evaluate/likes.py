"""likePredict on the Instagram 2019 set: the model against "the author's usual likes".

Set-up: each account's newest post is a test post and its earlier posts are its
history; every other post trains the model, each with its own history taken
strictly before it (``engine.learn.likes`` guarantees that). Accounts with a
single post have no history to compare with: their post is a training post.
The test posts are predicted at their real age when the likes were counted
(half of them are under ~1.2 days old), since that is what the truth measures.

Baselines: the author's mean and median likes over earlier posts. Metrics, on
log1p(likes) unless named otherwise: MAE, R², median absolute percentage error
and the share within ±30% (on likes), coverage of the 80% interval.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pandas as pd

from engine.evaluate.datasets import InstagramData, load_instagram
from engine.learn.images import IMAGE_FEATURES, faces_available
from engine.learn.likes import LikeModel, group_columns, image_feature_frame

DEFAULT_OUT = Path("benchmarks/out/likes")
TARGET_IMPROVEMENT = 0.20
TARGET_COVERAGE = (0.75, 0.85)
ABLATIONS = {"no_image": ("image",), "no_history": ("history",), "no_labels": ("labels",),
             "no_age": ("age",)}
_AGE_BUCKETS = ((0.0, 1.0, "under_1_day"), (1.0, 3.0, "1_to_3_days"),
                (3.0, float("inf"), "3_days_or_more"))


def newest_post_split(posts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test): test holds the newest post of every account with two or more."""
    newest = posts.sort_values(["taken_at", "post_id"]).groupby("user_id").tail(1).index
    several = posts["user_id"].map(posts["user_id"].value_counts()) >= 2
    is_test = posts.index.isin(newest) & several.to_numpy()
    return posts[~is_test], posts[is_test]


def author_baselines(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, np.ndarray]:
    """log1p of each test author's mean / median likes over their (earlier) posts."""
    earlier = train[train["user_id"].isin(test["user_id"])]
    # Every training post of a test author is older than the test post (newest),
    # but filter by time anyway so the baseline can never see the future.
    cutoff = test.set_index("user_id")["taken_at"]
    earlier = earlier[earlier["taken_at"] < earlier["user_id"].map(cutoff)]
    likes = earlier.groupby("user_id")["likes"]
    return {"author_mean": np.log1p(test["user_id"].map(likes.mean()).to_numpy(dtype=float)),
            "author_median": np.log1p(test["user_id"].map(likes.median()).to_numpy(dtype=float))}


def metrics(y_log: np.ndarray, pred_log: np.ndarray, low: np.ndarray | None = None,
            high: np.ndarray | None = None) -> dict[str, Any]:
    """Log-scale MAE and R², relative errors on likes, interval coverage."""
    error = pred_log - y_log
    likes, predicted = np.expm1(y_log), np.expm1(pred_log)
    positive = likes > 0  # a relative error of a 0-like post is undefined
    relative = np.abs(predicted[positive] - likes[positive]) / likes[positive]
    spread = float(((y_log - y_log.mean()) ** 2).sum())
    out: dict[str, Any] = {
        "n": int(len(y_log)),
        "log_mae": float(np.abs(error).mean()),
        "r2_log": float(1 - (error**2).sum() / spread) if spread > 0 else None,
        "mdape": float(np.median(relative)),
        "within_30pct": float((relative <= 0.3).mean()),
        "coverage_80": None,
    }
    if low is not None and high is not None:
        out["coverage_80"] = float(((y_log >= low) & (y_log <= high)).mean())
        out["median_interval_ratio"] = float(np.median(np.expm1(high) / np.maximum(
            np.expm1(low), 1.0)))
    return out


def _by_age(age: np.ndarray, y: np.ndarray, pred: np.ndarray) -> dict[str, dict[str, Any]]:
    out = {}
    for lo, hi, name in _AGE_BUCKETS:
        rows = (age >= lo) & (age < hi)
        if rows.any():
            out[name] = {"n": int(rows.sum()),
                         "log_mae": float(np.abs(pred[rows] - y[rows]).mean())}
    return out


def cached_image_features(data: InstagramData, cache_dir: Path, *,
                          progress: bool) -> pd.DataFrame:
    """Image features of every post, cached beside the results (they take minutes)."""
    key = hashlib.sha256()
    key.update(json.dumps([list(IMAGE_FEATURES), cv2.__version__]).encode())
    for post_id, image in zip(data.posts["post_id"], data.posts["image"], strict=True):
        key.update(post_id.encode() + b"\0" + (image or b""))
    path = cache_dir / f"image_features.{key.hexdigest()[:16]}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as saved:
            frame = pd.DataFrame(saved["values"], columns=list(IMAGE_FEATURES),
                                 index=data.posts.index)
            frame.attrs["undecodable"] = int(saved["undecodable"])
            return frame
    frame = image_feature_frame(data.posts["image"], progress=progress)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, values=frame.to_numpy(dtype=float),
                        undecodable=frame.attrs["undecodable"])
    return frame


def plot_importance(importance: pd.Series, path: Path, title: str) -> Path:
    """Horizontal bars of mean |SHAP| (log-likes), coloured by feature group."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and CI
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    top = importance.sort_values().tail(25)
    groups = {c: g for g, cols in group_columns(importance.index).items() for c in cols}
    cmap = plt.get_cmap("tab10")
    palette = {g: cmap(i) for i, g in enumerate(sorted(set(groups.values())))}
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(top) + 1.4))
    ax.barh(top.index, top.to_numpy(), color=[palette[groups[c]] for c in top.index])
    ax.legend(handles=[Patch(color=colour, label=group) for group, colour in palette.items()],
              loc="lower right", fontsize=8)
    ax.set_xlabel("mean |SHAP contribution| to log1p(likes) on test posts")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def evaluate_likes(path: Path | str | None = None, *, out_dir: Path | str = DEFAULT_OUT,
                   seed: int = 0, ablations: bool = True, progress: bool = True,
                   save_model: Path | str | None = None) -> dict[str, Any]:
    """Run the whole evaluation, write ``likes.json`` and ``likes_importance.png``."""
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = load_instagram(path)
    images = cached_image_features(data, out, progress=progress)
    has_pixels = data.posts["image"].notna().to_numpy()
    decoded = int(has_pixels.sum()) - int(images.attrs["undecodable"])
    posts = pd.concat([data.posts.drop(columns=["image"]), images], axis=1)
    posts["captured_at"] = data.captured_at
    train, test = newest_post_split(posts)
    y = np.log1p(test["likes"].to_numpy(dtype=float))
    timings = {"load_and_images": time.perf_counter() - started}

    def run(exclude: tuple[str, ...]) -> tuple[LikeModel, pd.DataFrame, np.ndarray]:
        model = LikeModel(exclude=exclude, seed=seed).fit(train, data.accounts,
                                                          progress=progress)
        frame = model.predict_frame(test, data.accounts, train, age_days=None)
        return model, frame, model.matrix(test, data.accounts, train, None, None)[1]

    tick = time.perf_counter()
    model, predicted, x = run(())
    timings["fit_and_predict"] = time.perf_counter() - tick
    age = predicted["age_days"].to_numpy()
    main = metrics(y, predicted["log_likes"].to_numpy(), predicted["log_low"].to_numpy(),
                   predicted["log_high"].to_numpy())
    main["by_age"] = _by_age(age, y, predicted["log_likes"].to_numpy())
    baselines = {}
    for name, pred in author_baselines(train, test).items():
        baselines[name] = metrics(y, pred)
        baselines[name]["by_age"] = _by_age(age, y, pred)
    best = min(b["log_mae"] for b in baselines.values())
    improvement = 1 - main["log_mae"] / best

    shap = np.abs(model.contributions(x)[:, :-1]).mean(axis=0)
    importance = pd.Series(shap, index=model.feature_names).sort_values(ascending=False)
    png = plot_importance(importance, out / "likes_importance.png",
                          f"likePredict: what moved the predictions ({len(test)} test posts)")

    ablation_results = {}
    if ablations:
        tick = time.perf_counter()
        for name, exclude in ABLATIONS.items():
            _, frame, _ = run(exclude)
            ablation_results[name] = metrics(y, frame["log_likes"].to_numpy(),
                                             frame["log_low"].to_numpy(),
                                             frame["log_high"].to_numpy())
        timings["ablations"] = time.perf_counter() - tick
    if save_model is not None:
        model.metrics.update({"test": {k: v for k, v in main.items() if k != "by_age"}})
        model.save(save_model)

    coverage = main["coverage_80"]
    result: dict[str, Any] = {
        "dataset": {
            "path": str(Path(path) if path else "default"), "accounts": len(data.accounts),
            "posts": len(data.posts), "captured_at": data.captured_at.isoformat(),
            "previews": data.previews_total, "previews_restored": data.previews_restored,
            "previews_decoded": decoded, "faces_available": faces_available(),
            "opencv": cv2.__version__,
        },
        "split": {
            "train_posts": len(train), "test_posts": len(test),
            "single_post_accounts": int(data.accounts["user_id"].isin(
                posts["user_id"].value_counts().loc[lambda c: c == 1].index).sum()),
            "test_age_days": {q: float(np.quantile(age, p)) for q, p in
                              (("p10", 0.1), ("median", 0.5), ("p90", 0.9))},
            "predicted_at": "each test post's real age when its likes were counted",
        },
        "model": main,
        "baselines": baselines,
        "log_mae_reduction_vs_best_baseline": improvement,
        "targets": {
            "log_mae_reduction_at_least_20pct": improvement >= TARGET_IMPROVEMENT,
            "coverage_within_75_85pct": TARGET_COVERAGE[0] <= coverage <= TARGET_COVERAGE[1],
        },
        "ablations": ablation_results,
        "calibration": model.metrics,
        "top_features": [{"feature": f, "mean_abs_shap": float(v)}
                         for f, v in importance.head(15).items()],
        "artifacts": {"json": str(out / "likes.json"), "importance_png": str(png)},
        "seconds": {k: round(v, 1) for k, v in timings.items()},
    }
    (out / "likes.json").write_text(json.dumps(result, indent=2) + "\n")
    return result
