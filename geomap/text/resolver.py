"""Choose a referent for each place name, and tabulate the places of a text.

Each candidate place of a name is described by its kind (country, region, city…), its
population, how it matched (name, alias, demonym), the countries, regions and counties
the article names, a qualifier right after it ("Dandong, China"), and how close it lies
to the other places of the article. A first pass ranks candidates with hand-set weights
(``_KIND_PRIOR`` and friends) to place the article; a second pass, with distances to
those first choices, ranks them with the learned model in ``ranker.json`` (trained by
``data/train_geoparser.py``). The same name gets the same referent throughout a text;
``score`` is the tagger's probability times the referent's share of the softmax.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from geomap.units import EARTH_RADIUS_KM

__all__ = ["resolve", "places", "mentions_table"]

_KIND_PRIOR = {
    "continent": 6.0, "country": 7.0, "admin1": 4.5, "admin2": 2.5, "capital": 2.5, "city": 0.0,
    "ocean": 5.5, "sea": 5.5, "gulf": 5.5, "bay": 4.0, "strait": 5.5, "river": 4.0, "lake": 4.0,
    "island": 4.0, "peninsula": 4.5, "region": 4.5, "mountain": 4.0, "port": 3.0, "canal": 4.5,
    "locality": 3.0, "bridge": 3.0, "feature": 3.0, "street": 0.0,
}
_SENT = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each sentence: text up to ``.``, ``!``, ``?`` or a line break."""
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if m.end() > m.start()]


def _sentence(text: str, spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> str:
    import bisect

    k = max(0, bisect.bisect_right(starts, start) - 1)
    a, b = spans[k]
    while b < end and k + 1 < len(spans):  # a name that runs over a full stop ("St. Louis")
        k += 1
        b = spans[k][1]
    return text[a:b].strip()


def resolve(mentions: list, text: str, gaz) -> None:
    """Set ``place``, ``score``, ``reasons`` and ``sentence`` of each mention in place.

    Parameters
    ----------
    mentions : list of Mention
        Kept spans, in text order.
    text : str
        The article (for sentences and qualifiers).
    gaz : Gazetteer
        Where the mention rows point.
    """
    from geomap.text.names import name_key
    from geomap.text.gazetteer import ALIAS, DEMONYM, WATER_KINDS

    feats = {}

    def p_name(r: int) -> str:
        return gaz.place(r).name

    def F(r):
        v = feats.get(r)
        if v is None:
            v = feats[r] = gaz.features(r)
        return v

    # --- context: countries and first-level regions the article names -----------------
    ctx_cc: Counter = Counter()
    ctx_a1: Counter = Counter()
    own_cc: dict[str, Counter] = defaultdict(Counter)
    own_a1: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        key = name_key(m.text)
        for r, f in zip(m.rows, m.flags):
            lat, lon, pop, kind, cc, a1, a2 = F(r)
            if kind == "country" and f != ALIAS:
                own_cc[key][cc] += 1
            elif kind == "admin1" and f != ALIAS and len(m.rows) <= 3:
                own_a1[key][(cc, a1)] += 1
                own_cc[key][cc] += 0.5
            elif kind in ("capital", "city") and (pop > 500000 or (len(m.rows) == 1 and pop > 5000)):
                own_cc[key][cc] += 0.5
    for c in own_cc.values():
        ctx_cc.update(c)
    for c in own_a1.values():
        ctx_a1.update(c)
    # --- qualifiers: "X, Y" where Y is X's region or country ---------------------------
    qual: dict[int, set] = defaultdict(set)  # mention index -> {(cc, a1)} named by its qualifier
    by_start = {m.start: k for k, m in enumerate(mentions)}
    for k, m in enumerate(mentions):
        g = re.match(r",\s*|\s+\(", text[m.end:m.end + 4])
        if not g:
            continue
        nk = by_start.get(m.end + g.end())
        if nk is None:
            continue
        for r in mentions[nk].rows:
            lat, lon, pop, kind, cc, a1, a2 = F(r)
            if kind == "country":
                qual[k].add((cc, ""))
            elif kind in ("admin1", "admin2"):
                qual[k].add((cc, a1))
                if kind == "admin2":
                    qual[k].add((cc, a2))
    # --- pass 1: prior + context --------------------------------------------------------
    groups: dict[str, list[int]] = defaultdict(list)
    for k, m in enumerate(mentions):
        groups[name_key(m.text)].append(k)
    total_cc = sum(ctx_cc.values()) or 1.0
    us_share = ctx_cc["US"] / total_cc if ctx_cc else 0.0

    def row_features(r: int, flag: int, ks: list[int], d: float, maxpop: int, ncand: int) -> list[float]:
        lat, lon, pop, kind, cc, a1, a2 = F(r)
        key = name_key(mentions[ks[0]].text)
        n_cc = ctx_cc[cc] - own_cc[key][cc] if cc else 0.0
        n_a1 = ctx_a1[(cc, a1)] - own_a1[key][(cc, a1)] if a1 else 0.0
        q_a1 = q_cc = 0.0
        for k in ks:
            if qual.get(k):
                if (cc, a1) in qual[k] or (a2 and (cc, a2) in qual[k]):
                    q_a1 = 1.0
                elif (cc, "") in qual[k]:
                    q_cc = 1.0
        hand = _KIND_PRIOR.get(kind, 2.0) + (0.55 * math.log10(pop + 1) if pop > 0 else 0.0)
        hand += -1.0 if flag == ALIAS else (1.0 if flag == DEMONYM else 0.0)
        hand += 2.5 * min(1.0, n_cc / total_cc + 0.4) if n_cc > 0 else 0.0
        hand += 2.5 if (n_a1 > 0 and kind in ("city", "capital", "admin2")) else 0.0
        hand += 6.0 * q_a1 + 4.0 * q_cc + (0.5 if cc == "US" else 0.0)
        hand += 2.0 if d < 50 else (1.0 if d < 300 else 0.0)
        is_us = float(cc == "US")
        ctx_any = float(n_cc > 0)
        sup100, sup_a1 = support.get((key, r), (0.0, 0.0))
        a2k = name_key(a2) if a2 else ""
        in_named_county = float(bool(a2k) and a2k != key and a2k in groups and kind in ("city", "capital"))
        county_with_town = float(kind == "admin2" and bool(county_of.get((cc, a1, name_key(p_name(r))), set()) - {key}))
        return [
            1.0, float(kind == "country"), float(kind == "admin1"), float(kind == "admin2"),
            float(kind == "capital"), float(kind == "city"), float(kind in WATER_KINDS),
            float(kind == "continent"),
            float(kind not in WATER_KINDS and kind not in ("country", "admin1", "admin2", "capital", "city", "continent")),
            math.log10(pop + 1) / 7, float(pop == maxpop and pop > 0), float(flag == ALIAS), float(flag == DEMONYM),
            min(1.0, n_cc / total_cc), ctx_any, float(n_a1 > 0), q_a1, q_cc, float(d < 50), float(d < 300),
            float(d < 1000), math.log10(d + 1) / 4.3, is_us, is_us * us_share, math.log10(ncand + 1),
            hand / 10, float(r >= gaz.n_shipped), float(pop == 0),
            float(kind == "admin1") * ctx_any, float(kind == "country") * ctx_any,
            float(kind == "admin1") * is_us * us_share, float(kind == "country") * (1 - us_share),
            math.log1p(sup100), math.log1p(sup_a1), float(sup100 > 0), float(sup_a1 > 0),
            math.log10(pop + 1) - math.log10(maxpop + 1), is_us * float(us_share == 0),
            float(d >= 20000.0), in_named_county, county_with_town,
        ]

    def candidates(m) -> tuple[dict[int, int], bool]:
        has_demonym = DEMONYM in m.flags
        rows: dict[int, int] = {}
        for r, f in zip(m.rows, m.flags):
            if has_demonym and f != DEMONYM:
                continue
            if r not in rows or f > rows[r]:
                rows[r] = f
        return rows, has_demonym

    def pick_all(keys, chosen, model) -> None:
        """Score every candidate of every name in one go; fill ``choice``."""
        import numpy as np

        anchor_keys = [k for k, (_, _, kd) in chosen.items() if kd not in ("country", "continent", "ocean", "region")]
        a_lat = np.radians([chosen[k][0] for k in anchor_keys])
        a_lon = np.radians([chosen[k][1] for k in anchor_keys])
        a_key = np.array(anchor_keys, dtype=object)
        batch = []  # (key, row, x)
        info = {}
        for key in keys:
            ks = groups[key]
            m = mentions[ks[0]]
            rows, has_demonym = candidates(m)
            rl = list(rows)
            maxpop = max(F(r)[2] for r in rl)
            if len(anchor_keys):
                la = np.radians([F(r)[0] for r in rl])[:, None]
                lo = np.radians([F(r)[1] for r in rl])[:, None]
                h = np.sin((a_lat[None, :] - la) / 2) ** 2 + np.cos(la) * np.cos(a_lat)[None, :] * np.sin(
                    (a_lon[None, :] - lo) / 2) ** 2
                dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
                dist[:, a_key == key] = 20000.0
                dmin = dist.min(axis=1).tolist()
            else:
                dmin = [20000.0] * len(rl)
            xs = [(r, row_features(r, rows[r], ks, d, maxpop, len(rl))) for r, d in zip(rl, dmin)]
            if model is not None and len(xs) > _MAX_RANKED:  # the learned model sees the hand-ranked best
                xs = sorted(xs, key=lambda t: (-t[1][25], t[0]))[:_MAX_RANKED]
            batch.extend((key, r, x) for r, x in xs)
            info[key] = (len(rl), has_demonym)
        if not batch:
            return
        scores = model.score_many([x for _, _, x in batch]) if model else [x[25] * 10 for _, _, x in batch]
        per_key: dict[str, list] = defaultdict(list)
        for (key, r, x), sc in zip(batch, scores):
            per_key[key].append((float(sc), r, x))
        for key, scored in per_key.items():
            scored.sort(key=lambda t: (-t[0], t[1]))
            s0, r0, x0 = scored[0]
            z = sum(math.exp(max(-50.0, sc - s0)) for sc, _, _ in scored)
            n, dem = info[key]
            choice[key] = (r0, 1.0 / z, x0, n, dem, scored)

    support = _support(mentions, groups, F)
    # which names' candidates lie in which county: "Paris" + "Henry County" → Paris, Tennessee
    county_of: dict[tuple, set] = defaultdict(set)
    for key, ks in groups.items():
        for r in set(mentions[ks[0]].rows):
            la_, lo_, pop_, kind_, cc_, a1_, a2_ = F(r)
            if a2_ and kind_ in ("city", "capital"):
                county_of[(cc_, a1_, name_key(a2_))].add(key)
    model = ranker()
    collect = _COLLECT.get("rows")
    choice: dict[str, tuple] = {}
    named = [key for key, ks in groups.items() if mentions[ks[0]].rows]
    pick_all(named, {}, None)
    # --- pass 2: proximity to the other chosen places, learned weights -----------------
    chosen_pts = {key: (F(c[0])[0], F(c[0])[1], F(c[0])[3]) for key, c in choice.items()}
    pick_all(named, chosen_pts, model)
    if collect is not None:
        for key in named:
            collect.append((groups[key], [(r, x) for _, r, x in choice[key][5]]))
    # --- write back ---------------------------------------------------------------------
    spans = _sentence_spans(text)
    starts = [a for a, _ in spans]
    for key, ks in groups.items():
        c = choice.get(key)
        for k in ks:
            m = mentions[k]
            m.sentence = _sentence(text, spans, starts, m.start, m.end)
            if c is None:
                m.place = None
                m.score = round(m.tag_prob * 0.5, 4)
                m.reasons = ["name not in the gazetteer" + (f" ({m.kind_hint})" if m.kind_hint else "")]
                continue
            r, p_ref, x, n, dem, _ = c
            m.place = gaz.place(r)
            m.score = round(m.tag_prob * p_ref, 4)
            m.reasons = _reasons(m.place, x, n, dem, r >= gaz.n_shipped)


RANK_FEATURES = (
    "bias", "k_country", "k_admin1", "k_admin2", "k_capital", "k_city", "k_water", "k_continent", "k_other",
    "log_pop", "max_pop", "alias", "demonym", "ctx_cc_share", "ctx_cc_any", "ctx_admin1", "qual_admin",
    "qual_country", "near50", "near300", "near1000", "log_dist", "is_us", "us_share", "log_ncand", "hand",
    "user", "pop_zero", "admin1_ctx", "country_ctx", "admin1_us_share", "country_non_us",
    "support100", "support_admin1", "any_support100", "any_support_admin1", "pop_ratio", "us_no_us_ctx",
    "no_anchor", "in_named_county", "county_with_town",
)


def _support(mentions, groups, F, *, per_key: int = 25, radius_km: float = 100.0, max_points: int = 4000) -> dict:
    """For each (name key, row): how many other names could be near it or in its region.

    Each other name contributes the share of its candidate places that lie within
    ``radius_km`` (first value) or in the same first-level region (second value).
    """
    import numpy as np

    keys, rows, lat, lon, a1s = [], [], [], [], []
    per_key = max(3, min(per_key, max_points // max(1, len(groups))))
    for key, ks in groups.items():
        m = mentions[ks[0]]
        rs = sorted(set(m.rows), key=lambda r: -F(r)[2])[:per_key]
        for r in rs:
            la, lo, pop, kind, cc, a1, a2 = F(r)
            if kind in ("country", "continent", "ocean", "sea", "region"):
                continue
            keys.append(key)
            rows.append(r)
            lat.append(la)
            lon.append(lo)
            a1s.append((cc, a1) if a1 else None)
    n = len(rows)
    if n < 2:
        return {}
    la = np.radians(np.array(lat))
    lo = np.radians(np.array(lon))
    kid = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    kv = np.array([kid[k] for k in keys])
    w = 1.0 / np.bincount(kv)[kv]
    a1id = {a: i for i, a in enumerate(dict.fromkeys(a for a in a1s if a))}
    av = np.array([a1id[a] if a else -1 - i for i, a in enumerate(a1s)])
    sup100 = np.empty(n)
    supa = np.empty(n)
    for a in range(0, n, 512):  # blocks keep memory small for long texts
        b = min(n, a + 512)
        dlat = la[a:b, None] - la[None, :]
        dlon = lo[a:b, None] - lo[None, :]
        h = np.sin(dlat / 2) ** 2 + np.cos(la[a:b])[:, None] * np.cos(la)[None, :] * np.sin(dlon / 2) ** 2
        d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        other = kv[a:b, None] != kv[None, :]
        sup100[a:b] = (((d < radius_km) & other) * w[None, :]).sum(axis=1)
        supa[a:b] = (((av[a:b, None] == av[None, :]) & other) * w[None, :]).sum(axis=1)
    return {(keys[i], rows[i]): (float(sup100[i]), float(supa[i])) for i in range(n)}
_COLLECT: dict = {}  # data/train_geoparser.py sets "rows" here to collect candidate features
_MAX_RANKED = 12  # candidates per name scored by the learned model


def _reasons(p, x, n, dem, user) -> list[str]:
    f = dict(zip(RANK_FEATURES, x))
    why = []
    if user:
        why.append("user gazetteer entry")
    if dem:
        why.append("adjective/demonym of the country")
    why.append("only place of this name" if n == 1 else f"chosen among {n} places of this name")
    if f["qual_admin"]:
        why.append(f"qualified by its region ({p.admin1 or p.country})")
    elif f["qual_country"]:
        why.append(f"qualified by its country ({p.country})")
    if f["in_named_county"]:
        why.append(f"the article names its county ({p.admin2})")
    if f["county_with_town"]:
        why.append("the article names a town in this county")
    if f["ctx_admin1"]:
        why.append(f"the article names {p.admin1}")
    if f["ctx_cc_any"]:
        why.append(f"the article names other places in {p.country}")
    if f["near50"]:
        why.append("within 50 km of another place in the article")
    elif f["near300"]:
        why.append("within 300 km of another place in the article")
    if n > 1 and f["max_pop"]:
        why.append(f"largest population ({p.population:,})")
    if n > 1 and p.kind in ("country", "admin1", "continent"):
        why.append(f"a {p.kind} outranks towns of the same name")
    return why


class _Linear:
    def __init__(self, coef, intercept: float) -> None:
        self.coef = list(coef)
        self.intercept = float(intercept)

    def score(self, x: list[float]) -> float:
        return self.intercept + sum(c * v for c, v in zip(self.coef, x))

    def score_many(self, xs: list[list[float]]) -> list[float]:
        return [self.score(x) for x in xs]


class _Trees:
    """A boosted tree ensemble: score = init + rate * sum of leaf values."""

    def __init__(self, init: float, rate: float, trees: list) -> None:
        self.init = float(init)
        self.rate = float(rate)
        self.trees = trees  # each: (feature, threshold, left, right, value) lists
        self._packed = None

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
        return (self.init + self.rate * leaf[ti, h - (2 ** depth - 1)].sum(axis=1)).tolist()

    def _heap(self):
        import numpy as np

        def depth_of(tree, node=0):
            _, _, left, right, _ = tree
            if left[node] == -1:
                return 0
            return 1 + max(depth_of(tree, left[node]), depth_of(tree, right[node]))

        depth = max(depth_of(tr) for tr in self.trees)
        inner = 2 ** depth - 1
        feat = np.zeros((len(self.trees), inner), dtype=np.int64)
        thr = np.full((len(self.trees), inner), np.inf)
        leaf = np.zeros((len(self.trees), 2 ** depth))
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
    def from_json(cls, d: dict) -> "_Trees":
        return cls(d["init"], d["rate"], [tuple(t) for t in d["trees"]])

    @classmethod
    def from_sklearn(cls, model, x0) -> "_Trees":  # used by data/train_geoparser.py
        trees = []
        for est in model.estimators_[:, 0]:
            t = est.tree_
            trees.append((t.feature.tolist(), [round(float(v), 6) for v in t.threshold],
                          t.children_left.tolist(), t.children_right.tolist(),
                          [round(float(v), 6) for v in t.value[:, 0, 0]]))
        obj = cls(0.0, model.learning_rate, trees)
        obj.init = float(model.decision_function(x0)[0]) - obj.score(list(x0[0]))
        return obj


_RANKER: list = []  # the loaded model (data/train_geoparser.py swaps in fold models)


def ranker():
    """Return the learned referent scorer (``ranker.json``), or None for hand weights."""
    if _RANKER:
        return _RANKER[0]
    import json

    from geomap.datafiles import data_path

    model = None
    try:
        d = json.loads(data_path("ranker.json").read_text(encoding="utf-8"))
        if d.get("features") == list(RANK_FEATURES):
            model = _Trees.from_json(d["trees"]) if "trees" in d else _Linear(d["coef"], d["intercept"])
    except Exception:
        model = None
    _RANKER.append(model)
    return model


# ---------------------------------------------------------------------------------------
# tables


def mentions_table(mentions: list) -> list[dict]:
    """Return one record per distinct place (rows in order of first mention).

    Parameters
    ----------
    mentions : list of Mention
        Output of :func:`geomap.geoparse`.
    """
    recs: dict[tuple, dict] = {}
    for m in mentions:
        p = m.place
        if p is None:
            continue
        k = (p.id, p.name, p.lat, p.lon)
        if k not in recs:
            recs[k] = {
                "name": p.name, "gazetteer_id": p.id, "kind": p.kind, "country": p.country,
                "admin1": p.admin1, "population": p.population, "lat": p.lat, "lon": p.lon,
                "score": m.score, "mentions": 1, "text": m.text, "sentence": m.sentence,
                "reasons": "; ".join(m.reasons),
            }
        else:
            r = recs[k]
            r["mentions"] += 1
            r["score"] = max(r["score"], m.score)
    return list(recs.values())


def places(text: str, *, gazetteer: str | None = None, threshold: float = 0.5):
    """Return the distinct places of ``text`` as a GeoDataFrame (EPSG:4326).

    Parameters
    ----------
    text : str
        Article text.
    gazetteer : str or PathLike, optional
        User gazetteer CSV whose entries win over shipped ones.
    threshold : float
        Minimum toponym probability.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns name, gazetteer_id, kind, country, admin1, population, lat, lon, score,
        mentions, text, sentence, reasons, geometry (points); one row per place, in order
        of first mention.
    """
    import geopandas as gpd
    import pandas as pd

    from geomap.text.tagger import geoparse

    recs = mentions_table(geoparse(text, gazetteer=gazetteer, threshold=threshold))
    cols = ["name", "gazetteer_id", "kind", "country", "admin1", "population", "lat", "lon", "score",
            "mentions", "text", "sentence", "reasons"]
    df = pd.DataFrame.from_records(recs, columns=cols)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
