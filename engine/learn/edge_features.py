"""Edge features from node embeddings, and the classifier that scores them.

The binary operators of the node2vec paper (Table 1) turn two node vectors into
one edge vector; a logistic regression trained on labelled pairs of the
residual graph then scores unseen pairs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from engine.errors import ValidationError

Operator = Callable[[np.ndarray, np.ndarray], np.ndarray]

OPERATORS: dict[str, Operator] = {
    "hadamard": lambda a, b: a * b,
    "average": lambda a, b: (a + b) / 2.0,
    "l1": lambda a, b: np.abs(a - b),  # the paper's "Weighted-L1"
    "l2": lambda a, b: (a - b) ** 2,  # the paper's "Weighted-L2"
}


def edge_features(embedding: np.ndarray, pairs: np.ndarray, operator: str) -> np.ndarray:
    """``(k, d)`` features of ``pairs`` under one of :data:`OPERATORS`."""
    try:
        op = OPERATORS[operator]
    except KeyError:
        raise ValidationError(f"unknown operator {operator!r}: use one of "
                              + ", ".join(OPERATORS), operator=operator) from None
    pairs = np.asarray(pairs, dtype=np.int64)
    return op(embedding[pairs[:, 0]], embedding[pairs[:, 1]]).astype(np.float64, copy=False)


def fit_edge_classifier(features: np.ndarray, labels: np.ndarray, seed: int = 0) -> Pipeline:
    """Standardised L2 logistic regression (scaling makes one C fit every operator)."""
    model = make_pipeline(StandardScaler(),
                          LogisticRegression(C=1.0, max_iter=2000, random_state=seed))
    model.fit(features, labels)
    return model


def score_pairs_with_embedding(embedding: np.ndarray, train_pairs: np.ndarray,
                               train_labels: np.ndarray, test_pairs: np.ndarray,
                               operator: str = "hadamard", seed: int = 0) -> np.ndarray:
    """Train on ``train_pairs`` and return P(edge) for ``test_pairs``."""
    model = fit_edge_classifier(edge_features(embedding, train_pairs, operator),
                                train_labels, seed)
    return model.predict_proba(edge_features(embedding, test_pairs, operator))[:, 1]
