"""Communities of the follow graph: Leiden (or Louvain), written back as versioned nodes.

Detection runs on the follow graph made undirected (a mutual follow weighs 2), with
igraph's C implementations: ``community_leiden`` (modularity objective) or
``community_multilevel`` (Louvain). On the 100k-user / 2M-follow benchmark both find
the same modularity; Leiden is a little faster and guarantees connected communities
(``benchmarks/RESULTS.md``). ``leidenalg`` found the same partition 10-20x slower.
Determinism: igraph draws from Python's ``random`` interface; the call runs with a
``random.Random(seed)`` of its own and the default generator is put back afterwards.

Communities are numbered by size (0 is the largest); groups smaller than ``min_size``
(isolated users, pairs) get none. A run writes, under its version::

    (:Community {version, id, size, tags, tag_weights, accounts, account_names,
                 account_followers})
    (:User)-[:IN_COMMUNITY]->(:Community)
    (:Community)-[:NEAR {weight, follows}]->(:Community)

and becomes visible in one statement (``engine.learn.runs.activate``). ``NEAR`` links a
community to those its members' cross-community follows reach most (weight = share of
its cross-community follows, both directions counted). After the flip the convenience
property ``User.community`` is written in batches (a plain int for analytics; it may
mix two versions while it is written) and older versions are deleted.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from engine.errors import ModelNotTrained, NotFound
from engine.learn.config import CommunitySettings
from engine.learn.export import GraphExport, undirected
from engine.store import GraphStore

if TYPE_CHECKING:
    import igraph as ig

log = logging.getLogger(__name__)

NO_COMMUNITY = -1


# -- detection (pure) --------------------------------------------------------------------------
@dataclass(frozen=True)
class Partition:
    membership: np.ndarray  # community per node, NO_COMMUNITY for groups under min_size
    modularity: float  # of the raw partition, on the undirected weighted graph
    sizes: np.ndarray  # per community id
    seconds: float

    @property
    def count(self) -> int:
        return len(self.sizes)


def to_igraph(adjacency: sp.spmatrix) -> ig.Graph:
    """An undirected weighted igraph graph of a symmetric adjacency (upper triangle)."""
    import igraph as ig  # here, not at the top: serving imports this module too

    upper = sp.triu(sp.csr_matrix(adjacency), k=1).tocoo()
    # A list of tuples: igraph converts it twice as fast as a numpy edge array.
    edges = list(zip(upper.row.tolist(), upper.col.tolist(), strict=True))
    g = ig.Graph(n=adjacency.shape[0], edges=edges, directed=False)
    g.es["weight"] = upper.data.astype(np.float64)
    return g


def detect(adjacency: sp.spmatrix, params: CommunitySettings | None = None, seed: int = 0,
           *, symmetric: bool = False) -> Partition:
    """Communities of a follow graph (directed unless ``symmetric``)."""
    params = params or CommunitySettings()
    start = time.perf_counter()
    sym = sp.csr_matrix(adjacency) if symmetric else undirected(adjacency)
    g = to_igraph(sym)
    raw = np.asarray(_run(g, params, seed), dtype=np.int64)
    modularity = g.modularity(raw.tolist(), weights="weight",
                              resolution=params.resolution) if g.ecount() else 0.0
    membership, sizes = renumber(raw, params.min_size)
    return Partition(membership, float(modularity), sizes, time.perf_counter() - start)


def _run(g: ig.Graph, params: CommunitySettings, seed: int) -> list[int]:
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        if params.method == "louvain":
            return g.community_multilevel(weights="weight",
                                          resolution=params.resolution).membership
        return g.community_leiden(objective_function="modularity", weights="weight",
                                  resolution=params.resolution,
                                  n_iterations=params.iterations).membership
    finally:
        ig.set_random_number_generator(random)


def renumber(raw: np.ndarray, min_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Ids by size (largest 0; ties by first member); groups under ``min_size`` dropped."""
    labels, first, inverse, counts = np.unique(raw, return_index=True, return_inverse=True,
                                               return_counts=True)
    order = np.lexsort((first, -counts))  # size descending, then first member
    kept = order[counts[order] >= min_size]
    new_id = np.full(len(labels), NO_COMMUNITY, dtype=np.int64)
    new_id[kept] = np.arange(len(kept))
    return new_id[inverse], counts[kept]


def community_links(follows: sp.spmatrix, membership: np.ndarray, keep: int
                    ) -> list[dict[str, Any]]:
    """The ``keep`` strongest cross-community links of each community (``NEAR`` rows)."""
    k = int(membership.max()) + 1 if len(membership) else 0
    if k < 2 or keep < 1:
        return []
    a = sp.coo_matrix(follows)
    ca, cb = membership[a.row], membership[a.col]
    cross = (ca >= 0) & (cb >= 0) & (ca != cb)
    m = sp.coo_matrix((np.ones(int(cross.sum())), (ca[cross], cb[cross])), shape=(k, k)).tocsr()
    both = (m + m.T).tocsr()  # follows either way
    totals = np.asarray(both.sum(axis=1)).ravel()
    rows = []
    for c in range(k):
        lo, hi = both.indptr[c], both.indptr[c + 1]
        targets, counts = both.indices[lo:hi], both.data[lo:hi]
        for j in np.lexsort((targets, -counts))[:keep]:
            rows.append({"source": c, "target": int(targets[j]),
                         "weight": round(float(counts[j] / totals[c]), 6),
                         "follows": int(counts[j])})
    return rows


def top_accounts(follows: sp.spmatrix, membership: np.ndarray, ids: np.ndarray, keep: int
                 ) -> dict[int, list[tuple[str, int]]]:
    """Per community: its ``keep`` most followed members (id, followers)."""
    followers = np.asarray(sp.csr_matrix(follows).sum(axis=0)).ravel().astype(np.int64)
    members = np.flatnonzero(membership >= 0)
    order = members[np.lexsort((members, -followers[members], membership[members]))]
    out: dict[int, list[tuple[str, int]]] = {}
    for i in order:
        c = int(membership[i])
        best = out.setdefault(c, [])
        if len(best) < keep:
            best.append((str(ids[i]), int(followers[i])))
    return out


# -- writing a run -------------------------------------------------------------------------------
def write_communities(store: GraphStore, version: int, export: GraphExport,
                      partition: Partition, params: CommunitySettings, batch_size: int,
                      progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Community nodes, memberships, summaries and links of ``version`` (before its flip)."""
    membership, ids = partition.membership, export.users.ids
    accounts = top_accounts(export.follows, membership, ids, params.top_accounts)
    wanted = sorted({a for best in accounts.values() for a, _ in best})
    names = {}
    for chunk in _chunks(wanted, batch_size):
        names.update({r["id"]: r["name"] for r in store.read("learn/get_user_names", ids=chunk)})
    rows = []
    for c, size in enumerate(partition.sizes.tolist()):
        best = accounts.get(c, [])
        rows.append({"id": c, "size": int(size), "accounts": [a for a, _ in best],
                     "names": [names.get(a) or a for a, _ in best],
                     "followers": [f for _, f in best]})
    for chunk in _chunks(rows, batch_size):
        store.write("learn/create_communities", rows=chunk, version=version)
    members = 0
    for groups in _member_batches(membership, ids, batch_size):
        members += int(store.write("learn/create_memberships", groups=groups,
                                   version=version)[0]["members"])
        if progress:
            progress("members", members)
    tag_rows = [{"id": r["community"], "tags": [t[0] for t in r["tags"]],
                 "weights": [round(float(t[1]), 6) for t in r["tags"]]}
                for r in store.read("learn/summarize_community_tags", version=version,
                                    limit=params.top_tags)]
    for chunk in _chunks(tag_rows, batch_size):
        store.write("learn/set_community_tags", rows=chunk, version=version)
    links = community_links(export.follows, membership, params.neighbours)
    for chunk in _chunks(links, batch_size):
        store.write("learn/create_community_links", rows=chunk, version=version)
    return {"communities": len(rows), "members": members, "links": len(links)}


def write_user_property(store: GraphStore, export: GraphExport, membership: np.ndarray,
                        batch_size: int) -> int:
    """``User.community`` for every exported user (null when in no community)."""
    written = 0
    rows = [{"id": i, "community": None if c < 0 else c}
            for i, c in zip(export.users.ids.tolist(), membership.tolist(), strict=True)]
    for chunk in _chunks(rows, batch_size):
        written += int(store.write("learn/set_user_communities", rows=chunk)[0]["users"])
    return written


def delete_other_versions(store: GraphStore, keep: int, batch: int = 50) -> int:
    deleted = 0
    while True:
        n = int(store.write("learn/delete_old_communities", keep=keep, limit=batch)[0]["deleted"])
        deleted += n
        if n == 0:
            return deleted


def _member_batches(membership: np.ndarray, ids: np.ndarray, batch_size: int
                    ) -> Iterator[list[dict[str, Any]]]:
    order = np.argsort(membership, kind="stable")
    order = order[membership[order] >= 0]
    for start in range(0, len(order), batch_size):
        part = order[start:start + batch_size]
        groups: dict[int, list[str]] = {}
        for i in part.tolist():
            groups.setdefault(int(membership[i]), []).append(str(ids[i]))
        yield [{"community": c, "users": u} for c, u in groups.items()]


def _chunks(rows: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield list(rows[start:start + size])


# -- reading --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Neighbour:
    community: int
    weight: float  # share of the community's cross-community follows
    tags: tuple[str, ...]


@dataclass(frozen=True)
class CommunitySummary:
    id: int
    version: int
    size: int
    top_tags: tuple[tuple[str, float], ...]  # (tag, summed interest weight), strongest first
    top_accounts: tuple[tuple[str, str, int], ...]  # (user id, name, followers)
    neighbours: tuple[Neighbour, ...]  # strongest first

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(t for t, _ in self.top_tags)


@dataclass(frozen=True)
class UserCommunity:
    version: int
    community: int
    size: int
    tags: tuple[str, ...]
    neighbours: tuple[Neighbour, ...]


def _neighbours(rows: list[list[Any]]) -> tuple[Neighbour, ...]:
    out = [Neighbour(int(c), float(w), tuple(t or ())) for c, w, t in rows if c is not None]
    return tuple(sorted(out, key=lambda n: (-n.weight, n.community)))


def community_summary(store: GraphStore, community_id: int) -> CommunitySummary:
    """Size, top tags, top accounts and nearest communities of an active community."""
    rows = store.read("learn/get_community", community=int(community_id))
    if not rows:
        if not store.read("learn/get_active_run", kind="communities"):
            raise ModelNotTrained("no communities yet: run `graphfeed train communities`")
        raise NotFound(f"no community {community_id} in the active run", ids=[community_id])
    r = rows[0]
    return CommunitySummary(
        id=int(r["id"]), version=int(r["version"]), size=int(r["size"]),
        top_tags=tuple(zip(r["tags"] or [], map(float, r["tag_weights"] or []), strict=True)),
        top_accounts=tuple(zip(r["accounts"] or [], r["account_names"] or [],
                               map(int, r["account_followers"] or []), strict=True)),
        neighbours=_neighbours(r["neighbours"] or []))


def user_community(store: GraphStore, user_id: str) -> UserCommunity | None:
    """The user's community under the active run; None before training or when in none."""
    rows = store.read("learn/get_user_community", user_id=user_id)
    if not rows:
        return None
    r = rows[0]
    return UserCommunity(version=int(r["version"]), community=int(r["community"]),
                         size=int(r["size"]), tags=tuple(r["tags"] or ()),
                         neighbours=_neighbours(r["neighbours"] or []))


def list_communities(store: GraphStore, limit: int = 20) -> list[dict[str, Any]]:
    return store.read("learn/list_communities", limit=limit)
