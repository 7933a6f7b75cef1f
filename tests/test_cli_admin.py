"""The admin commands, run as a user runs them: `graphfeed …` in its own process,
against an embedded database in a data dir of the test's own."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from engine.demo import generate_world
from engine.ingest import Ingestor
from engine.maintenance import graph_counts
from engine.settings import Settings
from engine.store import GraphStore, open_store
from engine.store.embedded import start_or_attach

REPO = Path(__file__).resolve().parents[1]
INSTAGRAM = REPO.parent / "shared" / "data" / "instagram_like_predictor_2019"


class Cli:
    """Runs `graphfeed` with GRAPHFEED_GRAPH_URI pointing at one data dir."""

    def __init__(self, data_dir: Path, cwd: Path) -> None:
        self.data_dir = data_dir
        self.cwd = cwd  # not the repo: a developer's .env must not leak in
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHFEED_")}
        self.env["GRAPHFEED_GRAPH_URI"] = f"embedded://{data_dir}"

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["graphfeed", *args], cwd=self.cwd, env=self.env, text=True,
                              capture_output=True, timeout=300)
        if ok:
            assert done.returncode == 0, f"graphfeed {args} failed:\n{done.stderr}"
        return done

    def stats(self) -> dict[str, int]:
        return json.loads(self("stats", "--json").stdout)

    def rows(self, text: str, *params: str) -> list[dict[str, Any]]:
        query = self.cwd / "query.cypher"
        query.write_text(text)
        args = [a for p in params for a in ("--param", p)]
        return json.loads(self("cypher", str(query), "--json", *args).stdout)

    # In-process shortcuts to the same database, to keep the number of processes down.
    def _store(self) -> GraphStore:
        return open_store(Settings(graph_uri=f"embedded://{self.data_dir}"))

    def counts(self) -> dict[str, int]:
        with self._store() as store:
            return graph_counts(store)

    def seed_users(self, ids: list[str]) -> None:
        with self._store() as store:
            Ingestor(store).upsert_users([{"id": i} for i in ids])


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """Each command starts the embedded database itself and stops it when done."""
    work = tmp_path / "work"
    work.mkdir()
    return Cli(tmp_path / "g", work)


@pytest.fixture
def served(cli: Cli) -> Iterator[Cli]:
    """The database already runs: commands attach to it (faster; no restart)."""
    server = start_or_attach(cli.data_dir)
    yield cli
    server.stop()


def test_schema_creates_once(cli: Cli) -> None:
    first = cli("schema").stdout
    assert "created unique User.id" in first and "schema/create_post_id" in first
    assert "up to date" in cli("schema").stdout


def rebuild_counters(served: Cli, drop: str, count: str, read: str
                     ) -> tuple[list[dict[str, Any]], str]:
    """A demo graph from before some counters (``drop`` deletes them): the live counts
    (``count``) and what ``graphfeed schema`` said, once it stored exactly those counts
    (``read``) and a second run found nothing left to count."""
    served("demo", "--users", "100", "--seed", "2", "--no-progress")
    with served._store() as store:
        store.execute(drop, {}, write=True)
        expected = store.execute(count, {}, write=False)
    said = served("schema").stdout
    with served._store() as store:
        found = store.execute(read, {}, write=False)
    assert sorted(found, key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"])
    assert "counted" not in served("schema").stdout  # every one has counters now
    return expected, said


def test_schema_counts_engagements_of_posts_written_before_counters(served: Cli) -> None:
    # A graph from before the counters: posts with engagements and no PostCounts.
    expected, said = rebuild_counters(
        served, "MATCH (:Post)-[:HAS_COUNTS]->(n:PostCounts) DETACH DELETE n",
        "MATCH (p:Post) OPTIONAL MATCH (p)<-[:ENGAGED]-(u:User) "
        "RETURN p.id AS id, count(DISTINCT u) AS engagers",
        "MATCH (p:Post)-[:HAS_COUNTS]->(n:PostCounts) RETURN p.id AS id, n.engagers AS engagers")
    assert any(r["engagers"] for r in expected), "the demo world has no engagements"
    assert f"of {len(expected):,} posts" in said


def test_schema_counts_followers_of_users_written_before_counters(served: Cli) -> None:
    # A graph from before the follower counters: followed users without UserCounts.
    expected, said = rebuild_counters(
        served, "MATCH (:User)-[:HAS_COUNTS]->(n:UserCounts) DETACH DELETE n",
        "MATCH (u:User)<-[:FOLLOWS]-(x) RETURN u.id AS id, count(x) AS followers",
        "MATCH (u:User)-[:HAS_COUNTS]->(n:UserCounts) RETURN u.id AS id, "
        "n.followers AS followers")
    assert expected, "the demo world has no follows"
    assert f"counted the followers of {len(expected):,} users" in said


def test_demo_then_stats_in_another_process(cli: Cli) -> None:
    done = cli("demo", "--users", "200", "--seed", "5", "--no-progress")
    assert "total" in done.stdout
    # Stats from a second process: the server restarted from its (compacted) AOF.
    expected = generate_world(200, seed=5).counts()
    assert cli.stats() == expected

    again = cli("demo", "--users", "200", ok=False)
    assert again.returncode == 1
    assert again.stderr.startswith("error: the graph is not empty")
    assert cli.stats() == expected

    cli("demo", "--users", "100", "--seed", "1", "--reset", "--no-progress")
    assert cli.stats() == generate_world(100, seed=1).counts()


def _write(path: Path, text: str) -> Path:
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def test_import_files_and_reject_a_bad_one_whole(served: Cli) -> None:
    w = served.cwd
    served("import", "users", str(_write(w / "users.jsonl", """
{"id": "alice", "name": "Alice"}
{"id": "bob", "name": "Bob", "created_at": "2024-01-01T00:00:00Z"}
""")), "--no-progress")
    done = served("import", "activities", str(_write(w / "posts.csv", """
actor,foreign_id,tags,caption,time,extra.media_type
alice,pic:1,surfing beach,"Waves, finally",2024-05-01T10:00:00Z,image
bob,pic:2,"[""dogs"", ""#Food""]",Lunch,1714557600000,video
""")))
    assert "written" in done.stdout and "writing activities" in done.stderr  # the progress bar
    before = served.counts()
    assert (before["users"], before["posts"], before["tags"]) == (2, 2, 4)

    # One good line among bad ones: every bad line is named, nothing is written.
    bad = served("import", "follows", str(_write(w / "bad.jsonl", """
{"source": "bob", "target": "alice"}
{"source": "alice"}
not json
{"source": "carol", "target": "carol"}
""")), "--no-progress", ok=False)
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: 3 bad line(s); nothing was written")
    assert "bad.jsonl:2: target: Field required" in bad.stderr
    assert "bad.jsonl:3: not valid JSON" in bad.stderr
    assert "bad.jsonl:4: row: user 'carol' cannot follow themselves" in bad.stderr
    assert "bad.jsonl:1" not in bad.stderr
    assert served.counts() == before


def test_cypher_params_json_and_read_only(served: Cli) -> None:
    served.seed_users(["u3"])
    rows = served.rows("MATCH (u:User {id: $id}) RETURN u.id AS id, $n + 1 AS n, $tags AS tags, "
                       "$word AS word", "id=u3", "n=41", 'tags=["a", "b"]', "word=not json")
    assert rows == [{"id": "u3", "n": 42, "tags": ["a", "b"], "word": "not json"}]
    table = served("cypher", str(served.cwd / "query.cypher"), "-p", "id=u3", "-p", "n=1",
                   "-p", "tags=[]", "-p", "word=hi").stdout
    assert "u3" in table and "1 row(s)" in table
    query = served.cwd / "write.cypher"
    query.write_text("CREATE (:Scratch {at: $at}) RETURN 1 AS made;\n")
    refused = served("cypher", str(query), "--param", "at=1", ok=False)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error:") and "--write" in refused.stderr
    assert "made" in served("cypher", str(query), "--param", "at=1", "--write").stdout
    missing = served("cypher", str(query), "--write", ok=False)
    assert missing.returncode == 1 and missing.stderr.startswith("error:")


def _instagram_sample(folder: Path) -> None:
    """Two accounts and three posts in the set's own CSV layout."""
    folder.mkdir()
    pd.DataFrame({
        "username": ["surfer", "chef"], "id": ["101", "202"], "full_name": ["Sur Fer", None],
        "edge_followed_by": [5000, 120], "edge_follow": [10, 300],
        "edge_owner_to_timeline_media": [40, 7], "edge_felix_video_timeline": [0, 1],
        "highlight_reel_count": [2, 0], "is_verified": [True, False],
        "is_business_account": [True, False],
        "business_category_name": ["Creators & Celebrities", None],
        "is_private": [False, False], "external_url": [None, "https://example.com"],
        "biography": ["waves", None], "n_posts_in_file": [2, 1],
    }).to_csv(folder / "accounts.csv", index=False)
    pd.DataFrame({
        "shortcode": ["AAA", "BBB", "CCC"], "id": ["9001", "9002", "9003"],
        "owner_username": ["surfer", "surfer", "chef"],
        "taken_at_timestamp": [1554105863, 1554205863, 1554005863],
        "taken_at_utc": ["", "", ""],
        "__typename": ["GraphImage", "GraphVideo", "GraphSidecar"],
        "is_video": [False, True, False], "edge_liked_by": [1200, 3400, 56],
        "edge_media_to_comment": [10, 20, 1], "video_view_count": [None, 9000, None],
        "comments_disabled": [False, False, True], "location": ["Bondi Beach", None, None],
        "width": [1080, 640, 1080], "height": [1080, 640, 1350],
        "hashtags": ["Surfing beach", None, "Food #vegan food"],
        "mentions": ["chef", None, None],
        "caption": ["#Surfing at the #beach with @chef", None, "#Food #vegan"],
        "accessibility_caption": ["Image may contain: ocean", None, None],
        "display_url": ["https://img.example.com/a.jpg", None, None],
        "media_preview_b64": ["ACoqAAAA", None, None],
    }).to_csv(folder / "posts.csv", index=False)


def test_import_instagram_sample(served: Cli) -> None:
    folder = served.cwd / "instagram"
    _instagram_sample(folder)
    served("import-instagram", "--path", str(folder), "--no-progress")
    counts = served.counts()
    assert (counts["users"], counts["posts"], counts["tags"]) == (2, 3, 4)
    # Ids are strings: a JSON string parameter, not the number 9001.
    rows = served.rows(
        "MATCH (u:User)-[:POSTED]->(p:Post {id: $id}) "
        "OPTIONAL MATCH (p)-[:TAGGED]->(t:Tag) "
        "WITH u, p, t ORDER BY t.name "
        "RETURN u.username AS user, u.followers AS followers, u.verified AS verified, "
        "u.business_category AS category, p.shortcode AS shortcode, p.likes AS likes, "
        "p.created_at AS at, p.media_type AS media, p.location AS location, "
        "p.mention_count AS mentions, p.accessibility_caption AS alt, "
        "p.media_preview_b64 AS preview, collect(t.name) AS tags", 'id="9001"')
    assert rows == [{
        "user": "surfer", "followers": 5000, "verified": True,
        "category": "Creators & Celebrities", "shortcode": "AAA", "likes": 1200,
        "at": 1554105863000, "media": "image", "location": "Bondi Beach", "mentions": 1,
        "alt": "Image may contain: ocean", "preview": "ACoqAAAA", "tags": ["beach", "surfing"]}]
    served("import-instagram", "--path", str(folder), "--no-progress")  # again: in place
    assert served.counts() == counts


def test_import_instagram_without_the_folder_fails_clearly(cli: Cli) -> None:
    done = cli("import-instagram", "--path", str(cli.cwd / "nowhere"), ok=False)
    assert done.returncode == 1 and "not a folder" in done.stderr


@pytest.mark.data
def test_import_instagram_real_data(cli: Cli) -> None:
    if not INSTAGRAM.is_dir():
        pytest.skip(f"{INSTAGRAM} is not present")
    cli("import-instagram", "--no-progress")  # the default path is ../shared/data/…
    stats = cli.stats()
    assert stats["users"] == 1897 and stats["posts"] == 22561
    assert stats["tags"] > 10_000
