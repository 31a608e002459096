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

import numpy as np

from geomap.errors import InputError
from geomap.text.gazetteer import ALIAS, DEMONYM, WATER_KINDS, load_gazetteer
from geomap.text.models import load_model
from geomap.text.names import name_key
from geomap.text.tagger import COLUMNS, Mention, tag
from geomap.units import EARTH_RADIUS_KM

__all__ = ["geoparse", "parse", "resolve", "places", "mentions_table", "mention_records", "COLUMNS"]

_KIND_PRIOR = {
    "continent": 6.0,
    "country": 7.0,
    "admin1": 4.5,
    "admin2": 2.5,
    "capital": 2.5,
    "city": 0.0,
    "ocean": 5.5,
    "sea": 5.5,
    "gulf": 5.5,
    "bay": 4.0,
    "strait": 5.5,
    "river": 4.0,
    "lake": 4.0,
    "island": 4.0,
    "peninsula": 4.5,
    "region": 4.5,
    "mountain": 4.0,
    "port": 3.0,
    "canal": 4.5,
    "locality": 3.0,
    "bridge": 3.0,
    "feature": 3.0,
    "street": 0.0,
}
_SENT = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


def geoparse(
    text: str, *, gazetteer: str | None = None, threshold: float = 0.5, demonyms: bool = True
) -> list[Mention]:
    """Find and geocode the place names in ``text``.

    Parameters
    ----------
    text : str
        Article text.
    gazetteer : str or PathLike, optional
        User gazetteer CSV (``name,lat,lon[,type,country,aliases]``) whose entries win.
    threshold : float
        Minimum toponym probability for a span to be kept.
    demonyms : bool
        Count adjectives and demonyms ("Canadian", "Americans") as mentions of their
        country; False leaves them out.

    Returns
    -------
    list of Mention
        In text order; each has ``place`` (or None when the name is not in the gazetteer),
        ``score``, ``reasons`` and ``sentence``.

    Raises
    ------
    InputError
        If ``text`` is not a string or is empty, ``threshold`` is outside [0, 1], or the
        user gazetteer cannot be read (the message names its file and line).
    DataError
        If a shipped data or model file is missing or damaged.

    Examples
    --------
    >>> [(m.text, m.place.country) for m in geoparse("Trains crossed from Dandong to Sinuiju.")]
    [('Dandong', 'CN'), ('Sinuiju', 'KP')]
    """
    if not isinstance(text, str):
        raise InputError(f"geoparse: expected article text as str, got {type(text).__name__}")
    if not text.strip():
        raise InputError("geoparse: the text is empty; give an article to parse")
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"geoparse: threshold={threshold!r} is outside [0, 1]; use e.g. 0.5")
    return parse(text, load_gazetteer(user=gazetteer), threshold=threshold, demonyms=demonyms)


def parse(text: str, gaz, *, threshold: float = 0.5, demonyms: bool = True, tagger=None, ranker=None) -> list[Mention]:
    """Tag the place names of ``text`` and resolve them (no checks: see :func:`geoparse`).

    ``tagger`` and ``ranker`` default to the shipped models (``tagger.json``, ``ranker.json``).
    """
    kept = tag(text, gaz, threshold=threshold, demonyms=demonyms, model=tagger)
    resolve(kept, text, gaz, ranker=ranker)
    return kept


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


def resolve(mentions: list, text: str, gaz, *, ranker=None, learned: bool = True, collect: list | None = None) -> None:
    """Set ``place``, ``score``, ``reasons`` and ``sentence`` of each mention in place.

    Parameters
    ----------
    mentions : list of Mention
        Kept spans, in text order.
    text : str
        The article (for sentences and qualifiers).
    gaz : Gazetteer
        Where the mention rows point.
    ranker : Trees or Linear, optional
        The learned referent scorer of the second pass; default: the shipped ``ranker.json``.
    learned : bool
        False ranks the second pass with the hand-set weights too (for training).
    collect : list, optional
        Receives ``(mention indices, [(row, features), ...])`` per name (for training).

    Raises
    ------
    DataError
        If ``ranker.json`` is needed and missing, damaged or outdated.
    """
    rank = _Ranking(mentions, text, gaz)
    named = [key for key, ks in rank.groups.items() if mentions[ks[0]].rows]
    rank.pick_all(named, {}, None)
    # pass 2: proximity to the first choices, learned weights
    model = (ranker if ranker is not None else load_model("ranker.json", RANK_FEATURES)) if learned else None
    first = {key: rank.F(c[0]) for key, c in rank.choice.items()}
    rank.pick_all(named, {key: (f[0], f[1], f[3]) for key, f in first.items()}, model)
    if collect is not None:
        collect.extend((rank.groups[key], [(r, x) for _, r, x in rank.choice[key][5]]) for key in named)
    _write_back(mentions, rank, text, gaz)


def _write_back(mentions: list, rank: _Ranking, text: str, gaz) -> None:
    """Give every mention of a name the name's chosen place, score, reasons and sentence."""
    spans = _sentence_spans(text)
    starts = [a for a, _ in spans]
    for key, ks in rank.groups.items():
        c = rank.choice.get(key)
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


def _article_context(mentions: list, F) -> tuple[Counter, Counter, dict, dict]:
    """Countries and first-level regions the article names: totals, and each name's own share."""
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
                own_cc[key][cc] += 0.5  # type: ignore[assignment]  # Counter holds floats too
            elif kind in ("capital", "city") and (pop > 500000 or (len(m.rows) == 1 and pop > 5000)):
                own_cc[key][cc] += 0.5  # type: ignore[assignment]  # Counter holds floats too
    for c in own_cc.values():
        ctx_cc.update(c)
    for c in own_a1.values():
        ctx_a1.update(c)
    return ctx_cc, ctx_a1, own_cc, own_a1


def _qualifiers(mentions: list, text: str, F) -> dict[int, set]:
    """``{mention index: {(country, region)}}`` named by a qualifier right after it ("X, Y", "X (Y)")."""
    qual: dict[int, set] = defaultdict(set)
    by_start = {m.start: k for k, m in enumerate(mentions)}
    for k, m in enumerate(mentions):
        g = re.match(r",\s*|\s+\(", text[m.end : m.end + 4])
        nk = by_start.get(m.end + g.end()) if g else None
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
    return qual


class _Ranking:
    """The evidence about one article's names, and the referent chosen for each name.

    ``choice[key] = (row, share of the softmax, features, number of candidates, matched as
    a demonym, every scored candidate)``.
    """

    def __init__(self, mentions: list, text: str, gaz) -> None:
        self.mentions = mentions
        self.gaz = gaz
        self._feats: dict[int, tuple] = {}
        self.groups: dict[str, list[int]] = defaultdict(list)
        for k, m in enumerate(mentions):
            self.groups[name_key(m.text)].append(k)
        self.ctx_cc, self.ctx_a1, self.own_cc, self.own_a1 = _article_context(mentions, self.F)
        self.qual = _qualifiers(mentions, text, self.F)
        self.total_cc = sum(self.ctx_cc.values()) or 1.0
        self.us_share = self.ctx_cc["US"] / self.total_cc if self.ctx_cc else 0.0
        self.support = _support(mentions, self.groups, self.F)
        # which names' candidates lie in which county: "Paris" + "Henry County" -> Paris, Tennessee
        self.county_of: dict[tuple, set] = defaultdict(set)
        for key, ks in self.groups.items():
            for r in set(mentions[ks[0]].rows):
                la_, lo_, pop_, kind_, cc_, a1_, a2_ = self.F(r)
                if a2_ and kind_ in ("city", "capital"):
                    self.county_of[(cc_, a1_, name_key(a2_))].add(key)
        self.choice: dict[str, tuple] = {}

    def F(self, r: int) -> tuple:
        """``gaz.features(r)``, cached."""
        v = self._feats.get(r)
        if v is None:
            v = self._feats[r] = self.gaz.features(r)
        return v

    def row_features(
        self, r: int, flag: int, ks: list[int], d: float, maxpop: int, ncand: int, *, d_country: float = 20000.0
    ) -> list[float]:
        """The features (``RANK_FEATURES``) of candidate row ``r`` for the name mentioned at ``ks``.

        ``d`` and ``d_country``: km to the nearest place and country chosen for other names.
        """
        lat, lon, pop, kind, cc, a1, a2 = self.F(r)
        key = name_key(self.mentions[ks[0]].text)
        ctx_cc, total_cc, us_share = self.ctx_cc, self.total_cc, self.us_share
        n_cc = ctx_cc[cc] - self.own_cc[key][cc] if cc else 0.0
        n_a1 = self.ctx_a1[(cc, a1)] - self.own_a1[key][(cc, a1)] if a1 else 0.0
        q_a1 = q_cc = 0.0
        for k in ks:
            q = self.qual.get(k)
            if q:
                if (cc, a1) in q or (a2 and (cc, a2) in q):
                    q_a1 = 1.0
                elif (cc, "") in q:
                    q_cc = 1.0
        hand = _KIND_PRIOR.get(kind, 2.0) + (0.55 * math.log10(pop + 1) if pop > 0 else 0.0)
        hand += -1.0 if flag == ALIAS else (1.0 if flag == DEMONYM else 0.0)
        hand += 2.5 * min(1.0, n_cc / total_cc + 0.4) if n_cc > 0 else 0.0
        hand += 2.5 if (n_a1 > 0 and kind in ("city", "capital", "admin2")) else 0.0
        hand += 6.0 * q_a1 + 4.0 * q_cc + (0.5 if cc == "US" else 0.0)
        hand += 2.0 if d < 50 else (1.0 if d < 300 else 0.0)
        is_us = float(cc == "US")
        ctx_any = float(n_cc > 0)
        sup100, sup_a1 = self.support.get((key, r), (0.0, 0.0))
        a2k = name_key(a2) if a2 else ""
        in_named_county = float(bool(a2k) and a2k != key and a2k in self.groups and kind in ("city", "capital"))
        town = self.county_of.get((cc, a1, name_key(self.gaz.place(r).name)), set()) if kind == "admin2" else set()
        county_with_town = float(bool(town - {key}))
        return [
            1.0,
            float(kind == "country"),
            float(kind == "admin1"),
            float(kind == "admin2"),
            float(kind == "capital"),
            float(kind == "city"),
            float(kind in WATER_KINDS),
            float(kind == "continent"),
            float(
                kind not in WATER_KINDS and kind not in ("country", "admin1", "admin2", "capital", "city", "continent")
            ),
            math.log10(pop + 1) / 7,
            float(pop == maxpop and pop > 0),
            float(flag == ALIAS),
            float(flag == DEMONYM),
            min(1.0, n_cc / total_cc),
            ctx_any,
            float(n_a1 > 0),
            q_a1,
            q_cc,
            float(d < 50),
            float(d < 300),
            float(d < 1000),
            math.log10(d + 1) / 4.3,
            is_us,
            is_us * us_share,
            math.log10(ncand + 1),
            hand / 10,
            float(r >= self.gaz.n_shipped),
            float(pop == 0),
            float(kind == "admin1") * ctx_any,
            float(kind == "country") * ctx_any,
            float(kind == "admin1") * is_us * us_share,
            float(kind == "country") * (1 - us_share),
            math.log1p(sup100),
            math.log1p(sup_a1),
            float(sup100 > 0),
            float(sup_a1 > 0),
            math.log10(pop + 1) - math.log10(maxpop + 1),
            is_us * float(us_share == 0),
            float(d >= 20000.0),
            in_named_county,
            county_with_town,
            float(d_country < 1500),
            math.log10(d_country + 1) / 4.3,
        ]

    def candidates(self, m) -> tuple[dict[int, int], bool]:
        """``{row: how it matched}`` of mention ``m`` (only demonym rows when it matched as one)."""
        has_demonym = DEMONYM in m.flags
        rows: dict[int, int] = {}
        for r, f in zip(m.rows, m.flags):
            if has_demonym and f != DEMONYM:
                continue
            if r not in rows or f > rows[r]:
                rows[r] = f
        return rows, has_demonym

    def _nearest(self, rl: list[int], key: str, chosen: dict) -> tuple[list[float], list[float]]:
        """Distances (km) from each row to the nearest point chosen for another name (20000 if
        none): to a place's point (not a country, continent, ocean or region), and to a country's."""
        anchor_keys = [k for k, (_, _, kd) in chosen.items() if kd not in ("continent", "ocean", "region")]
        if not anchor_keys:
            return [20000.0] * len(rl), [20000.0] * len(rl)
        a_lat = np.radians([chosen[k][0] for k in anchor_keys])
        a_lon = np.radians([chosen[k][1] for k in anchor_keys])
        la = np.radians([self.F(r)[0] for r in rl])[:, None]
        lo = np.radians([self.F(r)[1] for r in rl])[:, None]
        h = (
            np.sin((a_lat[None, :] - la) / 2) ** 2
            + np.cos(la) * np.cos(a_lat)[None, :] * np.sin((a_lon[None, :] - lo) / 2) ** 2
        )
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        dist[:, np.array(anchor_keys, dtype=object) == key] = 20000.0
        is_country = np.array([chosen[k][2] == "country" for k in anchor_keys])
        far = np.full((len(rl), 1), 20000.0)
        places = np.hstack([dist[:, ~is_country], far]).min(axis=1)
        countries = np.hstack([dist[:, is_country], far]).min(axis=1)
        return places.tolist(), countries.tolist()

    def pick_all(self, keys: list[str], chosen: dict, model) -> None:
        """Score every candidate of every name in one go and fill ``choice``.

        ``chosen`` maps names to ``(lat, lon, kind)`` of a first choice; ``model`` None
        means the hand-set weights.
        """
        batch: list[tuple[str, int, list[float]]] = []  # (key, row, x)
        info = {}
        for key in keys:
            ks = self.groups[key]
            rows, has_demonym = self.candidates(self.mentions[ks[0]])
            rl = list(rows)
            maxpop = max(self.F(r)[2] for r in rl)
            dmin, dcountry = self._nearest(rl, key, chosen)
            xs = [
                (r, self.row_features(r, rows[r], ks, d, maxpop, len(rl), d_country=dc))
                for r, d, dc in zip(rl, dmin, dcountry)
            ]
            if model is not None and len(xs) > _MAX_RANKED:  # the learned model sees the hand-ranked best
                xs = sorted(xs, key=lambda t: (-t[1][25], t[0]))[:_MAX_RANKED]
            batch.extend((key, r, x) for r, x in xs)
            info[key] = (len(rl), has_demonym)
        if not batch:
            return
        scores = model.score_many([x for _, _, x in batch]) if model else [x[25] * 10 for _, _, x in batch]
        # an explicit region qualifier ("London, Ontario", "Paris, Texas") decides between namesakes
        scores = [sc + _QUALIFIED * x[16] for sc, (_, _, x) in zip(scores, batch)]
        # an ocean or a continent outranks the towns named after it ("the Atlantic", "Pacific storms")
        scores = [sc + _VAST * (self.F(r)[3] in _VAST_KINDS) for sc, (_, r, _) in zip(scores, batch)]
        per_key: dict[str, list] = defaultdict(list)
        for (key, r, x), sc in zip(batch, scores):
            per_key[key].append((float(sc), r, x))
        for key, scored in per_key.items():
            scored.sort(key=lambda t: (-t[0], t[1]))
            s0, r0, x0 = scored[0]
            z = sum(math.exp(max(-50.0, sc - s0)) for sc, _, _ in scored)
            n, dem = info[key]
            self.choice[key] = (r0, 1.0 / z, x0, n, dem, scored)


RANK_FEATURES = (
    "bias",
    "k_country",
    "k_admin1",
    "k_admin2",
    "k_capital",
    "k_city",
    "k_water",
    "k_continent",
    "k_other",
    "log_pop",
    "max_pop",
    "alias",
    "demonym",
    "ctx_cc_share",
    "ctx_cc_any",
    "ctx_admin1",
    "qual_admin",
    "qual_country",
    "near50",
    "near300",
    "near1000",
    "log_dist",
    "is_us",
    "us_share",
    "log_ncand",
    "hand",
    "user",
    "pop_zero",
    "admin1_ctx",
    "country_ctx",
    "admin1_us_share",
    "country_non_us",
    "support100",
    "support_admin1",
    "any_support100",
    "any_support_admin1",
    "pop_ratio",
    "us_no_us_ctx",
    "no_anchor",
    "in_named_county",
    "county_with_town",
    "near_country1500",
    "log_dist_country",
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


_MAX_RANKED = 12  # candidates per name scored by the learned model
_QUALIFIED = 8.0  # score added to a candidate that lies in the region named right after it
_VAST = 6.0  # score added to an ocean or a continent (chosen by cross-validation)
_VAST_KINDS = frozenset({"ocean", "continent"})


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


# ---------------------------------------------------------------------------------------
# tables


def mention_records(mentions: list) -> list[dict]:
    """Return one record (fields ``COLUMNS``) per mention, in text order.

    ``mentions`` counts the mentions of the same place in the text; a name with no
    gazetteer entry has empty place fields.

    Parameters
    ----------
    mentions : list of Mention
        Output of :func:`geomap.geoparse`.
    """
    counts = Counter(_place_key(m.place) for m in mentions if m.place is not None)
    return [m.as_dict(mentions=counts[_place_key(m.place)] if m.place is not None else 1) for m in mentions]


def _place_key(p) -> tuple:
    return p.id, p.name, p.lat, p.lon


def mentions_table(mentions: list) -> list[dict]:
    """Return one record per distinct place (fields ``COLUMNS``), in order of first mention.

    ``start``, ``end``, ``text`` and ``sentence`` are those of the first mention; ``score``
    is the best of its mentions.

    Parameters
    ----------
    mentions : list of Mention
        Output of :func:`geomap.geoparse`.
    """
    recs: dict[tuple, dict] = {}
    for m, rec in zip(mentions, mention_records(mentions)):
        if m.place is None:
            continue
        k = _place_key(m.place)
        if k not in recs:
            recs[k] = rec
        else:
            recs[k]["score"] = max(recs[k]["score"], rec["score"])
    return list(recs.values())


def written_names(mentions: list) -> list[str]:
    """Return, per distinct place (in the order of :func:`mentions_table`), the name as the article writes it.

    That is the place's most frequent mention text that is not an adjective or a demonym
    ("Bosporus" for the gazetteer's Bosphorus, "Lublin" for Lublin Voivodeship); the
    gazetteer name when every mention is a demonym ("Polish" is labelled Poland).

    Parameters
    ----------
    mentions : list of Mention
        Output of :func:`geomap.geoparse`.
    """
    from geomap.text.gazetteer import DEMONYM

    texts: dict[tuple, Counter] = {}
    names: dict[tuple, str] = {}
    for m in mentions:
        if m.place is None:
            continue
        k = _place_key(m.place)
        names.setdefault(k, m.place.name)
        seen = texts.setdefault(k, Counter())
        if DEMONYM not in m.flags:
            seen[" ".join(m.text.split())] += 1
    return [seen.most_common(1)[0][0] if seen else names[k] for k, seen in texts.items()]


def places(text: str, *, gazetteer: str | None = None, threshold: float = 0.5, demonyms: bool = True):
    """Return the distinct places of ``text`` as a GeoDataFrame (EPSG:4326).

    Parameters
    ----------
    text : str
        Article text.
    gazetteer : str or PathLike, optional
        User gazetteer CSV whose entries win over shipped ones.
    threshold : float
        Minimum toponym probability.
    demonyms : bool
        Count adjectives and demonyms ("Canadian") as mentions of their country.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``COLUMNS`` and geometry (points); one row per place, in order of first
        mention.
    """
    return places_frame(geoparse(text, gazetteer=gazetteer, threshold=threshold, demonyms=demonyms))


def places_frame(mentions: list):
    """The distinct places of ``mentions`` (:func:`mentions_table`) as a GeoDataFrame (EPSG:4326)."""
    import geopandas as gpd
    import pandas as pd

    df = pd.DataFrame.from_records(mentions_table(mentions), columns=list(COLUMNS))
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
