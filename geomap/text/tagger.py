"""Find the place names in a text: candidate spans, features, and the toponym decision.

Pipeline (one direction): tokens → gazetteer matches (longest first) plus street-like
names → a feature vector per span → a small logistic model (``tagger.json``, trained by
``data/train_geoparser.py``) keeps the spans that are place names → :mod:`geomap.text.resolver`
chooses a referent per kept span.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from geomap.text.names import key_hash, name_key
from geomap.errors import InputError

if TYPE_CHECKING:
    from geomap.text.gazetteer import Place

__all__ = ["Mention", "geoparse", "find_candidates"]

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_](?:[\w&]*\w)?|\d+(?:st|nd|rd|th)?")
_CONNECT = frozenset({"of", "de", "del", "la", "le", "du", "des", "da", "do", "dos", "el", "al", "and", "upon",
                      "on", "the", "sur", "am", "an", "der", "di", "y", "en", "in"})
_LOC_PREP = frozenset({"in", "at", "from", "near", "to", "across", "outside", "into", "throughout", "between",
                       "toward", "towards", "around", "via", "through", "inside", "within", "of", "and", "off",
                       "visit", "visited", "visiting", "north", "south", "east", "west", "northern",
                       "southern", "eastern", "western", "central", "downtown", "border", "leave", "left"})
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "gov", "governor", "sen", "senator", "rep", "president",
                     "minister", "gen", "general", "lt", "col", "capt", "judge", "coach", "prof", "sir",
                     "lord", "lady", "king", "queen", "prince", "princess", "pope", "saint", "officer",
                     "sgt", "chairman", "secretary", "director", "ceo", "leader", "mayor", "premier",
                     "chancellor", "ambassador", "spokesman", "spokeswoman", "player", "son", "daughter",
                     "wife", "husband", "brother", "sister", "mother", "father", "uncle", "aunt", "by"})
_PERSON_NEXT = frozenset({"said", "says", "told", "added", "wrote", "explained", "noted", "who", "asked",
                          "replied", "stated", "argued", "believes", "thinks"})
_ORG_NEXT = frozenset({"university", "college", "school", "post", "times", "news", "herald", "journal",
                       "police", "department", "hospital", "airport", "inc", "corp", "company", "co",
                       "club", "church", "council", "party", "fc", "united", "city", "high", "state",
                       "institute", "center", "centre", "association", "bank", "board", "court",
                       "group", "academy", "tribune", "daily", "gazette", "press", "chronicle", "team",
                       "county", "road", "street", "avenue", "drive", "mall", "festival", "square",
                       "park", "library", "museum", "stadium", "hotel", "sheriff", "fire", "public",
                       "international", "medical", "health", "times-union", "democrat", "republican",
                       "government", "army", "navy", "air", "coast", "guard", "ministry"})
_LOCAL_NEXT = frozenset({"man", "woman", "men", "women", "resident", "residents", "native", "natives", "mayor",
                         "area", "couple", "teen", "teenager", "boy", "girl", "family", "families", "officials",
                         "voters", "homeowners", "businessman", "students", "neighborhood", "based", "region",
                         "township", "town", "village", "suburb", "suburbs", "metro", "authorities", "province",
                         "residence", "border", "coast", "office", "branch", "campus", "plant", "factory"})
_STREET = frozenset({"street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "lane", "ln", "boulevard",
                     "blvd", "highway", "hwy", "parkway", "pkwy", "way", "court", "place", "trail", "pike",
                     "circle", "terrace", "square", "bridge", "creek", "township", "valley", "heights",
                     "park", "river", "lake", "mountain", "mountains", "island", "islands", "bay", "harbor",
                     "harbour", "beach", "hill", "hills", "canyon", "ridge", "forest", "district",
                     "county", "province", "region", "village", "borough", "parish", "sea", "gulf",
                     "strait", "peninsula", "desert", "coast", "port", "airport"})
_MAX_TOKENS = 6
_CLITICS = frozenset({"s", "t", "ll", "re", "d", "ve", "m"})

_FUNCTION_WORDS = frozenset("the a an in on at of for from to by with and but or as if then when while after before "
                            "since during under over near into across this that these those his her their its our "
                            "my your both all some many most several every each".split())


def _sentence_initial(text: str, toks, k: int) -> bool:
    """Is token ``k`` the first word of a sentence or line?"""
    if k == 0:
        return True
    before = text[toks[k - 1][1]:toks[k][0]]
    return bool(re.search(r"[.!?:\"“”\n]", before))


# feature names, in the model's order
FEATURES = (
    "bias", "n_tokens", "all_caps", "sent_start", "k_country", "k_demonym", "k_admin1", "k_admin2",
    "k_capital", "k_city", "k_water", "k_other", "k_street", "primary", "alias_only", "log_pop",
    "log_ncand", "prev_locprep", "prev_title", "prev_cap", "next_cap", "next_comma_place",
    "prev_comma_place", "lower_in_doc", "next_person", "possessive", "next_org", "doc_count",
    "doc_locprep", "short", "has_context_country", "in_quotes_caps", "prev_the", "big_pop",
    "next_local", "month_day", "hyphen_join", "word_zipf", "common_word",
)
_MONTHS = frozenset("January February March April May June July August September October November December "
                    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())


@dataclass
class Mention:
    """A place name found in a text.

    Attributes
    ----------
    start, end : int
        Python ``str`` offsets of the span (end exclusive).
    text : str
        ``text[start:end]``.
    rows : list of int
        Gazetteer rows the name can refer to (empty for a name with no gazetteer entry).
    flags : list of int
        For each row, how the name matched (alias 0, primary name 1, demonym 2).
    tag_prob : float
        Probability that the span is a place name.
    place : Place or None
        The chosen referent (set by :mod:`geomap.text.resolver`).
    score : float
        Confidence in [0, 1] for span and referent together.
    reasons : list of str
        Why this referent was chosen.
    sentence : str
        The sentence holding the span.
    kind_hint : str
        ``"street"`` for a street-like name found without a gazetteer entry.
    """

    start: int
    end: int
    text: str
    rows: list[int] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    tag_prob: float = 0.0
    place: Place | None = None
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    sentence: str = ""
    kind_hint: str = ""

    def as_dict(self) -> dict:
        """Return a JSON-ready dict (start, end, text, lat, lon, score, place fields, reasons)."""
        p = self.place
        d = {"start": self.start, "end": self.end, "text": self.text,
             "lat": getattr(p, "lat", None), "lon": getattr(p, "lon", None), "score": round(self.score, 4)}
        if p is not None:
            d.update(name=p.name, id=p.id, kind=p.kind, country=p.country, admin1=p.admin1,
                     population=p.population)
        elif self.kind_hint:
            d["kind"] = self.kind_hint
        d["reasons"] = list(self.reasons)
        return d


def geoparse(text: str, *, gazetteer: str | None = None, threshold: float = 0.5) -> list[Mention]:
    """Find and geocode the place names in ``text``.

    Parameters
    ----------
    text : str
        Article text.
    gazetteer : str or PathLike, optional
        User gazetteer CSV (``name,lat,lon[,type,country,aliases]``) whose entries win.
    threshold : float
        Minimum toponym probability for a span to be kept.

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

    Examples
    --------
    >>> [(m.text, m.place.country) for m in geoparse("Trains crossed from Dandong to Sinuiju.")]
    [('Dandong', 'CN'), ('Sinuiju', 'KP')]
    """
    from geomap.text.gazetteer import load_gazetteer
    from geomap.text.resolver import resolve

    if not isinstance(text, str):
        raise InputError(f"geoparse: expected article text as str, got {type(text).__name__}")
    if not text.strip():
        raise InputError("geoparse: the text is empty; give an article to parse")
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"geoparse: threshold={threshold!r} is outside [0, 1]; use e.g. 0.5")
    gaz = load_gazetteer(user=gazetteer)
    cands, feats = find_candidates(text, gaz)
    probs = _consistent(cands, _model().predict(feats))
    kept = []
    for m, p in zip(cands, probs):
        if m.rows and max(m.rows) >= gaz.n_shipped:  # a user entry is a deliberate place name
            p = max(p, 0.9)
        m.tag_prob = p
        if p >= threshold:
            kept.append(m)
    resolve(kept, text, gaz)
    return kept


def _consistent(cands: list[Mention], probs: list[float]) -> list[float]:
    """Pull each span's probability toward the most confident use of the same name in the text."""
    best: dict[str, float] = {}
    for m, p in zip(cands, probs):
        k = name_key(m.text)
        best[k] = max(best.get(k, 0.0), p)
    w = _CONSISTENCY[0]
    return [(1 - w) * p + w * best[name_key(m.text)] for m, p in zip(cands, probs)]


_CONSISTENCY = [0.3]  # weight of the best use of the same name (chosen by cross-validation)


# ---------------------------------------------------------------------------------------
# candidates


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper()


def _joinable(text: str, a_end: int, b_start: int) -> bool:
    gap = text[a_end:b_start]
    return gap in (" ", "-", ". ", ".", "'", "’") or (gap.isspace() and "\n" not in gap and len(gap) <= 2)


def find_candidates(text: str, gaz) -> tuple[list[Mention], list[list[float]]]:
    """Return candidate spans and their feature vectors (see ``FEATURES``).

    Parameters
    ----------
    text : str
        The article.
    gaz : Gazetteer
        Names to match.
    """
    toks = _tokens(text)
    n = len(toks)
    # all n-grams that start at a capitalised token
    grams: list[tuple[int, int]] = []
    hashes: list[int] = []
    for i in range(n):
        s, e, t = toks[i]
        if not _is_cap(t):
            continue
        j = i
        while j < n and j - i < _MAX_TOKENS:
            if j > i:
                if not _joinable(text, toks[j - 1][1], toks[j][0]):
                    break
                after_apostrophe = text[toks[j - 1][1]:toks[j][0]] in ("'", "’")
                if not _is_cap(toks[j][2]) and toks[j][2].lower() not in _CONNECT and not after_apostrophe:
                    break
                if after_apostrophe and toks[j][2] in _CLITICS and not (
                        j + 1 < n and _is_cap(toks[j + 1][2]) and _joinable(text, toks[j][1], toks[j + 1][0])):
                    break  # "Tunisia's" ends here; "People's Republic" goes on
            if _is_cap(toks[j][2]) or toks[j][2].isupper() or (
                    text[toks[j - 1][1]:toks[j][0]] in ("'", "’") and toks[j][2] not in _CLITICS):
                seg = text[s:toks[j][1]]
                grams.append((i, j, 0))
                hashes.append(key_hash(name_key(seg)))
                if text[toks[j][1]:toks[j][1] + 1] == "." and j == i:  # "Ga.", "Calif."
                    grams.append((i, j, 1))
                    hashes.append(key_hash(name_key(seg) + "."))
                # abbreviations such as "Ga." or "Calif." keep their full stop
            j += 1
    found = gaz.lookup_hashes(hashes)
    best: dict[int, tuple[int, list, int]] = {}
    for (i, j, dot), hits in zip(grams, found):
        if hits and (i not in best or j > best[i][0] or (j == best[i][0] and dot)):
            best[i] = (j, hits, dot)
    mentions: list[Mention] = []
    i = 0
    while i < n:
        if i in best:
            j, hits, dot = best[i]
            s, e = toks[i][0], toks[j][1] + dot
            rows = [r for r, _ in hits]
            flags = [f for _, f in hits]
            mentions.append(Mention(s, e, text[s:e], rows, flags))
            i = j + 1
            continue
        # street-like names: Capitalised words + a place-type word ("Darby Street", "Lake Lanier")
        s, e, t = toks[i]
        if _is_cap(t):
            j = i
            while j + 1 < n and j - i < 4 and _is_cap(toks[j + 1][2]) and _joinable(text, toks[j][1], toks[j + 1][0]):
                j += 1
            if (j > i and toks[j][2].lower().rstrip(".") in _STREET and toks[i][2].lower() not in _TITLES
                    and toks[i][2].lower() not in ("the", "a", "an", "this", "that")
                    and not any(k in best for k in range(i + 1, j + 1))):
                m = Mention(s, toks[j][1], text[s:toks[j][1]], [], [])
                m.kind_hint = "street"
                mentions.append(m)
                i = j + 1
                continue
        i += 1
    feats = _features(text, toks, mentions, gaz)
    return mentions, feats




# ---------------------------------------------------------------------------------------
# features


def _features(text: str, toks, mentions: list[Mention], gaz) -> list[list[float]]:
    from geomap.text.gazetteer import DEMONYM, PRIMARY, WATER_KINDS

    starts = {t[0]: k for k, t in enumerate(toks)}
    ends = {t[1]: k for k, t in enumerate(toks)}
    lower_words = {t[2] for t in toks if t[2].islower()}
    mention_at = {m.start: m for m in mentions}
    counts: dict[str, int] = {}
    for m in mentions:
        counts[name_key(m.text)] = counts.get(name_key(m.text), 0) + 1
    locprep_keys: set[str] = set()
    # context countries: country-level matches anywhere in the text
    ctx_countries: set[str] = set()
    infos = []
    for m in mentions:
        i = starts.get(m.start, 0)
        j = ends.get(m.end, ends.get(m.end - 1, i))
        prev = toks[i - 1][2] if i > 0 else ""
        prevl = prev.lower()
        info = {"i": i, "j": j, "prev": prev}
        if prevl in _LOC_PREP:
            locprep_keys.add(name_key(m.text))
        kinds = set()
        for r, f in zip(m.rows, m.flags):
            k = gaz.features(r)[3]
            kinds.add(k)
            if k == "country" and f != 0:
                ctx_countries.add(gaz.features(r)[4])
        info["kinds"] = kinds
        infos.append(info)
    zipf = _word_zipf([m.text if infos[k]["j"] == infos[k]["i"] else "" for k, m in enumerate(mentions)])
    out = []
    for m, info, wz in zip(mentions, infos, zipf):
        i, j = info["i"], info["j"]
        prev = info["prev"]
        prevl = prev.lower().rstrip(".")
        nxt = toks[j + 1][2] if j + 1 < len(toks) else ""
        gap_after = text[m.end:toks[j + 1][0]] if j + 1 < len(toks) else ""
        gap_before = text[toks[i - 1][1]:m.start] if i > 0 else "\n"
        before = text[max(0, m.start - 3):m.start]
        sent_start = i == 0 or bool(re.search(r"[.!?:\"“”\n]\s*$", text[max(0, m.start - 4):m.start])) or "\n" in gap_before
        kinds = info["kinds"]
        flags = set(m.flags)
        pops = [gaz.features(r)[2] for r in m.rows]
        maxpop = max(pops) if pops else 0
        ctry = {gaz.features(r)[4] for r in m.rows}
        key = name_key(m.text)
        ntok = j - i + 1
        nm = mention_at.get(toks[j + 1][0]) if j + 1 < len(toks) else None
        pm_tok = toks[i - 2] if i > 1 else None
        pm = mention_at.get(pm_tok[0]) if pm_tok else None
        demonym_only = bool(m.rows) and flags == {DEMONYM}
        f = [
            1.0,
            min(ntok, 4) / 4,
            float(m.text.isupper() and len(m.text) > 3),
            float(sent_start),
            float("country" in kinds and not demonym_only),
            float(demonym_only or (DEMONYM in flags and "country" in kinds and ntok == 1 and m.text.endswith(("n", "ns", "ese", "sh", "i", "is")))),
            float("admin1" in kinds),
            float("admin2" in kinds),
            float("capital" in kinds),
            float("city" in kinds),
            float(bool(kinds & WATER_KINDS)),
            float(bool(kinds - WATER_KINDS - {"country", "admin1", "admin2", "capital", "city"})),
            float(m.kind_hint == "street"),
            float(PRIMARY in flags or DEMONYM in flags),
            float(bool(m.rows) and flags == {0}),
            math.log10(maxpop + 1) / 7,
            math.log10(len(m.rows) + 1),
            float(prevl in _LOC_PREP and not sent_start),
            float(prevl in _TITLES),
            float(_is_cap(prev) and not sent_start and gap_before == " " and i > 0 and toks[i - 1][0] not in mention_at
                  and not _sentence_initial(text, toks, i - 1) and prevl not in _FUNCTION_WORDS),
            float(_is_cap(nxt) and gap_after == " " and nm is None),
            float(gap_after.strip() == "," and nm is not None and bool(nm.rows)),
            float(before.endswith(", ") and pm is not None and bool(pm.rows)),
            float(ntok == 1 and m.text.lower() in lower_words),
            float(nxt.lower() in _PERSON_NEXT and gap_after == " "),
            float(text[m.end:m.end + 2] in ("'s", "’s")),
            float(nxt.lower() in _ORG_NEXT and gap_after == " "),
            math.log2(counts.get(key, 1)) / 3,
            float(key in locprep_keys),
            float(len(m.text) <= 3),
            float(bool(ctry & ctx_countries) and "country" not in kinds),
            float(m.text.isupper() and len(m.text) <= 4 and m.text.isalpha()),
            float(prevl == "the"),
            float(maxpop >= 100000),
            float(nxt.lower() in _LOCAL_NEXT and gap_after.strip() in ("", "-")),
            float(m.text in _MONTHS),
            float(gap_after == "-" or gap_before == "-"),
            wz / 7,
            float(wz >= 4.0),
        ]
        out.append(f)
    return out


@lru_cache(maxsize=1)
def _words():
    import numpy as np

    from geomap.datafiles import data_path

    try:
        with np.load(data_path("wordfreq_en.npz")) as z:
            return z["key_hash"], z["centibels"]
    except Exception:
        return None


def _word_zipf(words: list[str]) -> list[float]:
    """Zipf frequency (log10 per billion words) of each single English word; 0 for "" or unknown."""
    import numpy as np

    table = _words()
    if table is None or not words:
        return [0.0] * len(words)
    kh, cb = table
    hs = np.array([key_hash(name_key(w)) if w else 0 for w in words], dtype=np.uint64)
    idx = np.clip(np.searchsorted(kh, hs), 0, len(kh) - 1)
    found = (kh[idx] == hs) & (hs != 0)
    return np.where(found, 9.0 - cb[idx] / 100.0, 0.0).tolist()


# ---------------------------------------------------------------------------------------
# model


class _Logistic:
    """Logistic scorer over ``FEATURES`` plus pairwise products of named features."""

    def __init__(self, coef, intercept: float, pairs: list[tuple[int, int]]) -> None:
        self.coef = list(coef)
        self.intercept = float(intercept)
        self.pairs = pairs

    def predict(self, feats: list[list[float]]) -> list[float]:
        out = []
        for f in feats:
            x = expand(f, self.pairs)
            z = self.intercept + sum(c * v for c, v in zip(self.coef, x))
            out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
        return out


class _TreeTagger:
    """Boosted trees over the expanded features; probability = logistic(score)."""

    def __init__(self, trees, pairs: list[tuple[int, int]]) -> None:
        self.trees = trees
        self.pairs = pairs

    def predict(self, feats: list[list[float]]) -> list[float]:
        out = []
        for f in feats:
            z = self.trees.score(expand(f, self.pairs))
            out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
        return out


def expand(f: list[float], pairs: list[tuple[int, int]]) -> list[float]:
    """Return the feature vector ``f`` followed by the products named in ``pairs``."""
    return list(f) + [f[a] * f[b] for a, b in pairs]


@lru_cache(maxsize=1)
def _model() -> _Logistic:
    import json

    from geomap.datafiles import data_path

    try:
        p = data_path("tagger.json")
    except Exception:
        return _default_model()
    d = json.loads(p.read_text(encoding="utf-8"))
    if d.get("features") != list(FEATURES):
        return _default_model()
    pairs = [tuple(x) for x in d["pairs"]]
    if "trees" in d:
        from geomap.text.resolver import _Trees

        return _TreeTagger(_Trees.from_json(d["trees"]), pairs)
    return _Logistic(d["coef"], d["intercept"], pairs)


def _default_model() -> _Logistic:
    """Hand-set weights, used before a trained model exists."""
    w = dict.fromkeys(FEATURES, 0.0)
    w.update(k_country=3, k_demonym=2.5, k_admin1=2.5, k_admin2=3, k_capital=2, k_city=0.5, k_water=3,
             k_other=2, k_street=1.5, primary=0.8, alias_only=-1.5, log_pop=3, prev_locprep=2, prev_title=-4,
             prev_cap=-2.5, next_cap=-1.5, next_comma_place=1.5, prev_comma_place=2, lower_in_doc=-2.5,
             next_person=-2.5, possessive=-0.5, next_org=-0.5, doc_locprep=1, sent_start=-0.5)
    return _Logistic([w[k] for k in FEATURES], -3.0, [])
