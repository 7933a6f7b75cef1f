"""node2vec embeddings: graphfeed's walks + gensim's skip-gram (Word2Vec).

The walks go to a temporary text file and gensim trains with ``corpus_file=``:
that mode neither holds 16 M Python strings in memory nor needs the GIL, so it
is the lean and fast path (DESIGN.md measured ~50 s for the in-memory path on
20k nodes / 200k edges).

Determinism. Walks are always reproducible for a seed (see ``walks.py``).
gensim 4.4 seeds the initial vectors and its negative-sampling stream from
``seed`` alone (``prep_vectors`` uses ``numpy.random.default_rng(seed)``; the
``hashfxn``/``PYTHONHASHSEED`` issue of older releases applies only to
``seeded_vector``, which Word2Vec training does not call), so one worker gives
bit-identical vectors across processes. Several workers update shared weights
without locks (Hogwild), so the result then depends on thread timing:
``deterministic=True`` forces ``workers=1`` at the cost of speed.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from gensim.models import Word2Vec
from tqdm import tqdm

from engine.errors import ValidationError
from engine.learn.walks import random_walks


@dataclass(frozen=True)
class Node2VecParams:
    """The paper's defaults: d=128, r=10, l=80, k=10, one epoch."""

    dimensions: int = 128
    walks_per_node: int = 10
    walk_length: int = 80
    # The paper's k. On Facebook link prediction k=5 scores higher (hadamard AUC
    # .9905 vs .988); more epochs or negatives did not help (benchmarks/RESULTS.md).
    window: int = 10
    epochs: int = 1
    p: float = 1.0
    q: float = 1.0
    negative: int = 5
    workers: int = 0  # 0: one per CPU core
    deterministic: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def write_walks(walks: np.ndarray, path: Path, progress: bool = False) -> None:
    """One walk per line, node ids as decimal tokens (gensim's LineSentence format).

    Tokens come from a lookup table of encoded ids, so writing 16 M tokens is
    a join per walk rather than 16 M ``str()`` calls. -1 padding is dropped.
    """
    n = int(walks.max()) + 1 if walks.size else 0
    names = [str(i).encode() for i in range(n)]
    with path.open("wb") as fh:
        for start in tqdm(range(0, len(walks), 10_000), desc="writing walks",
                          unit_scale=10_000, disable=not progress, leave=False):
            block = walks[start:start + 10_000]
            lines = [b" ".join([names[v] for v in row if v >= 0]) for row in block.tolist()]
            fh.write(b"\n".join(lines) + b"\n")


def train_word2vec(walks: np.ndarray, n_nodes: int, params: Node2VecParams, seed: int,
                   progress: bool = False) -> np.ndarray:
    """Skip-gram with negative sampling on the walks; rows in node order.

    A node that no walk visits (impossible for start-every-node walks) keeps
    a zero row rather than shifting the others.
    """
    workers = 1 if params.deterministic else (params.workers or os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="graphfeed-walks-") as tmp:
        corpus = Path(tmp) / "walks.txt"
        write_walks(walks, corpus, progress)
        model = Word2Vec(corpus_file=str(corpus), vector_size=params.dimensions,
                         window=params.window, min_count=1, sg=1, hs=0,
                         negative=params.negative, epochs=params.epochs,
                         workers=workers, seed=seed)
    out = np.zeros((n_nodes, params.dimensions), dtype=np.float32)
    keys = np.fromiter((int(k) for k in model.wv.index_to_key), dtype=np.int64)
    out[keys] = model.wv.vectors
    return out


def node2vec_embedding(adjacency: sp.spmatrix, params: Node2VecParams | None = None,
                       seed: int = 0, progress: bool = False) -> np.ndarray:
    """``(n_nodes, dimensions)`` float32 node2vec vectors of ``adjacency``."""
    params = params or Node2VecParams()
    if params.dimensions < 1 or params.window < 1 or params.epochs < 1:
        raise ValidationError("dimensions, window and epochs must be >= 1", **params.as_dict())
    walks = random_walks(adjacency, params.walks_per_node, params.walk_length,
                         params.p, params.q, seed=seed)
    return train_word2vec(walks, adjacency.shape[0], params, seed, progress)
