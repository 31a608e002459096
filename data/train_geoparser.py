#!/usr/bin/env python3
"""Train the geoparser's two small models and report cross-validated figures.

- ``tagger.json``: is a candidate span a place name? A logistic regression over
  ``geomap.text.tagger.FEATURES`` (plus a few products of them; runtime in ``geomap.text.models``).
- ``ranker.json``: which gazetteer entry does a place name refer to? The mean of 3
  gradient-boosted tree ensembles over ``geomap.text.resolver.RANK_FEATURES``, trained on every
  candidate of names that have several (label: within 161 km of the annotated point).

Training data: annotated JSONL corpora (``{"id","text","toponyms":[{"start","end","lat","lon"}]}``),
e.g. the GeoWebNews and LGL dev splits. Only feature vectors and labels are used; no text is
stored in the models. Usage::

    python data/train_geoparser.py geowebnews-dev.jsonl lgl-dev.jsonl [--score score.py]

The corpora, their conversion and dev split are described in ``data/SOURCES.md``. Writing into
this folder (the default ``--out``), the script rewrites the rows of both models and of the
corpora there; the corpora must then be named as there.

Cross-validation: documents are split in two halves by ``sha256(id)``; each half is parsed by
models trained on the other half, and the scorer is run on those predictions. The shipped models
are then trained on all documents.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import geomap.text.resolver as gc  # noqa: E402
import geomap.text.tagger as gp  # noqa: E402
from geomap.text import models  # noqa: E402
from geomap.text.gazetteer import load_gazetteer  # noqa: E402

sys.path.insert(0, str(HERE))
from provenance import check_rows, record_outputs  # noqa: E402

# pairwise feature products of the tagger (indices into FEATURES by name)
PAIRS = [
    ("sent_start", "k_city"),
    ("prev_cap", "k_city"),
    ("next_cap", "k_city"),
    ("lower_in_doc", "k_city"),
    ("alias_only", "k_city"),
    ("all_caps", "k_country"),
    ("short", "k_country"),
    ("doc_locprep", "k_city"),
    ("prev_title", "k_city"),
    ("sent_start", "doc_count"),
    ("next_org", "k_city"),
    ("log_pop", "k_city"),
    ("prev_locprep", "k_city"),
    ("k_admin2", "primary"),
    ("k_street", "n_tokens"),
    ("given_name", "next_cap"),
    ("given_name", "k_country"),
    ("given_name", "k_admin1"),
    ("person_in_doc", "k_city"),
    ("person_in_doc", "k_country"),
    ("surname", "prev_cap"),
]


GBM = (300, 3, 0.05, 0.8)  # trees, depth, learning rate, subsample of the ranker (chosen by the cross-validation below)
BAG = 3


def PAIRS_IDX():
    return [(gp.FEATURES.index(a), gp.FEATURES.index(b)) for a, b in PAIRS]


def _hv(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    x = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 12742 * math.asin(min(1, math.sqrt(x)))


def _fold(doc_id: str) -> int:
    return hashlib.sha256(doc_id.encode()).digest()[0] % 2


def _overlap(m, gold):
    for g in gold:
        if g["start"] < m.end and m.start < g["end"]:
            return g
    return None


def collect(docs, gaz):
    """Return per-document tagger rows and ranker groups."""
    pairs = [(gp.FEATURES.index(a), gp.FEATURES.index(b)) for a, b in PAIRS]
    out = []
    for d in docs:
        cands, feats = gp.find_candidates(d["text"], gaz)
        X = [models.expand(f, pairs) for f in feats]
        y = [int(_overlap(m, d["toponyms"]) is not None) for m in cands]
        kept = [m for m, lab in zip(cands, y) if lab]
        for m in kept:
            m.tag_prob = 1.0
        collected: list = []
        gc.resolve(kept, d["text"], gaz, learned=False, collect=collected)  # every candidate, hand-ranked
        groups = []
        for ks, rows in collected:
            g = None
            for k in ks:
                g = _overlap(kept[k], d["toponyms"])
                if g is not None and g["lat"] is not None:
                    break
            if g is None or g["lat"] is None or len(rows) < 2:
                continue
            labels = []
            for r, _x in rows:
                lat, lon = gaz.features(r)[:2]
                labels.append(int(_hv(lat, lon, g["lat"], g["lon"]) < 161))
            if any(labels) and not all(labels):
                groups.append(([x for _, x in rows], labels))
        out.append((X, y, groups))
    return out


def fit(data, *, tagger_kind: str = "linear", ranker_kind: str = "gbm"):
    """Return ``(tagger, ranker)`` trained on ``data`` (from :func:`collect`); kinds ``linear`` or ``gbm``."""
    from sklearn.ensemble import GradientBoostingClassifier

    X = np.array([x for d in data for x in d[0]])
    y = np.array([v for d in data for v in d[1]])
    if tagger_kind == "gbm":
        tgbm = GradientBoostingClassifier(
            n_estimators=200, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=0
        ).fit(X, y)
        tagger = models.TreeTagger(models.Trees.from_sklearn(tgbm, X[:1]), PAIRS_IDX())
    else:
        tag = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
        tagger = models.Logistic(tag.coef_[0].tolist(), float(tag.intercept_[0]), PAIRS_IDX())
    if ranker_kind == "gbm":
        PX = np.array([x for d in data for xs, _ in d[2] for x in xs])
        Py = np.array([v for d in data for _, ls in d[2] for v in ls])
        Pw = np.array([w for d in data for xs, _ in d[2] for w in [d[3] if len(d) > 3 else 1.0] * len(xs)])
        # an average of BAG ensembles with different seeds: steadier choices than a single one
        parts = []
        for seed in range(BAG):
            gbm = GradientBoostingClassifier(
                n_estimators=GBM[0], max_depth=GBM[1], learning_rate=GBM[2], subsample=GBM[3], random_state=seed
            ).fit(PX, Py, sample_weight=Pw)
            parts.append(models.Trees.from_sklearn(gbm, PX[:1]))
        ranker = models.Trees(
            sum(t.init for t in parts) / BAG, parts[0].rate / BAG, [tr for t in parts for tr in t.trees]
        )
        return tagger, ranker
    # linear alternative, pairwise: (right − other) → 1 and (other − right) → 0, at most 40 others per name
    RX, Ry = [], []
    for d in data:
        for xs, ls in d[2]:
            pos = [np.array(x) for x, lab in zip(xs, ls) if lab]
            neg = [np.array(x) for x in sorted((x for x, lab in zip(xs, ls) if not lab), key=lambda x: -x[25])[:40]]
            for p in pos:
                for q in neg:
                    RX += [p - q, q - p]
                    Ry += [1, 0]
    rank = LogisticRegression(C=10.0, max_iter=5000, fit_intercept=False).fit(np.array(RX), np.array(Ry))
    return tagger, models.Linear(rank.coef_[0].tolist(), 0.0)


def predict(docs, path: Path, gaz, tagger, ranker):
    """Write the predictions of ``tagger`` and ``ranker`` on ``docs`` as scorer input."""
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            ms = gc.parse(d["text"], gaz, tagger=tagger, ranker=ranker)
            fh.write(json.dumps({"id": d["id"], "mentions": gc.mention_records(ms)}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--score", type=Path, default=None, help="scorer for the cross-validated figures")
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--ranker", choices=["linear", "gbm"], default="gbm")
    ap.add_argument("--tagger", choices=["linear", "gbm"], default="linear")
    ap.add_argument("--cv-pred", type=Path, default=None, help="keep the cross-validated predictions here")
    args = ap.parse_args()
    into_data = args.out.resolve() == HERE
    if into_data:  # fail before training, not after
        check_rows([c.name for c in args.corpora] + ["tagger.json", "ranker.json"])
    gaz = load_gazetteer()
    corpora = {c: [json.loads(line) for line in c.open(encoding="utf-8")] for c in args.corpora}
    data = {c: collect(docs, gaz) for c, docs in corpora.items()}
    # every corpus weighs the same in the ranker, however many names it has
    n_rows = {c: sum(len(xs) for d in data[c] for xs, _ in d[2]) for c in corpora}
    mean = sum(n_rows.values()) / len(n_rows)
    data = {c: [(*d, mean / max(1, n_rows[c])) for d in data[c]] for c in corpora}
    kinds = {"tagger_kind": args.tagger, "ranker_kind": args.ranker}
    if args.score:
        scratch = tempfile.TemporaryDirectory(prefix="geomap-cv-")
        tmp = args.cv_pred or Path(scratch.name)
        tmp.mkdir(parents=True, exist_ok=True)
        preds = {c: [] for c in corpora}
        for f in (0, 1):
            train = [x for c in corpora for d, x in zip(corpora[c], data[c]) if _fold(d["id"]) != f]
            tagger, ranker = fit(train, **kinds)
            for c, docs in corpora.items():
                part = [d for d in docs if _fold(d["id"]) == f]
                p = tmp / f"{c.stem}.{f}.jsonl"
                predict(part, p, gaz, tagger, ranker)
                preds[c].append(p)
        for c in corpora:
            allp = tmp / f"{c.stem}.cv.jsonl"
            allp.write_text("".join(p.read_text() for p in preds[c]))
            res = subprocess.run(
                [sys.executable, str(args.score), str(c), str(allp)], capture_output=True, text=True, check=True
            )
            print(f"cross-validated (2 folds by document) {c.name}: {res.stdout.strip()}")
        scratch.cleanup()
    everything = [x for c in corpora for x in data[c]]
    tagger, ranker = fit(everything, **kinds)
    n_docs = sum(len(v) for v in corpora.values())
    meta = {
        "trained_on": [c.name for c in corpora],
        "documents": n_docs,
        "learner": "sklearn.linear_model.LogisticRegression(C=1.0)",
    }
    tmeta = (
        {
            "learner": "sklearn.ensemble.GradientBoostingClassifier(n_estimators=200, max_depth=3)",
            "trees": tagger.trees.to_json(),
        }
        if isinstance(tagger, models.TreeTagger)
        else {"coef": [round(v, 6) for v in tagger.coef], "intercept": round(tagger.intercept, 6)}
    )
    (args.out / "tagger.json").write_text(
        json.dumps(
            {**meta, "features": list(gp.FEATURES), "pairs": [list(p) for p in tagger.pairs], **tmeta},
            separators=(",", ":"),
        )
        + "\n"
    )
    rmeta = (
        {
            "learner": f"mean of {BAG} sklearn.ensemble.GradientBoostingClassifier(n_estimators={GBM[0]}, "
            f"max_depth={GBM[1]}, learning_rate={GBM[2]}, subsample={GBM[3]}, random_state=0..{BAG - 1})",
            "trees": ranker.to_json(),
        }
        if isinstance(ranker, models.Trees)
        else {"coef": [round(v, 6) for v in ranker.coef], "intercept": round(ranker.intercept, 6)}
    )
    (args.out / "ranker.json").write_text(
        json.dumps({**meta, "features": list(gc.RANK_FEATURES), **rmeta}, separators=(",", ":")) + "\n"
    )
    print(f"wrote {args.out / 'tagger.json'} and {args.out / 'ranker.json'} ({n_docs} documents)")
    if into_data:
        record_outputs(
            [args.out / "tagger.json", args.out / "ranker.json", *args.corpora],
            cells={c.name: {"documents": str(len(docs))} for c, docs in corpora.items()},
        )


if __name__ == "__main__":
    main()
