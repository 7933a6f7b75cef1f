"""Event-file import: parsing JSONL and CSV, whole-file rejection, batching."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ValidationError
from engine.importers.files import ImportRejected, check_files, import_files
from engine.maintenance import graph_counts
from engine.settings import Settings
from engine.store import GraphStore


def _write(path: Path, text: str) -> Path:
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def test_csv_cells_become_typed_nested_values(tmp_path: Path, store: GraphStore,
                                              settings: Settings) -> None:
    users = _write(tmp_path / "users.csv", "id,name\nalice,Alice\nbob,\n")
    posts = _write(tmp_path / "posts.csv", """
actor,foreign_id,tags,extra,time
alice,p1,surfing #Beach,"{""media_type"": ""video""}",2024-05-01T10:00:00Z
bob,p2,"[""dogs""]",,1714557600000
""")
    engagements = _write(tmp_path / "engagements.csv", """
id,user_id,label,content.foreign_id,score,position
e1,bob,like,p1,50.5,3
e1,bob,like,p1,50.5,3
e2,alice,view,p2,5,
""")
    assert import_files(store, "users", [users], settings=settings, progress=False)["written"] == 2
    import_files(store, "activities", [posts], settings=settings, progress=False)
    counts = import_files(store, "engagements", [engagements], settings=settings, progress=False)
    assert counts == {"rows": 3, "written": 2, "duplicates": 1}
    rows = store.execute(
        "MATCH (u:User {id: 'bob'})-[e:ENGAGED]->(p:Post {id: 'p1'}) "
        "RETURN e.score AS score, e.position AS position, p.extra AS extra, u.name AS name",
        {}, write=False)
    assert rows == [{"score": 50.5, "position": 3, "extra": '{"media_type": "video"}',
                     "name": None}]
    assert graph_counts(store)["tags"] == 3


def test_every_bad_line_is_reported_and_nothing_written(tmp_path: Path, store: GraphStore,
                                                        settings: Settings) -> None:
    good = _write(tmp_path / "good.jsonl", '{"id": "a"}\n\n{"id": "b"}\n')
    bad = _write(tmp_path / "bad.csv", "id,name,extra_column\nc,C\n,D\ne,E,x,y\n")
    with pytest.raises(ImportRejected) as caught:
        import_files(store, "users", [good, bad], settings=settings, progress=False)
    messages = [str(e) for e in caught.value.errors]
    assert messages[0].endswith("bad.csv:3: id: Field required")  # an empty cell is not given
    assert messages[1].endswith("bad.csv:4: more cells than the header has columns")
    assert len(messages) == 2  # the line missing its last cell is fine: empty means not given
    assert graph_counts(store)["users"] == 0


def test_references_are_checked_before_writing(tmp_path: Path, store: GraphStore,
                                               settings: Settings) -> None:
    import_files(store, "users", [_write(tmp_path / "u.jsonl", '{"id": "a"}\n{"id": "b"}\n')],
                 settings=settings, progress=False)
    follows = _write(tmp_path / "f.jsonl", """
{"source": "a", "target": "b"}
{"source": "a", "target": "ghost"}
""")
    with pytest.raises(ImportRejected, match=r"f.jsonl:2: unknown user 'ghost'"):
        import_files(store, "follows", [follows], settings=settings, progress=False)
    assert graph_counts(store)["follows"] == 0


def test_impressions_are_batched_by_the_posts_they_name(tmp_path: Path, store: GraphStore,
                                                        settings: Settings) -> None:
    import_files(store, "activities", [_write(tmp_path / "a.jsonl", "".join(
        f'{{"actor": "a", "foreign_id": "p{i}", "tags": ["x"]}}\n' for i in range(8)))],
        settings=settings, progress=False)
    pages = _write(tmp_path / "i.csv", "user_id,content_list\n" + "".join(
        f"u{i},p{i} p{(i + 1) % 8} p{(i + 2) % 8}\n" for i in range(8)))
    # 8 pages of 3 posts with at most 5 posts per batch: one page per batch, none split.
    small = settings.model_copy(update={"max_batch": 5})
    counts = import_files(store, "impressions", [pages], settings=small, progress=False)
    assert counts["written"] == 24
    assert graph_counts(store)["impressions"] == 24


def test_unknown_kind_and_format_fail_clearly(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.jsonl", '{"id": "a"}\n')
    with pytest.raises(KeyError):
        check_files("likes", [path], None)
    with pytest.raises(ValidationError, match="unknown format"):
        check_files("users", [path], "xml")
