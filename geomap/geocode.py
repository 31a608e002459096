"""Choose a referent for each place name, and tabulate the places of a text.

Each candidate place of a mention gets a score from its kind (country, region, city…),
its population, how it matched (name, alias, demonym), the countries and regions the
article names, a qualifier right after it ("Dandong, China"), and its distance to the
other places of the article. The same name gets the same referent throughout a text.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

__all__ = ["resolve", "places", "mentions_table"]

_KIND_PRIOR = {
    "continent": 3.5, "country": 4.0, "admin1": 3.0, "admin2": 2.0, "capital": 2.0, "city": 0.0,
    "ocean": 3.5, "sea": 3.5, "gulf": 3.5, "bay": 3.0, "strait": 3.5, "river": 2.5, "lake": 2.5,
    "island": 2.5, "peninsula": 3.0, "region": 3.0, "mountain": 2.5, "port": 2.5, "canal": 3.0,
    "locality": 2.0, "bridge": 2.0, "feature": 2.5, "street": 0.0,
}
_SENT = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in ".!?\n")
    a = a + 1 if a >= 0 else 0
    bs = [text.find(c, end) for c in ".!?\n"]
    bs = [b for b in bs if b >= 0]
    b = min(bs) + 1 if bs else len(text)
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
    from ._names import name_key
    from .gazetteer import ALIAS, DEMONYM

    feats = {}

    def F(r):
        v = feats.get(r)
        if v is None:
            v = feats[r] = gaz.features(r)
        return v

    # --- context: countries and first-level regions the article names -----------------
    ctx_cc: Counter = Counter()
    ctx_a1: Counter = Counter()
    for m in mentions:
        for r, f in zip(m.rows, m.flags):
            lat, lon, pop, kind, cc, a1, a2 = F(r)
            if kind == "country" and f != ALIAS:
                ctx_cc[cc] += 1
            elif kind == "admin1" and f != ALIAS and len(m.rows) <= 3:
                ctx_a1[(cc, a1)] += 1
                ctx_cc[cc] += 0.5
            elif kind == "capital" and pop > 500000:
                ctx_cc[cc] += 0.5
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

    def score_row(r: int, flag: int, ks: list[int], anchors) -> tuple[float, list[str]]:
        lat, lon, pop, kind, cc, a1, a2 = F(r)
        why = []
        s = _KIND_PRIOR.get(kind, 2.0)
        if r >= gaz.n_shipped:
            s += 10.0
            why.append("user gazetteer entry")
        if pop > 0:
            s += 0.55 * math.log10(pop + 1)
        if flag == ALIAS:
            s -= 1.0
        elif flag == DEMONYM:
            s += 1.0
        if kind != "country" and cc in ctx_cc:
            s += 2.5 * min(1.0, ctx_cc[cc] / total_cc + 0.4)
            why.append(f"the article names {cc}")
        if kind in ("city", "capital", "admin2") and (cc, a1) in ctx_a1:
            s += 2.5
            why.append(f"the article names {a1}")
        if cc == "US":
            s += 0.5
        for k in ks:
            if qual.get(k):
                if (cc, a1) in qual[k] or (cc, a2) in qual[k]:
                    s += 6.0
                    why.append(f"qualified as being in {a1 or a2}")
                    break
                if (cc, "") in qual[k]:
                    s += 4.0
                    why.append(f"qualified as being in {cc}")
                    break
        if anchors:
            d = min(_haversine_km(lat, lon, a[0], a[1]) for a in anchors)
            if d < 50:
                s += 2.0
                why.append(f"{d:.0f} km from another place in the article")
            elif d < 300:
                s += 1.0
                why.append(f"{d:.0f} km from another place in the article")
        return s, why

    choice: dict[str, tuple] = {}
    for key, ks in groups.items():
        m = mentions[ks[0]]
        if not m.rows:
            continue
        choice[key] = _pick(m, ks, score_row, None)
    # --- pass 2: proximity to the other chosen places ----------------------------------
    chosen_pts = {key: (F(c[0])[0], F(c[0])[1], F(c[0])[3]) for key, c in choice.items()}
    for key, ks in groups.items():
        m = mentions[ks[0]]
        if not m.rows or len(set(m.rows)) == 1:
            continue
        anchors = [(la, lo) for k2, (la, lo, kd) in chosen_pts.items()
                   if k2 != key and kd not in ("country", "continent", "ocean", "region")]
        choice[key] = _pick(m, ks, score_row, anchors)
    # --- write back ---------------------------------------------------------------------
    for key, ks in groups.items():
        c = choice.get(key)
        for k in ks:
            m = mentions[k]
            m.sentence = _sentence(text, m.start, m.end)
            if c is None:
                m.place = None
                m.score = round(m.tag_prob * 0.5, 4)
                m.reasons = ["name not in the gazetteer" + (f" ({m.kind_hint})" if m.kind_hint else "")]
                continue
            r, p_ref, why = c
            m.place = gaz.place(r)
            m.score = round(m.tag_prob * p_ref, 4)
            m.reasons = why


def _pick(m, ks, score_row, anchors):
    from .gazetteer import DEMONYM

    best: dict[int, tuple[float, list[str]]] = {}
    has_demonym = DEMONYM in m.flags
    for r, f in zip(m.rows, m.flags):
        if has_demonym and f != DEMONYM:
            continue
        s, why = score_row(r, f, ks, anchors)
        if r not in best or s > best[r][0]:
            best[r] = (s, why)
    items = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    r0, (s0, why0) = items[0]
    z = sum(math.exp(s - s0) for _, (s, _) in items)
    p = 1.0 / z
    why = list(why0)
    if len(items) == 1:
        why.insert(0, "only place of this name" if not has_demonym else "adjective/demonym of the country")
    else:
        why.insert(0, f"best of {len(items)} places of this name")
    return r0, p, why


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

    from .geoparse import geoparse

    recs = mentions_table(geoparse(text, gazetteer=gazetteer, threshold=threshold))
    cols = ["name", "gazetteer_id", "kind", "country", "admin1", "population", "lat", "lon", "score",
            "mentions", "text", "sentence", "reasons"]
    df = pd.DataFrame.from_records(recs, columns=cols)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
