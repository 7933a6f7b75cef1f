"""Graph export: from the store into scipy CSR matrices, in pages, with an id ↔ index map.

Two views of the graph are exported, node sets shared:

* the follow graph: ``users × users``, 1.0 per ``FOLLOWS`` (row follows column);
* the engagement graph: ``users × posts`` weighted by the summed engagement score / 100
  (``ENGAGED``), ``users × posts`` authorship (``POSTED``) and ``posts × tags``
  (``TAGGED``).

How it is fast. The FalkorDB client parses result rows in Python, about 15 k rows/s:
2 M ``(a.id, b.id)`` rows took 133 s. Each page therefore comes back as one row of
joined strings (``string.join(collect(toString(id(b))), ' ')``), which the client
passes through untouched and numpy splits: the same 2 M follows export in ~5 s.
FalkorDB pages by windows of internal node ids (``id(a) >= $lo AND id(a) < $hi``, a
range seek, no sort; the window adapts to the edges it finds); Neo4j by keyset
(``WHERE a.id > $after ORDER BY a.id LIMIT $limit``, which its range index serves in
order). Neither uses ``SKIP``, whose cost grows with the offset.

Node ids travel joined by a separator that must not occur in any id: ``\\x1f`` (unit
separator) first, others if a page's split does not give its node count.

The export is not one snapshot: nodes or edges created while it runs may be missing,
and an edge whose endpoint was created after the node listing is dropped (counted in
``GraphExport.dropped``). Training tolerates both; new nodes are embedded later from
their neighbours (``engine.learn.embeddings.embed_new_nodes``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from tqdm import tqdm

from engine.errors import StoreError
from engine.store import GraphStore

log = logging.getLogger(__name__)

SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x1c", "\x07")
NODE_WINDOW = 200_000  # internal ids per node-listing page (FalkorDB)
KEYSET_LIMIT = 10_000  # source nodes per page (Neo4j)
PAGE_EDGES = 500_000  # target edges per page: the id window adapts to reach it


@dataclass(frozen=True)
class NodeSet:
    """The nodes of one label in index order: ``ids[i]`` is the application id of row i.

    ``keys`` are what the edge pages name nodes by: FalkorDB internal ids (int64),
    or the application ids themselves on Neo4j (``None``).
    """

    label: str
    ids: np.ndarray  # object array of str
    keys: np.ndarray | None = None
    _table: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: np.ndarray | dict[str, int]
        if self.keys is not None:
            top = int(self.keys.max()) + 1 if len(self.keys) else 0
            table = np.full(top, -1, dtype=np.int64)
            table[self.keys] = np.arange(len(self.keys), dtype=np.int64)
        else:
            table = {v: i for i, v in enumerate(self.ids.tolist())}
        object.__setattr__(self, "_table", table)

    def __len__(self) -> int:
        return len(self.ids)

    def index(self) -> dict[str, int]:
        """Application id -> row index."""
        if isinstance(self._table, dict):
            return self._table
        return {v: i for i, v in enumerate(self.ids.tolist())}

    def positions(self, keys: np.ndarray | list[Any]) -> np.ndarray:
        """Row indices of page keys; -1 for keys this set does not hold."""
        if isinstance(self._table, dict):
            get = self._table.get
            return np.fromiter((get(k, -1) for k in keys), dtype=np.int64, count=len(keys))
        k = np.asarray(keys, dtype=np.int64)
        out = np.full(len(k), -1, dtype=np.int64)
        inside = (k >= 0) & (k < len(self._table))
        out[inside] = self._table[k[inside]]
        return out


@dataclass(frozen=True)
class GraphExport:
    """The exported graph. Relations absent from the export are ``None``."""

    users: NodeSet
    follows: sp.csr_matrix  # users × users, row follows column
    posts: NodeSet | None = None
    tags: NodeSet | None = None
    engaged: sp.csr_matrix | None = None  # users × posts, summed score / 100
    posted: sp.csr_matrix | None = None  # users × posts, 1.0 per authored post
    tagged: sp.csr_matrix | None = None  # posts × tags, 1.0 per tag
    dropped: int = 0  # edges whose endpoint was created after the node listing
    seconds: dict[str, float] = field(default_factory=dict)

    def edge_counts(self) -> dict[str, int]:
        out = {"follows": int(self.follows.nnz)}
        for name in ("engaged", "posted", "tagged"):
            m = getattr(self, name)
            if m is not None:
                out[name] = int(m.nnz)
        return out


def undirected(adjacency: sp.spmatrix) -> sp.csr_matrix:
    """``A + Aᵀ`` without the diagonal: a mutual follow weighs 2, a one-way follow 1."""
    a = sp.csr_matrix(adjacency, dtype=np.float64)
    sym = (a + a.T).tocsr()
    sym.setdiag(0)
    sym.eliminate_zeros()
    sym.sort_indices()
    return sym


# -- the export -----------------------------------------------------------------------------
def export_follows(store: GraphStore, *, progress: bool = False,
                   page_edges: int = PAGE_EDGES) -> GraphExport:
    """Users and their follows."""
    timer = _Timer()
    pager = _pager(store, progress, page_edges)
    with timer("users"):
        users = pager.nodes("users", "User")
    with timer("follows"):
        follows, dropped = pager.relation("follows", users, users)
    return GraphExport(users=users, follows=follows, dropped=dropped, seconds=timer.seconds)


def export_engagements(store: GraphStore, *, progress: bool = False,
                       page_edges: int = PAGE_EDGES) -> GraphExport:
    """Users and posts with the engagements between them (no follows: an empty matrix)."""
    timer = _Timer()
    pager = _pager(store, progress, page_edges)
    with timer("nodes"):
        users = pager.nodes("users", "User")
        posts = pager.nodes("posts", "Post")
    with timer("engaged"):
        engaged, dropped = _engaged(pager, users, posts)
    return GraphExport(users=users, follows=sp.csr_matrix((len(users), len(users))), posts=posts,
                       engaged=engaged, dropped=dropped, seconds=timer.seconds)


def _engaged(pager: _Pager, users: NodeSet, posts: NodeSet) -> tuple[sp.csr_matrix, int]:
    engaged, dropped = pager.relation("engagements", users, posts, weighted=True)
    engaged.data /= 100.0
    engaged.eliminate_zeros()  # zero-score engagements carry no preference
    return engaged, dropped


def export_graph(store: GraphStore, *, progress: bool = False,
                 page_edges: int = PAGE_EDGES) -> GraphExport:
    """Users, posts and tags with follows, engagements, authorship and tags."""
    timer = _Timer()
    pager = _pager(store, progress, page_edges)
    with timer("nodes"):
        users = pager.nodes("users", "User")
        posts = pager.nodes("posts", "Post")
        tags = pager.nodes("tags", "Tag")
    dropped = 0
    with timer("follows"):
        follows, d = pager.relation("follows", users, users)
        dropped += d
    with timer("engaged"):
        engaged, d = _engaged(pager, users, posts)
        dropped += d
    with timer("posted"):
        posted, d = pager.relation("posted", users, posts)
        posted.data[:] = 1.0
        dropped += d
    with timer("tagged"):
        tagged, d = pager.relation("post_tags", posts, tags)
        tagged.data[:] = 1.0
        dropped += d
    return GraphExport(users=users, follows=follows, posts=posts, tags=tags, engaged=engaged,
                       posted=posted, tagged=tagged, dropped=dropped, seconds=timer.seconds)


# -- paging ----------------------------------------------------------------------------------
class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str) -> _Timer:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.seconds[self._name] = round(time.perf_counter() - self._start, 3)


Page = tuple[list[Any] | np.ndarray, list[Any] | np.ndarray, np.ndarray | None]


class _Pager:
    def __init__(self, store: GraphStore, progress: bool, page_edges: int) -> None:
        self.store = store
        self.progress = progress
        self.page_edges = max(1, page_edges)

    def nodes(self, what: str, label: str) -> NodeSet:
        raise NotImplementedError

    def pages(self, what: str) -> Iterator[Page]:
        raise NotImplementedError

    def relation(self, what: str, rows: NodeSet, cols: NodeSet, *, weighted: bool = False
                 ) -> tuple[sp.csr_matrix, int]:
        """The relation as a ``len(rows) × len(cols)`` CSR matrix (duplicates summed)."""
        src_parts, dst_parts, w_parts = [], [], []
        dropped = 0
        for src, dst, weight in self.pages(what):
            s, d = rows.positions(src), cols.positions(dst)
            keep = (s >= 0) & (d >= 0)
            dropped += int(len(keep) - keep.sum())
            src_parts.append(s[keep])
            dst_parts.append(d[keep])
            w_parts.append(np.ones(int(keep.sum())) if weight is None else weight[keep])
        s = np.concatenate(src_parts) if src_parts else np.empty(0, dtype=np.int64)
        d = np.concatenate(dst_parts) if dst_parts else np.empty(0, dtype=np.int64)
        w = np.concatenate(w_parts) if w_parts else np.empty(0)
        m = sp.csr_matrix((w.astype(np.float64), (s, d)), shape=(len(rows), len(cols)))
        m.sum_duplicates()
        if dropped:
            log.info("export %s: dropped %d edges to nodes created during the export",
                     what, dropped)
        return m, dropped


class _FalkorPager(_Pager):
    """Internal-id windows; each page one row of joined strings."""

    def __init__(self, store: GraphStore, progress: bool, page_edges: int) -> None:
        super().__init__(store, progress, page_edges)
        rows = store.read("learn/get_node_bound")
        top = rows[0]["top"] if rows else None
        self.top = -1 if top is None else int(top)

    def nodes(self, what: str, label: str) -> NodeSet:
        keys, ids = [], []
        windows = range(0, self.top + 1, NODE_WINDOW)
        for lo in tqdm(windows, desc=f"export {what}", unit="page", disable=not self.progress,
                       leave=False):
            page = self._node_page(what, lo, lo + NODE_WINDOW)
            keys.append(page[0])
            ids.extend(page[1])
        k = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
        return NodeSet(label, np.array(ids, dtype=object), k)

    def _node_page(self, what: str, lo: int, hi: int) -> tuple[np.ndarray, list[str]]:
        for sep in SEPARATORS:
            row = self._read_nodes(what, lo, hi, sep)
            n = int(row["n"])
            if n == 0:
                return np.empty(0, dtype=np.int64), []
            ids, keys = row["ids"].split(sep), _ints(row["keys"])
            if len(ids) == n and len(keys) == n:
                return keys, ids
        raise StoreError(f"export {what}: ids in [{lo}, {hi}) contain every separator "
                         f"{[hex(ord(s)) for s in SEPARATORS]}")

    def _read_nodes(self, what: str, lo: int, hi: int, sep: str) -> dict[str, Any]:
        # Literal names: tests/test_queries.py checks every name has a file.
        if what == "users":
            return self.store.read("learn/list_users", lo=lo, hi=hi, sep=sep)[0]
        if what == "posts":
            return self.store.read("learn/list_posts", lo=lo, hi=hi, sep=sep)[0]
        if what == "tags":
            return self.store.read("learn/list_tags", lo=lo, hi=hi, sep=sep)[0]
        raise ValueError(what)

    def _read_edges(self, what: str, lo: int, hi: int) -> dict[str, Any]:
        if what == "follows":
            return self.store.read("learn/list_follows", lo=lo, hi=hi)[0]
        if what == "engagements":
            return self.store.read("learn/list_engagements", lo=lo, hi=hi)[0]
        if what == "posted":
            return self.store.read("learn/list_posted", lo=lo, hi=hi)[0]
        if what == "post_tags":
            return self.store.read("learn/list_post_tags", lo=lo, hi=hi)[0]
        raise ValueError(what)

    def pages(self, what: str) -> Iterator[Page]:
        window, lo = 16_384, 0
        bar = tqdm(total=self.top + 1, desc=f"export {what}", unit="id", unit_scale=True,
                   disable=not self.progress, leave=False)
        with bar:
            while lo <= self.top:
                hi = lo + window
                row = self._read_edges(what, lo, hi)
                bar.update(min(hi, self.top + 1) - lo)
                n = int(row["n"])
                if n:
                    src, dst = _ints(row["src"]), _ints(row["dst"])
                    weight = _floats(row["weight"]) if "weight" in row else None
                    if not len(src) == len(dst) == n or (weight is not None
                                                         and len(weight) != n):
                        raise StoreError(f"export {what}: page [{lo}, {hi}) is inconsistent")
                    yield src, dst, weight
                lo = hi
                # Aim the next window at page_edges edges, within a factor of 4 per step.
                density = n / window
                wanted = self.page_edges / density if density else window * 4
                window = int(min(max(wanted, window / 4, 1024), window * 4))


class _KeysetPager(_Pager):
    """Neo4j: keyset pages by application id; rows are lists."""

    def nodes(self, what: str, label: str) -> NodeSet:
        ids: list[str] = []
        after = ""
        while True:
            row = self._read_nodes(what, after)
            page = row["ids"]
            if not page:
                break
            ids.extend(page)
            after = page[-1]
        return NodeSet(label, np.array(ids, dtype=object))

    def _read_nodes(self, what: str, after: str) -> dict[str, Any]:
        if what == "users":
            return self.store.read("learn/list_users", after=after, limit=KEYSET_LIMIT)[0]
        if what == "posts":
            return self.store.read("learn/list_posts", after=after, limit=KEYSET_LIMIT)[0]
        if what == "tags":
            return self.store.read("learn/list_tags", after=after, limit=KEYSET_LIMIT)[0]
        raise ValueError(what)

    def _read_edges(self, what: str, after: str) -> dict[str, Any]:
        if what == "follows":
            return self.store.read("learn/list_follows", after=after, limit=KEYSET_LIMIT)[0]
        if what == "engagements":
            return self.store.read("learn/list_engagements", after=after,
                                   limit=KEYSET_LIMIT)[0]
        if what == "posted":
            return self.store.read("learn/list_posted", after=after, limit=KEYSET_LIMIT)[0]
        if what == "post_tags":
            return self.store.read("learn/list_post_tags", after=after, limit=KEYSET_LIMIT)[0]
        raise ValueError(what)

    def pages(self, what: str) -> Iterator[Page]:
        after = ""
        bar = tqdm(desc=f"export {what}", unit="page", disable=not self.progress, leave=False)
        with bar:
            while True:
                row = self._read_edges(what, after)
                sources = row["src"]
                if not sources:
                    return
                src: list[Any] = []
                dst: list[Any] = []
                weights: list[float] = []
                weighted = what == "engagements"
                for s, targets in zip(sources, row["dst"], strict=True):
                    for t in targets:
                        src.append(s)
                        if weighted:
                            dst.append(t[0])
                            weights.append(float(t[1]))
                        else:
                            dst.append(t)
                bar.update(1)
                yield src, dst, np.asarray(weights) if weighted else None
                after = row["last"]


def _pager(store: GraphStore, progress: bool, page_edges: int) -> _Pager:
    if store.dialect == "falkordb":
        return _FalkorPager(store, progress, page_edges)
    return _KeysetPager(store, progress, page_edges)


def _ints(text: str) -> np.ndarray:
    # Text-mode fromstring: 5x faster than np.array(text.split()); callers check the count.
    return np.fromstring(text, dtype=np.int64, sep=" ") if text else np.empty(0, np.int64)


def _floats(text: str) -> np.ndarray:
    return np.fromstring(text, dtype=np.float64, sep=" ") if text else np.empty(0)
