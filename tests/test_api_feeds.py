"""Recommendation queries over real HTTP: connections, paging, auth, typed engine errors."""

from __future__ import annotations

import uuid
from typing import Any

from api_server import LiveApi, api_settings, seed, serving

from engine.settings import Settings
from engine.store import open_store

pytest_plugins = ["api_server"]

TIMELINE = """query($u: ID!, $first: Int, $after: String) {
  timeline(userId: $u, first: $first, after: $after) {
    edges { cursor score sources reasons node { id author { id } tags { name } } }
    pageInfo { endCursor hasNextPage } } }"""
FEED = """query($u: ID!, $first: Int, $after: String) {
  feed(userId: $u, first: $first, after: $after) {
    edges { cursor score sources reasons node { id caption createdAt likeCount author { id } } }
    pageInfo { endCursor hasNextPage } } }"""
SUGGEST = """query($u: ID!, $first: Int) { followSuggestions(userId: $u, first: $first) {
  user { id name followerCount createdAt } score sources reasons } }"""
PROFILE = """query($u: ID!) { interestProfile(userId: $u) {
  userId asOf tags { tag weight updatedAt } authors { user { id } affinity engagements } } }"""
ANALYZE = """query($p: ID!, $u: ID) { analyzeFeatures(postId: $p, forUserId: $u) {
  post { id author { id } } tags
  author { user { id } engagements meanEngagementsPerPost }
  engagement { total users meanScore byLabel { label count users meanScore }
               scoreHistogram { low high count } firstAt lastAt }
  audience { users topTags { tag users weight } communities { community users share } }
  similar { post { id } score sharedTags coEngagers }
  forUser { userId score sources reasons excludedBecause
            contributions { name value weight contribution detail } } } }"""
FEEDBACK = """mutation($u: ID!, $t: ID!, $a: Boolean!) {
  suggestionFeedback(userId: $u, targetId: $t, accepted: $a) {
    accepted following user { id } target { id } } }"""


def code(response: Any) -> str:
    return response.json()["errors"][0]["extensions"]["code"]  # type: ignore[no-any-return]


def test_timeline_pages_newest_first(live_api: LiveApi) -> None:
    first = live_api.gql(TIMELINE, {"u": "alice", "first": 3})["timeline"]
    ids = [e["node"]["id"] for e in first["edges"]]
    assert ids == ["c2", "c1", "b2"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [e["cursor"] for e in first["edges"]] == [None, None, first["pageInfo"]["endCursor"]]
    assert all(e["sources"] == ["followees"] and e["reasons"] for e in first["edges"])
    rest = live_api.gql(TIMELINE, {"u": "alice", "first": 3,
                                   "after": first["pageInfo"]["endCursor"]})["timeline"]
    assert [e["node"]["id"] for e in rest["edges"]] == ["b1"]
    assert rest["pageInfo"]["hasNextPage"] is False


def test_feed_pages_never_repeat(live_api: LiveApi) -> None:
    seen: list[str] = []
    after = None
    for _ in range(10):  # bounded: the seeded graph has six posts
        page = live_api.gql(FEED, {"u": "alice", "first": 2, "after": after})["feed"]
        for edge in page["edges"]:
            assert isinstance(edge["score"], float) and edge["sources"] and edge["reasons"]
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert seen and len(seen) == len(set(seen))
    assert "b1" not in seen  # alice engaged with it already


def test_default_and_maximum_page_sizes(live_api: LiveApi) -> None:
    assert live_api.gql(FEED, {"u": "alice"})["feed"]["edges"] is not None
    response = live_api.post(FEED, {"u": "alice", "first": 10_000})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "first", "limit": 100}
    assert code(live_api.post(FEED, {"u": "alice", "first": 0})) == "INVALID_INPUT"


def test_bad_cursors_are_invalid_input(live_api: LiveApi) -> None:
    assert code(live_api.post(FEED, {"u": "alice", "after": "garbage"})) == "INVALID_INPUT"
    bobs = live_api.gql(TIMELINE, {"u": "bob", "first": 1})["timeline"]["pageInfo"]["endCursor"]
    if bobs is not None:  # bob follows people who posted
        assert code(live_api.post(TIMELINE, {"u": "alice", "after": bobs})) == "INVALID_INPUT"


def test_unknown_user_is_not_found(live_api: LiveApi) -> None:
    for query in (FEED, TIMELINE, PROFILE):
        assert code(live_api.post(query, {"u": "ghost"})) == "NOT_FOUND"
    assert code(live_api.post(ANALYZE, {"p": "ghost-post"})) == "NOT_FOUND"


def test_follow_suggestions(live_api: LiveApi) -> None:
    found = live_api.gql(SUGGEST, {"u": "alice", "first": 5})["followSuggestions"]
    assert found, "erin follows alice and dave is followed by both of alice's followees"
    ids = [s["user"]["id"] for s in found]
    assert "alice" not in ids and "bob" not in ids and "carol" not in ids
    assert all(s["reasons"] and s["sources"] for s in found)
    assert found[0]["user"]["createdAt"] == "2023-11-14T22:13:20+00:00"  # loaded on demand


def test_interest_profile(live_api: LiveApi) -> None:
    profile = live_api.gql(PROFILE, {"u": "bob"})["interestProfile"]
    assert profile["userId"] == "bob"
    assert [t["tag"] for t in profile["tags"]] == ["surfing"]
    assert profile["tags"][0]["updatedAt"] == "2023-11-15T09:13:20+00:00"
    assert [a["user"]["id"] for a in profile["authors"]] == ["dave"]


def test_analyze_features(live_api: LiveApi) -> None:
    plain = live_api.gql(ANALYZE, {"p": "d1"})["analyzeFeatures"]
    assert plain["post"] == {"id": "d1", "author": {"id": "dave"}}
    assert plain["engagement"]["total"] >= 2 and plain["forUser"] is None
    assert len(plain["engagement"]["scoreHistogram"]) == 5
    fit = live_api.gql(ANALYZE, {"p": "d1", "u": "alice"})["analyzeFeatures"]["forUser"]
    assert fit["userId"] == "alice" and fit["contributions"]


def test_user_tokens_read_only_their_own_recommendations(live_api: LiveApi) -> None:
    alice = live_api.token("alice")
    assert live_api.gql(FEED, {"u": "alice", "first": 1}, auth=alice)
    assert live_api.gql(SUGGEST, {"u": "alice"}, auth=alice)
    for query in (FEED, TIMELINE, SUGGEST, PROFILE):
        response = live_api.post(query, {"u": "bob"}, auth=alice)
        assert response.status_code == 200
        assert code(response) == "FORBIDDEN"
        assert response.json()["data"] is None
    assert code(live_api.post(ANALYZE, {"p": "d1", "u": "bob"}, auth=alice)) == "FORBIDDEN"
    assert live_api.gql(ANALYZE, {"p": "d1", "u": "alice"}, auth=alice)
    assert code(live_api.post(FEEDBACK, {"u": "bob", "t": "dave", "a": True},
                              auth=alice)) == "FORBIDDEN"


def test_suggestion_feedback(live_api: LiveApi) -> None:
    result = live_api.gql(FEEDBACK, {"u": "carol", "t": "erin", "a": False},
                          auth=live_api.token("carol"))["suggestionFeedback"]
    assert result == {"accepted": False, "following": False, "user": {"id": "carol"},
                      "target": {"id": "erin"}}
    after = live_api.gql(SUGGEST, {"u": "carol", "first": 20})["followSuggestions"]
    assert "erin" not in [s["user"]["id"] for s in after]
    assert code(live_api.post(FEEDBACK, {"u": "carol", "t": "ghost", "a": True})) == "NOT_FOUND"


AUTHORS = """query($u: ID!) { feed(userId: $u, first: 10) {
  edges { node { id author { id name } } } } }"""
AUTHOR_COUNTS = """query($u: ID!) { feed(userId: $u, first: 10) {
  edges { node { id author { id followerCount followingCount postCount createdAt } } } } }"""
USER = """query($id: ID!) { user(id: $id) {
  id followerCount followingCount postCount createdAt } }"""


def test_feed_authors_come_with_the_feed_and_their_counts_on_demand(settings: Settings) -> None:
    # A graph of its own: other tests add authors without names to the shared one.
    real = open_store(settings, graph=f"test_api_{uuid.uuid4().hex[:10]}")
    seed(real, settings)
    with serving(real, settings, api_settings()) as live_api:
        authors_on_demand(live_api)


def authors_on_demand(live_api: LiveApi) -> None:
    reads = live_api.store.reads
    before = reads.copy()
    edges = live_api.gql(AUTHORS, {"u": "alice"})["feed"]["edges"]
    assert edges and all(e["node"]["author"]["name"] == e["node"]["author"]["id"].title()
                         for e in edges)
    assert reads["api/get_users"] == before["api/get_users"]  # names came with the posts
    before = reads.copy()
    counted = live_api.gql(AUTHOR_COUNTS, {"u": "alice"})["feed"]["edges"]
    assert reads["api/get_users"] - before["api/get_users"] == 1  # all authors in one query
    authors = {e["node"]["author"]["id"]: e["node"]["author"] for e in counted}
    assert authors == {a: live_api.gql(USER, {"id": a})["user"] for a in authors}
    # bob follows dave and erin, is followed by alice, posted b1 and b2 (b2 is in the feed)
    assert (authors["bob"]["followerCount"], authors["bob"]["followingCount"],
            authors["bob"]["postCount"]) == (1, 2, 2)


EXPLORE = """query($u: ID!, $first: Int, $after: String) {
  explore(userId: $u, first: $first, after: $after) {
    edges { score sources reasons node { id author { id } } }
    pageInfo { endCursor hasNextPage } } }"""


def test_explore_skips_followees_and_own_posts_and_never_repeats(live_api: LiveApi) -> None:
    timeline = live_api.gql(TIMELINE, {"u": "alice", "first": 100})["timeline"]
    followees = {e["node"]["author"]["id"] for e in timeline["edges"]}
    assert followees, "the seeded graph has alice following someone"
    seen: list[str] = []
    after = None
    for _ in range(10):
        page = live_api.gql(EXPLORE, {"u": "alice", "first": 2, "after": after})["explore"]
        for edge in page["edges"]:
            assert edge["node"]["author"]["id"] not in followees | {"alice"}
            assert edge["sources"] and edge["reasons"]
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert len(seen) == len(set(seen))
