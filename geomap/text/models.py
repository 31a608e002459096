"""The geoparser's two learned scorers and how they are read from the data folder.

- the tagger (``tagger.json``): is a candidate span a place name? A logistic model or
  boosted trees over the tagger's span features plus pairwise products of them;
- the ranker (``ranker.json``): which gazetteer entry does a place name mean? A linear
  model or boosted trees over the resolver's candidate features.

Both files are written by ``data/train_geoparser.py``. A missing, damaged or outdated file
(features that are not the code's) is a :class:`~geomap.errors.DataError`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import cast

import numpy as np

from geomap.errors import DataError

__all__ = ["Logistic", "TreeTagger", "Linear", "Trees", "expand", "load_model"]


def expand(f: Sequence[float], pairs: Sequence[tuple[int, int]]) -> list[float]:
    """Return the feature vector ``f`` followed by the products named in ``pairs``."""
    return list(f) + [f[a] * f[b] for a, b in pairs]


def _expand_many(X: np.ndarray, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    if not len(pairs):
        return X
    a, b = np.array(pairs).T
    return np.hstack([X, X[:, a] * X[:, b]])


def _sigmoid(z: np.ndarray) -> list[float]:
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))).tolist()


class Logistic:
    """Logistic tagger over the span features plus pairwise products of named features."""

    def __init__(self, coef: Sequence[float], intercept: float, pairs: Sequence[tuple[int, int]]) -> None:
        self.coef = list(coef)
        self.intercept = float(intercept)
        self.pairs = cast("list[tuple[int, int]]", [tuple(p) for p in pairs])

    def predict(self, feats: list[list[float]]) -> list[float]:
        """Return the probability that each span (one feature vector each) is a place name."""
        if not feats:
            return []
        X = _expand_many(np.asarray(feats, dtype=float), self.pairs)
        return _sigmoid(self.intercept + X @ np.asarray(self.coef, dtype=float))


class TreeTagger:
    """Boosted-tree tagger over the expanded span features; probability = logistic(score)."""

    def __init__(self, trees: Trees, pairs: Sequence[tuple[int, int]]) -> None:
        self.trees = trees
        self.pairs = cast("list[tuple[int, int]]", [tuple(p) for p in pairs])

    def predict(self, feats: list[list[float]]) -> list[float]:
        """Return the probability that each span is a place name."""
        if not feats:
            return []
        X = _expand_many(np.asarray(feats, dtype=float), self.pairs)
        return _sigmoid(np.asarray(self.trees.score_many(X.tolist())))


class Linear:
    """Linear referent scorer: score = intercept + coef · x."""

    def __init__(self, coef: Sequence[float], intercept: float) -> None:
        self.coef = list(coef)
        self.intercept = float(intercept)

    def score(self, x: Sequence[float]) -> float:
        """Return the score of one candidate's features."""
        return self.intercept + sum(c * v for c, v in zip(self.coef, x))

    def score_many(self, xs: list[list[float]]) -> list[float]:
        """Return the score of each candidate."""
        if not xs:
            return []
        return (self.intercept + np.asarray(xs, dtype=float) @ np.asarray(self.coef, dtype=float)).tolist()


class Trees:
    """A boosted tree ensemble: score = init + rate * sum of leaf values."""

    def __init__(self, init: float, rate: float, trees: list) -> None:
        self.init = float(init)
        self.rate = float(rate)
        self.trees = trees  # each: (feature, threshold, left, right, value) lists
        self._packed: tuple[np.ndarray, np.ndarray, np.ndarray, int] | None = None

    def score(self, x: list[float]) -> float:
        total = 0.0
        for feat, thr, left, right, value in self.trees:
            node = 0
            while left[node] != -1:
                node = left[node] if x[feat[node]] <= thr[node] else right[node]
            total += value[node]
        return self.init + self.rate * total

    def score_many(self, xs: list[list[float]]):
        """Score many feature vectors at once.

        Each tree is laid out as a complete binary tree in heap order (a leaf above the
        last level is pushed down with an always-left split), so every row walks the same
        number of levels and all trees advance together in numpy.
        """
        import numpy as np

        if self._packed is None:
            self._packed = self._heap()
        feat, thr, leaf, depth = self._packed
        X = np.asarray(xs, dtype=float)
        n, t = X.shape[0], feat.shape[0]
        ti = np.arange(t)[None, :]
        ri = np.arange(n)[:, None]
        h = np.zeros((n, t), dtype=np.int64)
        for _ in range(depth):
            right = X[ri, feat[ti, h]] > thr[ti, h]
            h = 2 * h + 1 + right
        return (self.init + self.rate * leaf[ti, h - (2**depth - 1)].sum(axis=1)).tolist()

    def _heap(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        import numpy as np

        def depth_of(tree, node=0):
            _, _, left, right, _ = tree
            if left[node] == -1:
                return 0
            return 1 + max(depth_of(tree, left[node]), depth_of(tree, right[node]))

        depth = max(depth_of(tr) for tr in self.trees)
        inner = 2**depth - 1
        feat = np.zeros((len(self.trees), inner), dtype=np.int64)
        thr = np.full((len(self.trees), inner), np.inf)
        leaf = np.zeros((len(self.trees), 2**depth))
        for k, (f, th, left, right, value) in enumerate(self.trees):
            stack = [(0, 0, 0)]  # (sklearn node, heap index, level)
            while stack:
                node, hi, level = stack.pop()
                if level == depth:
                    leaf[k, hi - inner] = value[node]
                elif left[node] == -1:  # a leaf above the last level: always go left
                    stack.append((node, 2 * hi + 1, level + 1))
                else:
                    feat[k, hi] = f[node]
                    thr[k, hi] = th[node]
                    stack.append((left[node], 2 * hi + 1, level + 1))
                    stack.append((right[node], 2 * hi + 2, level + 1))
        return feat, thr, leaf, depth

    def to_json(self) -> dict:
        return {"init": self.init, "rate": self.rate, "trees": self.trees}

    @classmethod
    def from_json(cls, d: dict) -> Trees:
        return cls(d["init"], d["rate"], [tuple(t) for t in d["trees"]])

    @classmethod
    def from_sklearn(cls, model, x0) -> Trees:
        """Read a fitted scikit-learn ``GradientBoostingClassifier`` (``x0``: one training row)."""
        trees = []
        for est in model.estimators_[:, 0]:
            t = est.tree_
            trees.append(
                (
                    t.feature.tolist(),
                    [round(float(v), 6) for v in t.threshold],
                    t.children_left.tolist(),
                    t.children_right.tolist(),
                    [round(float(v), 6) for v in t.value[:, 0, 0]],
                )
            )
        obj = cls(0.0, model.learning_rate, trees)
        obj.init = float(model.decision_function(x0)[0]) - obj.score(list(x0[0]))
        return obj


def _read(name: str, features: Sequence[str]) -> dict:
    """Return the JSON of model file ``name``, checked against the code's ``features``."""
    from geomap.datafiles import data_path

    path = data_path(name)
    fix = "retrain with data/train_geoparser.py"
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read the model ({exc}); {fix}") from None
    if not isinstance(d, dict) or d.get("features") != list(features):
        raise DataError(f"{path}: the model was trained on other features than this version computes; {fix}")
    return d


def tagger_from_json(d: dict) -> Logistic | TreeTagger:
    """Build the tagger described by a ``tagger.json`` document (checked: sizes, tree shape)."""
    n = len(d["features"])
    pairs = [(int(a), int(b)) for a, b in d["pairs"]]
    if any(not (0 <= a < n and 0 <= b < n) for a, b in pairs):
        raise ValueError("a feature pair points outside the feature list")
    if "trees" in d:
        return TreeTagger(_checked_trees(d["trees"], n + len(pairs)), pairs)
    if len(d["coef"]) != n + len(pairs):
        raise ValueError(f"{len(d['coef'])} weights for {n + len(pairs)} features")
    return Logistic([float(c) for c in d["coef"]], float(d["intercept"]), pairs)


def ranker_from_json(d: dict) -> Linear | Trees:
    """Build the ranker described by a ``ranker.json`` document (checked: sizes, tree shape)."""
    n = len(d["features"])
    if "trees" in d:
        return _checked_trees(d["trees"], n)
    if len(d["coef"]) != n:
        raise ValueError(f"{len(d['coef'])} weights for {n} features")
    return Linear([float(c) for c in d["coef"]], float(d["intercept"]))


def _checked_trees(d: dict, n_features: int) -> Trees:
    """Read a tree ensemble and check every split names a feature and every child exists."""
    trees = Trees.from_json(d)
    for feat, thr, left, right, value in trees.trees:
        size = len(feat)
        if not (size == len(thr) == len(left) == len(right) == len(value)) or size == 0:
            raise ValueError("tree arrays of different lengths")
        for f, a, b in zip(feat, left, right):
            if a != -1 and not (0 <= f < n_features and 0 < a < size and 0 < b < size):
                raise ValueError("a split names a missing feature or node")
    trees._packed = trees._heap()
    return trees


_BUILDERS = {"tagger.json": tagger_from_json, "ranker.json": ranker_from_json}


@lru_cache(maxsize=4)
def _load(name: str, features: tuple[str, ...]):
    d = _read(name, features)
    try:
        return _BUILDERS[name](d)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        from geomap.datafiles import data_path

        raise DataError(
            f"{data_path(name)}: damaged model ({type(exc).__name__}: {exc}); retrain with data/train_geoparser.py"
        ) from None


def load_model(name: str, features: Sequence[str]):
    """Return the shipped model ``name`` (``"tagger.json"`` or ``"ranker.json"``) for ``features``.

    Raises
    ------
    DataError
        If the file is missing, damaged, or was trained on other features than ``features``.
    """
    return _load(name, tuple(features))
