"""The synthetic world: deterministic, community-shaped, heavy-tailed, and loadable."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from engine.demo import DAY_MS, World, _page_chunks, generate_world, load_world
from engine.demo_vocab import LABELS
from engine.maintenance import graph_counts
from engine.settings import Settings
from engine.store import GraphStore

NOW = 1_700_000_000_000


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(3000, seed=7, now_ms=NOW)


def _same(a: World, b: World) -> bool:
    for f in fields(World):
        if f.name == "timings":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            if not np.array_equal(x, y):
                return False
        elif x != y:
            return False
    return True


def test_same_seed_same_world(world: World) -> None:
    again = generate_world(3000, seed=7, now_ms=NOW)
    assert _same(world, again)
    assert world.engagement_rows(100, 110) == again.engagement_rows(100, 110)
    assert world.activity_rows(0, 20) == again.activity_rows(0, 20)


def test_another_seed_another_world(world: World) -> None:
    assert not _same(world, generate_world(3000, seed=8, now_ms=NOW))


def test_follows_stay_mostly_in_the_community(world: World) -> None:
    c = world.user_community
    assert np.mean(c[world.follow_src] == c[world.follow_dst]) > 0.75
    assert np.all(world.follow_src != world.follow_dst)
    keys = world.follow_src * world.n_users + world.follow_dst
    assert len(np.unique(keys)) == len(keys), "a follow appears twice"


def test_popularity_is_heavy_tailed(world: World) -> None:
    followers = np.bincount(world.follow_dst, minlength=world.n_users)
    assert followers.max() > 10 * np.median(followers)
    posts = np.bincount(world.post_author, minlength=world.n_users)
    assert posts.max() > 5 * max(np.median(posts), 1)


def test_posts_are_tagged_from_their_community(world: World) -> None:
    favourite = [set(t) for t in world.community_tags]
    own = total = 0
    for i in range(world.n_posts):
        tags = world.post_tag_idx[world.post_tag_ptr[i]:world.post_tag_ptr[i + 1]]
        assert 1 <= len(tags) <= 3 and len(set(tags.tolist())) == len(tags)
        community = favourite[world.user_community[world.post_author[i]]]
        own += sum(world.tags[t] in community for t in tags)
        total += len(tags)
    assert own / total > 0.7


def test_engagements_follow_community_and_followees(world: World) -> None:
    c = world.user_community
    author = world.post_author[world.eng_post]
    followed = set((world.follow_src * world.n_users + world.follow_dst).tolist())
    via_follow = np.array([u * world.n_users + a in followed
                           for u, a in zip(world.eng_user.tolist(), author.tolist(), strict=True)])
    near = (c[world.eng_user] == c[author]) | via_follow
    assert near.mean() > 0.8
    assert np.all(author != world.eng_user), "nobody engages with their own posts"
    # Label-dependent scores: shares score far above views.
    by_label = {lab: world.eng_score[world.eng_label == i].mean() for i, lab in enumerate(LABELS)}
    assert by_label["view"] < by_label["click"] < by_label["like"] < by_label["comment"] \
        < by_label["share"]
    assert world.eng_score.min() >= 0 and world.eng_score.max() <= 100


def test_times_fall_in_the_last_month(world: World) -> None:
    assert np.all(world.post_created >= NOW - 30 * DAY_MS) and np.all(world.post_created < NOW)
    assert np.all(world.eng_at >= world.post_created[world.eng_post])
    assert np.all(world.eng_at < NOW) and np.all(world.imp_at < NOW)
    assert np.all(world.user_created[world.post_author] < world.post_created)
    assert np.all(world.follow_since >= world.user_created[world.follow_src])


def test_sizes_scale_with_users() -> None:
    small = generate_world(500, seed=1, now_ms=NOW).counts()
    big = generate_world(2000, seed=1, now_ms=NOW).counts()
    for key in ("posts", "follows", "engagements", "impressions"):
        assert 2.5 < big[key] / small[key] < 6, key
    per_user = {k: v / 2000 for k, v in big.items()}
    assert 12 < per_user["follows"] < 25 and 3 < per_user["posts"] < 7
    assert 30 < per_user["engagements"] < 60


def test_impression_pages_are_cut_at_the_batch_size() -> None:
    ptr = np.array([0, 10, 20, 25, 35, 36])
    assert _page_chunks(ptr, 20) == [(0, 2), (2, 5)]
    assert _page_chunks(ptr, 5) == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]  # never empty


def test_a_world_needs_two_users() -> None:
    with pytest.raises(ValueError):
        generate_world(1, seed=0)


def test_loading_gives_the_counts_the_world_promises(store: GraphStore,
                                                      settings: Settings) -> None:
    world = generate_world(300, seed=3, now_ms=NOW)
    # A small batch size makes every kind span several batches.
    written = load_world(store, world, progress=False,
                         settings=settings.model_copy(update={"max_batch": 2000}))
    expected = world.counts()
    assert graph_counts(store) == expected
    assert written["engagements"] == expected["engagements"]
    rows = store.execute(
        "MATCH (u:User {id: 'u0'}) RETURN u.name AS name, u.created_at AS created", {},
        write=False)
    assert rows == [{"name": world.user_names[0], "created": int(world.user_created[0])}]
