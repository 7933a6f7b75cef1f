"""HetRec 2011 Last.fm 2K as an Instagram stand-in, split and loaded into a graph.

Read from ``../shared/data/hetrec2011_lastfm_2k`` (never copied). The mapping:

- users → ``User`` ``u<id>``; mutual friendships → ``FOLLOWS`` both ways;
- artists → ``Post`` ``a<id>``, each posted by its own account ``artist:<id>`` (so
  the per-author cap and own-post filter are no-ops here, as they should be);
- listening counts → one ``ENGAGED {label: 'listen'}`` per (user, artist), its
  score ``100 * log(1 + w) / log(1 + max w of that user)``: log-scaled per user to
  0..100 (a user's favourite artist scores 100);
- tag assignments → ``TAGGED``: each artist keeps its ``TOP_TAGS`` most assigned tags,
  counted only over (user, artist) pairs in the training set, so a held-out pair
  never leaks through its tags.

The split is the benchmark's random 8:1:1, per user, seeded: each user's
interactions are shuffled and cut so that training gets ~80%, validation and test
~10% each (users with fewer than 3 interactions keep them all in training).
All events happen at one fixed time, the data set having no listening times: the
artists are "posted" an hour before it, so every time-windowed source sees them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import ValidationError

DATASET = "hetrec-lastfm"
DIR_NAME = "hetrec2011_lastfm_2k"
TOP_TAGS = 10
T0 = 1_304_208_000_000  # 2011-05-01 UTC: when every event of the graph happens
FILES = ("user_artists.dat", "user_friends.dat", "user_taggedartists.dat", "tags.dat")


@dataclass(frozen=True)
class Split:
    train: pd.DataFrame  # user, artist, weight
    valid: pd.DataFrame
    test: pd.DataFrame


@dataclass(frozen=True)
class Hetrec:
    listens: pd.DataFrame  # user, artist, weight
    friends: pd.DataFrame  # user, friend (both directions, as in the file)
    tagged: pd.DataFrame  # user, artist, tag (tag text)

    @property
    def artists(self) -> np.ndarray:
        return np.unique(self.listens["artist"].to_numpy())


def load(path: Path) -> Hetrec:
    path = Path(path)
    if path.is_dir() and not (path / FILES[0]).is_file() and (path / DIR_NAME).is_dir():
        path = path / DIR_NAME
    missing = [f for f in FILES if not (path / f).is_file()]
    if missing:
        raise ValidationError(f"{path} is not the HetRec Last.fm 2K folder: missing "
                              f"{', '.join(missing)}", path=str(path))
    listens = pd.read_csv(path / "user_artists.dat", sep="\t").rename(
        columns={"userID": "user", "artistID": "artist"})
    friends = pd.read_csv(path / "user_friends.dat", sep="\t").rename(
        columns={"userID": "user", "friendID": "friend"})
    assigned = pd.read_csv(path / "user_taggedartists.dat", sep="\t").rename(
        columns={"userID": "user", "artistID": "artist", "tagID": "tag_id"})
    tags = pd.read_csv(path / "tags.dat", sep="\t", encoding="latin-1").rename(
        columns={"tagID": "tag_id", "tagValue": "tag"})
    tagged = assigned.merge(tags, on="tag_id")[["user", "artist", "tag"]]
    return Hetrec(listens=listens[["user", "artist", "weight"]], friends=friends,
                  tagged=tagged)


def split(data: Hetrec, seed: int = 0, ratios: tuple[float, float, float] = (0.8, 0.1, 0.1)
          ) -> Split:
    """Per-user random 8:1:1 split of the interactions, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    parts: list[list[pd.DataFrame]] = [[], [], []]
    for _, rows in data.listens.groupby("user", sort=True):
        rows = rows.iloc[rng.permutation(len(rows))]
        n = len(rows)
        if n < 3:
            parts[0].append(rows)
            continue
        n_valid = max(1, int(round(n * ratios[1])))
        n_test = max(1, int(round(n * ratios[2])))
        n_train = n - n_valid - n_test
        parts[0].append(rows.iloc[:n_train])
        parts[1].append(rows.iloc[n_train:n_train + n_valid])
        parts[2].append(rows.iloc[n_train + n_valid:])
    train, valid, test = (pd.concat(p, ignore_index=True) for p in parts)
    return Split(train=train, valid=valid, test=test)


def post_id(artist: int) -> str:
    return f"a{artist}"


def user_id(user: int) -> str:
    return f"u{user}"


def artist_tags(data: Hetrec, train: pd.DataFrame, top: int = TOP_TAGS) -> dict[int, list[str]]:
    """Each artist's most assigned tags, counting only training (user, artist) pairs."""
    keep = data.tagged.merge(train[["user", "artist"]], on=["user", "artist"])
    counts = keep.groupby(["artist", "tag"]).size().reset_index(name="n")
    counts = counts.sort_values(["artist", "n", "tag"], ascending=[True, False, True])
    return {int(a): [str(t).strip().lower()[:64] for t in g["tag"].head(top)]
            for a, g in counts.groupby("artist")}


def scores(train: pd.DataFrame) -> np.ndarray:
    """Listening counts as engagement scores, log-scaled per user to 0..100."""
    top = train.groupby("user")["weight"].transform("max").to_numpy(dtype=np.float64)
    w = train["weight"].to_numpy(dtype=np.float64)
    return np.round(100.0 * np.log1p(w) / np.log1p(np.maximum(top, 1.0)), 4)


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def graph_rows(data: Hetrec, sp: Split) -> dict[str, list[dict[str, Any]]]:
    """What the Ingestor writes, by kind: users, activities, follows, engagements."""
    users = sorted(set(data.listens["user"]) | set(data.friends["user"])
                   | set(data.friends["friend"]))
    tags = artist_tags(data, sp.train)
    activities = [{"actor": f"artist:{a}", "verb": "artist", "foreign_id": post_id(int(a)),
                   "tags": tags.get(int(a), []), "time": T0 - 3_600_000}
                  for a in data.artists.tolist()]
    pairs = {(int(u), int(f)) for u, f in data.friends[["user", "friend"]].itertuples(
        index=False)}
    pairs |= {(f, u) for u, f in pairs}
    follows = [{"source": user_id(u), "target": user_id(f), "time": T0 - 86_400_000}
               for u, f in sorted(pairs) if u != f]
    score = scores(sp.train)
    engagements = [
        {"id": f"lastfm-{u}-{a}", "user_id": user_id(int(u)), "label": "listen",
         "content_id": post_id(int(a)), "score": float(s), "time": T0}
        for (u, a), s in zip(sp.train[["user", "artist"]].itertuples(index=False), score,
                             strict=True)]
    return {"users": [{"id": user_id(int(u))} for u in users], "activities": activities,
            "follows": follows, "engagements": engagements}


def load_graph(store: Any, data: Hetrec, sp: Split, *, settings: Any,
               progress: bool = True) -> dict[str, int]:
    """Write the training graph through the Ingestor, in batches (with a progress bar)."""
    from tqdm import tqdm

    from engine.ingest import Ingestor

    ingestor = Ingestor(store, settings)
    rows = graph_rows(data, sp)
    writers = {"users": ingestor.upsert_users, "activities": ingestor.add_activities,
               "follows": ingestor.follow_many, "engagements": ingestor.track_engagements}
    size = settings.max_batch
    total = sum(len(v) for v in rows.values())
    with tqdm(total=total, desc="loading hetrec-lastfm", unit=" rows", disable=not progress,
              dynamic_ncols=True) as bar:
        for kind, write in writers.items():
            for batch in _batches(rows[kind], size):
                write(batch)
                bar.update(len(batch))
    return {k: len(v) for k, v in rows.items()}


def ndcg_at(ranked: list[str], relevant: set[str], k: int) -> float:
    gains = [1.0 if r in relevant else 0.0 for r in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0
