"""The score that ranks follow-suggestion candidates: a small logistic model.

    logit = b + w_aa · log(1 + AA) + w_deg · (log(1 + deg_user) + log(1 + deg_cand))
              + w_p3 · log(1 + P3) + w_cos · cos(emb_user, emb_cand)

AA is the Adamic-Adar sum over common neighbours, P3 the number of paths of
length 3 between the two accounts, deg a follower count (in- plus out-degree
in the undirected evaluation). Every term is what one Cypher query returns per
candidate: friends-of-friends already yields the common neighbours and their
degrees (AA); one more hop yields P3; the degrees are the candidate's
follower count; the cosine reads the stored embeddings.

Why these terms. Adamic-Adar orders candidates that share friends with the
user; but on the Facebook graph 2.8% of the held-out friendships have no
common neighbour left, and there every neighbourhood score ties with 93% of
the non-edges. P3 breaks those ties (AUC .94 on that slice, where degree alone
is worse than chance: .45). With P3 present the degree weight is negative:
it turns raw path counts, which grow with both degrees, into a normalised
path density (like Katz / local-path indices). The common-neighbour count and
Jaccard were fitted too and dropped: collinear with AA, they took weights of
opposite sign and gained < .0005 AUC, so each remaining weight keeps a plain
meaning.

Two weight sets. :data:`GRAPH_BLEND` has ``embedding_cosine`` = 0 and needs no
trained embeddings; :data:`EMBEDDING_BLEND` adds the cosine of the two users'
stored vectors (FastRP at `graphfeed train`'s default ``EmbeddingSettings``,
unit rows, what production stores; production learns them on the joint
user-post-tag graph, the harness on the friendship graph it has, so the
cosine weight is the Facebook fit, like the others). :func:`suggestion_logit` uses the second
only where both accounts have a vector, so an untrained graph, a new account or
a candidate without a vector is scored exactly as by the graph-only blend.

Where the numbers come from: ``evaluate_links(facebook, "blend", seed=0,
refit=True)`` fits them on the *residual* graph of the seed-0 split only
(a nested 10% split of it, see ``engine.evaluate.links.fit_blend_weights``;
the cosine there comes from vectors trained on the nested residual graph), so
the seed-0 test pairs never influence them. GRAPH_BLEND (``embedding=none``):
AUC .9916 vs Adamic-Adar .9808; seeds 1 and 2, refitted on their own residual
graphs: .9918 / .9915 vs .9807 / .9809. EMBEDDING_BLEND: .9931 on seed 0, and
with these very weights .9930 / .9930 on seeds 1 and 2 (refitted: .9929 /
.9928), vs .9926 / .9923 / .9920 for node2vec and .9909 for FastRP alone
(hadamard classifier); the cosine alone gives .989. With the cosine in, AA,
P3 and the degree term keep their signs but shrink: the vectors carry part of
the same neighbourhood evidence. Fitted on the Last.fm friendship graph
instead -- another network, ten times sparser -- the graph-only weights still
give .9856 on Facebook, and the degree weight turns positive there: the signs
of AA and P3 are the stable part, the degree term is per-graph.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from engine.errors import ValidationError

FEATURE_NAMES = ("adamic_adar", "degree", "paths3", "embedding_cosine")


@dataclass(frozen=True)
class BlendWeights:
    """Coefficients of the blend on the log-scaled features (see the module doc)."""

    intercept: float
    adamic_adar: float
    degree: float
    paths3: float
    embedding_cosine: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @property
    def coefficients(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in FEATURE_NAMES])


# Fitted on the residual Facebook graph of the seed-0 split (module doc).
GRAPH_BLEND = BlendWeights(intercept=-0.445, adamic_adar=2.708, degree=-0.778, paths3=1.475)
# The same split and nested fit, with the FastRP cosine (module doc).
EMBEDDING_BLEND = BlendWeights(intercept=-3.137, adamic_adar=1.825, degree=-0.207, paths3=0.802,
                               embedding_cosine=4.312)


def blend_features(adamic_adar: np.ndarray, paths3: np.ndarray, user_degree: np.ndarray,
                   candidate_degree: np.ndarray,
                   embedding_cosine: np.ndarray | None = None) -> np.ndarray:
    """``(k, 4)`` transformed features in :data:`FEATURE_NAMES` order."""
    aa = np.asarray(adamic_adar, dtype=np.float64)
    p3 = np.asarray(paths3, dtype=np.float64)
    du = np.asarray(user_degree, dtype=np.float64)
    dc = np.asarray(candidate_degree, dtype=np.float64)
    cos = np.zeros_like(aa) if embedding_cosine is None else np.asarray(embedding_cosine,
                                                                         dtype=np.float64)
    columns = (aa, p3, du, dc, cos)
    if len({c.shape for c in columns}) != 1:
        raise ValidationError("blend features must all have the same shape")
    if min(float(c.min(initial=0.0)) for c in columns[:4]) < 0:
        raise ValidationError("Adamic-Adar, path counts and degrees cannot be negative")
    return np.column_stack([np.log1p(aa), np.log1p(du) + np.log1p(dc), np.log1p(p3), cos])


def blend_score(adamic_adar: np.ndarray, paths3: np.ndarray, user_degree: np.ndarray,
                candidate_degree: np.ndarray, embedding_cosine: np.ndarray | None = None,
                weights: BlendWeights = GRAPH_BLEND) -> np.ndarray:
    """The blend's logit per candidate: higher ranks first."""
    x = blend_features(adamic_adar, paths3, user_degree, candidate_degree, embedding_cosine)
    return blend_logit(x, weights)


def suggestion_logit(adamic_adar: np.ndarray, paths3: np.ndarray, user_degree: np.ndarray,
                     candidate_degree: np.ndarray, embedding_cosine: np.ndarray) -> np.ndarray:
    """The logit per candidate: :data:`EMBEDDING_BLEND` where the cosine is known,
    :data:`GRAPH_BLEND` where it is NaN (the user or the candidate has no vector)."""
    cosine = np.asarray(embedding_cosine, dtype=np.float64)
    known = np.isfinite(cosine)
    x = blend_features(adamic_adar, paths3, user_degree, candidate_degree,
                       np.where(known, cosine, 0.0))
    return np.where(known, blend_logit(x, EMBEDDING_BLEND), blend_logit(x, GRAPH_BLEND))


def blend_logit(features: np.ndarray, weights: BlendWeights = GRAPH_BLEND) -> np.ndarray:
    """The logit of rows already made by :func:`blend_features`."""
    return weights.intercept + np.asarray(features) @ weights.coefficients


def fit_blend(features: np.ndarray, labels: np.ndarray, use_embedding: bool = False,
              seed: int = 0) -> BlendWeights:
    """Fit the weights on :func:`blend_features` rows with 0/1 labels.

    Unscaled features on purpose: the weights then read directly in log units.
    """
    columns = slice(None) if use_embedding else slice(0, 3)
    model = LogisticRegression(C=1.0, max_iter=5000, random_state=seed)
    model.fit(features[:, columns], labels)
    coef = np.zeros(len(FEATURE_NAMES))
    coef[columns] = model.coef_[0]
    values = {name: round(float(c), 3) for name, c in zip(FEATURE_NAMES, coef, strict=True)}
    return BlendWeights(intercept=round(float(model.intercept_[0]), 3), **values)
