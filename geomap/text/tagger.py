"""Find the place names in a text: candidate spans, features, and the toponym decision.

Pipeline (one direction): tokens → gazetteer matches (longest first) plus street-like
names → a feature vector per span → the learned tagger (``tagger.json``, trained by
``data/train_geoparser.py``; see :mod:`geomap.text.models`) keeps the spans that are place
names. :mod:`geomap.text.resolver` then chooses a referent per kept span.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from geomap.text.models import load_model
from geomap.text.names import key_hash, name_key

if TYPE_CHECKING:
    from geomap.text.gazetteer import Place

__all__ = ["Mention", "tag", "find_candidates", "FEATURES", "COLUMNS"]

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_](?:[\w&]*\w)?|\d+(?:st|nd|rd|th)?")
_CONNECT = frozenset(
    {
        "of",
        "de",
        "del",
        "la",
        "le",
        "du",
        "des",
        "da",
        "do",
        "dos",
        "el",
        "al",
        "and",
        "upon",
        "on",
        "the",
        "sur",
        "am",
        "an",
        "der",
        "di",
        "y",
        "en",
        "in",
    }
)
_LOC_PREP = frozenset(
    {
        "in",
        "at",
        "from",
        "near",
        "to",
        "across",
        "outside",
        "into",
        "throughout",
        "between",
        "toward",
        "towards",
        "around",
        "via",
        "through",
        "inside",
        "within",
        "of",
        "and",
        "off",
        "visit",
        "visited",
        "visiting",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "downtown",
        "border",
        "leave",
        "left",
    }
)
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "gov",
        "governor",
        "sen",
        "senator",
        "rep",
        "president",
        "minister",
        "gen",
        "general",
        "lt",
        "col",
        "capt",
        "judge",
        "coach",
        "prof",
        "sir",
        "lord",
        "lady",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "saint",
        "officer",
        "sgt",
        "chairman",
        "secretary",
        "director",
        "ceo",
        "leader",
        "mayor",
        "premier",
        "chancellor",
        "ambassador",
        "spokesman",
        "spokeswoman",
        "player",
        "son",
        "daughter",
        "wife",
        "husband",
        "brother",
        "sister",
        "mother",
        "father",
        "uncle",
        "aunt",
        "by",
    }
)
_PERSON_NEXT = frozenset(
    {
        "said",
        "says",
        "told",
        "added",
        "wrote",
        "explained",
        "noted",
        "who",
        "asked",
        "replied",
        "stated",
        "argued",
        "believes",
        "thinks",
    }
)
_ORG_NEXT = frozenset(
    {
        "university",
        "college",
        "school",
        "post",
        "times",
        "news",
        "herald",
        "journal",
        "police",
        "department",
        "hospital",
        "airport",
        "inc",
        "corp",
        "company",
        "co",
        "club",
        "church",
        "council",
        "party",
        "fc",
        "united",
        "city",
        "high",
        "state",
        "institute",
        "center",
        "centre",
        "association",
        "bank",
        "board",
        "court",
        "group",
        "academy",
        "tribune",
        "daily",
        "gazette",
        "press",
        "chronicle",
        "team",
        "county",
        "road",
        "street",
        "avenue",
        "drive",
        "mall",
        "festival",
        "square",
        "park",
        "library",
        "museum",
        "stadium",
        "hotel",
        "sheriff",
        "fire",
        "public",
        "international",
        "medical",
        "health",
        "times-union",
        "democrat",
        "republican",
        "government",
        "army",
        "navy",
        "air",
        "coast",
        "guard",
        "ministry",
    }
)
_LOCAL_NEXT = frozenset(
    {
        "man",
        "woman",
        "men",
        "women",
        "resident",
        "residents",
        "native",
        "natives",
        "mayor",
        "area",
        "couple",
        "teen",
        "teenager",
        "boy",
        "girl",
        "family",
        "families",
        "officials",
        "voters",
        "homeowners",
        "businessman",
        "students",
        "neighborhood",
        "based",
        "region",
        "township",
        "town",
        "village",
        "suburb",
        "suburbs",
        "metro",
        "authorities",
        "province",
        "residence",
        "border",
        "coast",
        "office",
        "branch",
        "campus",
        "plant",
        "factory",
    }
)
_STREET = frozenset(
    {
        "street",
        "st",
        "avenue",
        "ave",
        "road",
        "rd",
        "drive",
        "dr",
        "lane",
        "ln",
        "boulevard",
        "blvd",
        "highway",
        "hwy",
        "parkway",
        "pkwy",
        "twp",
        "way",
        "court",
        "place",
        "trail",
        "pike",
        "circle",
        "terrace",
        "square",
        "bridge",
        "creek",
        "township",
        "valley",
        "heights",
        "park",
        "river",
        "lake",
        "mountain",
        "mountains",
        "island",
        "islands",
        "bay",
        "harbor",
        "harbour",
        "beach",
        "hill",
        "hills",
        "canyon",
        "ridge",
        "forest",
        "district",
        "county",
        "province",
        "region",
        "village",
        "borough",
        "parish",
        "sea",
        "gulf",
        "strait",
        "peninsula",
        "desert",
        "coast",
        "port",
        "airport",
    }
)
_MAX_TOKENS = 6
_REGION_WORDS = frozenset({"state", "province"})  # lower-case words that may end a region's name
_CLITICS = frozenset({"s", "t", "ll", "re", "d", "ve", "m"})

_FUNCTION_WORDS = frozenset(
    "the a an in on at of for from to by with and but or as if then when while after before "
    "since during under over near into across this that these those his her their its our "
    "my your both all some many most several every each".split()
)


def _sentence_initial(text: str, toks, k: int) -> bool:
    """Is token ``k`` the first word of a sentence or line?"""
    if k == 0:
        return True
    before = text[toks[k - 1][1] : toks[k][0]]
    return bool(re.search(r"[.!?:\"“”\n]", before))


# feature names, in the model's order
FEATURES = (
    "bias",
    "n_tokens",
    "all_caps",
    "sent_start",
    "k_country",
    "k_demonym",
    "k_admin1",
    "k_admin2",
    "k_capital",
    "k_city",
    "k_water",
    "k_other",
    "k_street",
    "primary",
    "alias_only",
    "log_pop",
    "log_ncand",
    "prev_locprep",
    "prev_title",
    "prev_cap",
    "next_cap",
    "next_comma_place",
    "prev_comma_place",
    "lower_in_doc",
    "next_person",
    "possessive",
    "next_org",
    "doc_count",
    "doc_locprep",
    "short",
    "has_context_country",
    "in_quotes_caps",
    "prev_the",
    "big_pop",
    "next_local",
    "month_day",
    "hyphen_join",
    "word_zipf",
    "common_word",
    "given_name",
    "surname",
    "person_pair",
    "prev_given",
    "person_in_doc",
    "appos_person",
    "pronoun_after",
    "next_cap_plural",
)
# a person named in apposition: "Georgia, a driver from Ohio", "Paris, 32,", "Jordan, who said"
_ROLES = frozenset(
    """driver nurse student teacher mother father son daughter wife husband man woman boy girl
resident spokesman spokeswoman spokesperson officer doctor lawyer attorney worker veteran teenager farmer
singer actor actress player coach manager owner director executive chief senator mayor governor president
minister friend neighbour neighbor victim suspect pastor priest author writer reporter journalist artist
engineer nurse sergeant captain soldier pilot chef striker defender goalkeeper midfielder forward guard
rapper star founder partner member leader candidate official analyst professor researcher scientist""".split()
)
# lower-case roles that stand right before a person's name ("actor Denzel Washington"); not those
# said of countries or cities too ("trading partner China", "official Washington")
_ROLES_BEFORE_NAME = _ROLES - {
    "partner",
    "member",
    "friend",
    "neighbour",
    "neighbor",
    "official",
    "leader",
    "star",
    "forward",
    "guard",
    "man",
    "woman",
    "boy",
    "girl",
    "resident",
}
_APPOSITION = re.compile(r",\s+(?:(\d{1,3}),|(who)\b|(?:a|an|the)\s+((?:[a-z-]+\s+){0,2}[a-z]+))")
_PRONOUNS = frozenset({"he", "she", "his", "her", "him", "himself", "herself"})
_GIVEN_RANK = 1000  # a given name at least this common somewhere starts a person's name
_LISTED_RANK = 3000  # names.npz keeps the names ranked within this somewhere (data/build_names.py MAX_RANK)
_PLACE_GIVEN_MAX_ZIPF = 4.5  # a place's name rarer than this as a word may be a given name ("Houston", not "Bank")
_UNKNOWN_GIVEN_MAX_ZIPF = 3.0  # a capitalised word rarer than this may be an unlisted given name ("Denzel")
_RARE_ZIPF = 3.6  # a capitalised word rarer than this as an English word may be an unlisted surname ("Beckham")
_COMMON_SURNAME = 100  # a surname this common somewhere ends a person's name after any capitalised word
_SURNAME_MAX_COMMON_ZIPF = 4.9  # ... unless it is an everyday word ("White", "Power", "Young")
_SURNAME_MAX_ZIPF = 4.4  # a surname rarer than this as an English word ("Henderson", not "Freedom")
_GIVEN_MAX_ZIPF = 5.8  # everyday words ("The", "Will", "May") are not taken for given names
_LOCATIVE = frozenset(
    {
        "in",
        "at",
        "from",
        "near",
        "to",
        "into",
        "across",
        "outside",
        "inside",
        "via",
        "through",
        "throughout",
        "toward",
        "towards",
        "around",
        "within",
        "off",
        "visit",
        "visited",
        "visiting",
    }
)
_NOT_NAMES = _FUNCTION_WORDS | _LOC_PREP | _TITLES
_NOT_SURNAMES = _STREET | _ORG_NEXT | _LOCAL_NEXT | _TITLES  # "Taylor Street", "Jordan Valley", "Florida Attorney"
PERSON_VETO = 0.25  # a span read as part of a person's name keeps this share of its probability
_MONTHS = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)


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
    person : bool
        The span reads as a person's name: part of a full name ("Georgia Smith"), a name
        in apposition ("Georgia, a driver from Ohio"), or a word that names a person
        elsewhere in the text with no locative word ("in", "near") before it here.
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
    person: bool = False

    def as_dict(self, *, mentions: int = 1) -> dict:
        """Return the mention as a record with the fields of ``COLUMNS`` (JSON-ready).

        ``mentions`` is the number of mentions of the same place in the text;
        ``gazetteer_id`` is GeoNames' id, empty (None) for a place from another source.
        """
        p = self.place
        rec = dict.fromkeys(COLUMNS)
        rec.update(
            start=self.start,
            end=self.end,
            text=self.text,
            score=round(self.score, 4),
            sentence=self.sentence,
            reasons="; ".join(self.reasons),
            mentions=mentions,
        )
        if p is not None:
            rec.update(
                name=p.name,
                gazetteer_id=p.id if p.id >= 0 else None,  # rows written for geomap have no GeoNames id
                kind=p.kind,
                country=p.country,
                country_alpha3=p.country_alpha3,
                admin1=p.admin1,
                population=p.population,
                lat=p.lat,
                lon=p.lon,
            )
        elif self.kind_hint:
            rec["kind"] = self.kind_hint
        return rec


COLUMNS = (
    "start",
    "end",
    "text",
    "name",
    "gazetteer_id",
    "kind",
    "country",
    "country_alpha3",
    "admin1",
    "population",
    "lat",
    "lon",
    "score",
    "mentions",
    "sentence",
    "reasons",
)
"""Fields of a place record, in every output format (a place's ``start``/``end``: its first mention)."""


def tag(text: str, gaz, *, threshold: float = 0.5, demonyms: bool = True, model=None) -> list[Mention]:
    """Return the spans of ``text`` that are place names (``tag_prob`` set, no referent yet).

    Parameters
    ----------
    text : str
        The article.
    gaz : Gazetteer
        Names to match.
    threshold : float
        Minimum probability for a span to be kept.
    demonyms : bool
        Keep adjectives and demonyms of countries ("Canadian") too.
    model : Logistic or TreeTagger, optional
        The span scorer; default: the shipped ``tagger.json``.

    Raises
    ------
    DataError
        If the shipped tagger is needed and missing, damaged or outdated.
    """
    model = model if model is not None else load_model("tagger.json", FEATURES)
    cands, feats = find_candidates(text, gaz, demonyms=demonyms)
    probs = _person_veto(cands, _consistent(cands, model.predict(feats)))
    kept = []
    for m, p in zip(cands, probs):
        if m.rows and max(m.rows) >= gaz.n_shipped:  # a user entry is a deliberate place name
            p = max(p, 0.9)
        m.tag_prob = p
        if p >= threshold:
            kept.append(m)
    return kept


def _consistent(cands: list[Mention], probs: list[float]) -> list[float]:
    """Pull each span's probability toward the most confident use of the same name in the text."""
    best: dict[str, float] = {}
    for m, p in zip(cands, probs):
        k = name_key(m.text)
        best[k] = max(best.get(k, 0.0), p)
    w = CONSISTENCY
    return [(1 - w) * p + w * best[name_key(m.text)] for m, p in zip(cands, probs)]


CONSISTENCY = 0.3  # weight of the best use of the same name (chosen by cross-validation)


def _person_veto(cands: list[Mention], probs: list[float]) -> list[float]:
    """Lower the probability of spans read as a person's name (``Mention.person``)."""
    return [p * PERSON_VETO if m.person else p for m, p in zip(cands, probs)]


# ---------------------------------------------------------------------------------------
# candidates


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper()


def _joinable(text: str, a_end: int, b_start: int) -> bool:
    gap = text[a_end:b_start]
    return gap in (" ", "-", ". ", ".", "'", "’") or (gap.isspace() and "\n" not in gap and len(gap) <= 2)


def find_candidates(text: str, gaz, *, demonyms: bool = True) -> tuple[list[Mention], list[list[float]]]:
    """Return candidate spans and their feature vectors (see ``FEATURES``).

    Parameters
    ----------
    text : str
        The article.
    gaz : Gazetteer
        Names to match.
    demonyms : bool
        Match adjectives and demonyms of countries ("Canadian") too.
    """
    from geomap.text.gazetteer import DEMONYM

    toks = _tokens(text)
    n = len(toks)
    cap = [t[2][:1].isupper() for t in toks]
    # all n-grams that start at a capitalised token
    grams: list[tuple[int, int, int]] = []
    hashes: list[int] = []
    for i in range(n):
        s, e, t = toks[i]
        if not cap[i]:
            continue
        j = i
        while j < n and j - i < _MAX_TOKENS:
            if j > i:
                if not _joinable(text, toks[j - 1][1], toks[j][0]):
                    break
                after_apostrophe = text[toks[j - 1][1] : toks[j][0]] in ("'", "’")
                suffix = toks[j][2] in _REGION_WORDS  # "Washington state", "New York state"
                if not cap[j] and toks[j][2].lower() not in _CONNECT and not after_apostrophe and not suffix:
                    break
                if (
                    after_apostrophe
                    and toks[j][2] in _CLITICS
                    and not (j + 1 < n and cap[j + 1] and _joinable(text, toks[j][1], toks[j + 1][0]))
                ):
                    break  # "Tunisia's" ends here; "People's Republic" goes on
            if (
                cap[j]
                or toks[j][2].isupper()
                or (j > i and toks[j][2] in _REGION_WORDS)
                or (text[toks[j - 1][1] : toks[j][0]] in ("'", "’") and toks[j][2] not in _CLITICS)
            ):
                seg = text[s : toks[j][1]]
                grams.append((i, j, 0))
                hashes.append(key_hash(name_key(seg)))
                if text[toks[j][1] : toks[j][1] + 1] == "." and j == i:  # "Ga.", "Calif."
                    grams.append((i, j, 1))
                    hashes.append(key_hash(name_key(seg) + "."))
                # abbreviations such as "Ga." or "Calif." keep their full stop
            if j > i and toks[j][2] in _REGION_WORDS:
                break
            j += 1
    found = gaz.lookup_hashes(hashes)
    if not demonyms:
        found = [[(r, f) for r, f in hits if f != DEMONYM] for hits in found]
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
        s = toks[i][0]
        if cap[i]:
            j = i
            while j + 1 < n and j - i < 4 and cap[j + 1] and _joinable(text, toks[j][1], toks[j + 1][0]):
                j += 1
            if (
                j > i
                and toks[j][2].lower().rstrip(".") in _STREET
                and toks[i][2].lower() not in _TITLES
                and toks[i][2].lower() not in ("the", "a", "an", "this", "that")
                and not any(k in best for k in range(i + 1, j + 1))
            ):
                m = Mention(s, toks[j][1], text[s : toks[j][1]], [], [])
                m.kind_hint = "street"
                mentions.append(m)
                i = j + 1
                continue
        i += 1
    feats = _features(text, toks, cap, mentions, gaz)
    return mentions, feats


# ---------------------------------------------------------------------------------------
# features


def _features(text: str, toks, cap: list[bool], mentions: list[Mention], gaz) -> list[list[float]]:
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
        info: dict[str, Any] = {"i": i, "j": j, "prev": prev}
        if prevl in _LOC_PREP:
            locprep_keys.add(name_key(m.text))
        rows = [gaz.features(r) for r in m.rows]  # (lat, lon, population, kind, country, ...)
        for row, flag in zip(rows, m.flags):
            if row[3] == "country" and flag != 0:
                ctx_countries.add(row[4])
        info["kinds"] = {row[3] for row in rows}
        info["rows"] = rows
        infos.append(info)
    zipf = _word_zipf([m.text if infos[k]["j"] == infos[k]["i"] else "" for k, m in enumerate(mentions)])
    ranks, tok_zipf = _token_name_ranks(toks, cap)
    persons = _person_tokens(text, toks, cap, starts, ranks, tok_zipf, mention_at)
    person_keys = {name_key(toks[k][2]) for k in persons}
    out: list[list[float]] = []
    for m, info, wz in zip(mentions, infos, zipf):
        i, j = info["i"], info["j"]
        prev = info["prev"]
        prevl = prev.lower().rstrip(".")
        nxt = toks[j + 1][2] if j + 1 < len(toks) else ""
        gap_after = text[m.end : toks[j + 1][0]] if j + 1 < len(toks) else ""
        gap_before = text[toks[i - 1][1] : m.start] if i > 0 else "\n"
        before = text[max(0, m.start - 3) : m.start]
        sent_start = (
            i == 0 or bool(re.search(r"[.!?:\"“”\n]\s*$", text[max(0, m.start - 4) : m.start])) or "\n" in gap_before
        )
        kinds = info["kinds"]
        flags = set(m.flags)
        pops = [row[2] for row in info["rows"]]
        maxpop = max(pops) if pops else 0
        ctry = {row[4] for row in info["rows"]}
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
            float(
                demonym_only
                or (
                    DEMONYM in flags
                    and "country" in kinds
                    and ntok == 1
                    and m.text.endswith(("n", "ns", "ese", "sh", "i", "is"))
                )
            ),
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
            float(
                _is_cap(prev)
                and not sent_start
                and gap_before == " "
                and i > 0
                and toks[i - 1][0] not in mention_at
                and not _sentence_initial(text, toks, i - 1)
                and prevl not in _FUNCTION_WORDS
            ),
            float(_is_cap(nxt) and gap_after == " " and nm is None),
            float(gap_after.strip() == "," and nm is not None and bool(nm.rows)),
            float(before.endswith(", ") and pm is not None and bool(pm.rows)),
            float(ntok == 1 and m.text.lower() in lower_words),
            float(nxt.lower() in _PERSON_NEXT and gap_after == " "),
            float(text[m.end : m.end + 2] in ("'s", "’s")),
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
            *_person_features(text, toks, i, j, m, ranks, persons, person_keys, mention_at),
        ]
        out.append(f)
    return out


def _token_name_ranks(toks, cap: list[bool]) -> tuple[list[tuple[int, int]], list[float]]:
    """``(given-name rank, surname rank)`` of each capitalised token (65535 for none), and its
    Zipf frequency as an English word (0 for other tokens and unknown words).

    Everyday words ("The", "Will") and function words are not given names.
    """
    caps = [k for k, c in enumerate(cap) if c]
    words = [toks[k][2] for k in caps]
    ranks = [(65535, 65535)] * len(toks)
    zipf = [0.0] * len(toks)
    for k, w, (g, s), z in zip(caps, words, _name_ranks(words), _word_zipf(words)):
        ranks[k] = (g if z < _GIVEN_MAX_ZIPF and w.lower() not in _NOT_NAMES else 65535, s)
        zipf[k] = z
    return ranks, zipf


def _rank_score(rank: int) -> float:
    """1 for the most common name, falling to 0 at rank 3000 (``_LISTED_RANK``) and beyond."""
    return max(0.0, 1.0 - math.log10(max(rank, 1)) / 3.5) if rank < _LISTED_RANK else 0.0


def _joined(text: str, toks, k: int) -> bool:
    """Is token ``k`` separated from token ``k + 1`` by a single space?"""
    return k + 1 < len(toks) and text[toks[k][1] : toks[k + 1][0]] == " "


def _person_tokens(
    text: str,
    toks,
    cap: list[bool],
    index: dict[int, int],
    ranks: list[tuple[int, int]],
    zipf: list[float],
    mention_at: dict,
) -> set[int]:
    """Indices of tokens that belong to a person's name written in full.

    A full name is a title or a role followed by capitalised words ("Mayor Paris Hilton",
    "Mr. Henderson", "actor Denzel Washington"), or a pair of capitalised words read as
    given name and surname (:func:`_name_pair`). A pair inside a longer place name ("Santa
    Ana", "Prince William County") or naming a street or a building ("Collins Run Road",
    "Agnes Jones House") is not a person.
    """
    out: set[int] = set()
    n = len(toks)
    inside = set()  # tokens covered by a gazetteer match of several words
    for m in mention_at.values():
        k = index.get(m.start)
        if m.rows and k is not None and k + 1 < n and toks[k + 1][0] < m.end:
            while k < n and toks[k][0] < m.end:
                inside.add(k)
                k += 1
    for k in [k for k in range(n - 1) if cap[k + 1] and k not in inside and k + 1 not in inside]:
        a, b = toks[k][2], toks[k + 1][2]
        if a.isupper() or b.isupper():  # headlines and acronyms
            continue
        after = toks[k + 2][2].lower() if k + 2 < n else ""
        if after in _NOT_SURNAMES:
            continue
        gap = text[toks[k][1] : toks[k + 1][0]]
        title = (a.lower().rstrip(".") in _TITLES and cap[k]) or (a.lower() in _ROLES_BEFORE_NAME and gap == " ")
        if title and gap in (" ", ". "):
            j = k + 1
            while (
                j < n
                and cap[j]
                and not toks[j][2].isupper()
                and j not in inside
                and (j == k + 1 or _joined(text, toks, j - 1))
                and j - k <= 3
            ):
                out.add(j)
                j += 1
        elif (
            cap[k]
            and gap == " "
            and b.lower() not in _NOT_SURNAMES
            and not _sentence_initial(text, toks, k + 1)
            and _name_pair(text, toks, cap, k, ranks, zipf, mention_at)
        ):
            out.update((k, k + 1))
    return out


def _name_pair(text: str, toks, cap: list[bool], k: int, ranks, zipf: list[float], mention_at: dict) -> bool:
    """Do the capitalised tokens ``k`` and ``k + 1`` read as a given name and a surname?

    - a common given name and a known surname ("Georgia Smith", "Jordan Henderson");
    - a common given name and a rare word that names no place, not a plural ("Brooklyn
      Beckham", not "Brooklyn Nets" or "Sierra Nevada"), or any listed given name or a place's
      name that is not an everyday word, and a word unknown to English ("Memphis Depay",
      "Houston Nutt"), or either of them and a hyphenated surname ("Kingston Rhodes-Okoye");
    - a place's name that is not an everyday word and a very common surname ("Tennessee
      Williams", "Nevada Smith", not "Bank Malta");
    - a rare word that names no place and a place's name that is a known surname
      ("Denzel Washington").

    The last three hold only for a name of exactly two words ("Chicago White Sox", "HSBC Bank
    Malta" are not one).
    """
    b = toks[k + 1][2]
    first_place = toks[k][0] in mention_at
    second_place = toks[k + 1][0] in mention_at
    if ranks[k][0] <= _GIVEN_RANK and _is_surname(ranks[k + 1][1], b, place=second_place):
        return True
    if (k + 2 < len(toks) and cap[k + 2] and _joined(text, toks, k + 1)) or (
        k > 0 and cap[k - 1] and _joined(text, toks, k - 1)
    ):
        return False  # part of a longer name ("HSBC Bank Malta")
    given, rare = ranks[k][0], zipf[k + 1]
    place_given = first_place and zipf[k] < _PLACE_GIVEN_MAX_ZIPF
    if (given < _LISTED_RANK or place_given) and _double_barrelled(text, toks, cap, zipf, k + 1):
        return True
    unlisted = (given <= _GIVEN_RANK and rare < _RARE_ZIPF) or ((given < _LISTED_RANK or place_given) and rare == 0)
    if unlisted and not second_place and not b.endswith(("s", "men")):
        return True
    if place_given and ranks[k + 1][1] <= _COMMON_SURNAME and rare < _SURNAME_MAX_COMMON_ZIPF:
        return True
    a = toks[k][2]
    return (
        not first_place
        and second_place
        and zipf[k] < _UNKNOWN_GIVEN_MAX_ZIPF
        and a.lower() not in _NOT_NAMES
        and ranks[k + 1][1] < _LISTED_RANK
    )


def _double_barrelled(text: str, toks, cap: list[bool], zipf: list[float], k: int) -> bool:
    """Is token ``k`` the first half of a hyphenated surname ("Rhodes-Okoye"), two capitalised
    words that are not everyday ones ("Star-Advertiser", "Times-Picayune" are newspapers)?"""
    return (
        k + 1 < len(toks)
        and cap[k + 1]
        and text[toks[k][1] : toks[k + 1][0]] == "-"
        and not toks[k][2].isupper()
        and max(zipf[k], zipf[k + 1]) < _SURNAME_MAX_ZIPF
    )


def _is_surname(rank: int, word: str, *, place: bool) -> bool:
    """A known surname that is not also an everyday word ("Freedom", "Homes"), unless very
    common ("Smith") or a place name ("Jordan", "Houston": frequent words for that reason)."""
    return rank <= 100 or (rank < _LISTED_RANK and (place or _word_zipf([word])[0] < _SURNAME_MAX_ZIPF))


def _person_features(
    text: str, toks, i: int, j: int, m: Mention, ranks, persons: set[int], person_keys: set[str], mention_at: dict
) -> list[float]:
    """Person cues of the span ``toks[i..j]`` (see the last entries of ``FEATURES``)."""
    one = i == j
    given, surname = ranks[i] if one else (65535, 65535)
    nxt = toks[j + 1][2] if j + 1 < len(toks) else ""
    appos = _APPOSITION.match(text, m.end, m.end + 60)
    after_locative = i > 0 and toks[i - 1][2].lower() in _LOCATIVE | {"of"} and not _sentence_initial(text, toks, i)
    is_appos = (
        appos is not None
        and one
        and not after_locative
        and (
            appos.group(1) is not None
            or appos.group(2) is not None
            or any(w in _ROLES for w in (appos.group(3) or "").split())
        )
    )
    pron = False
    for k in range(j + 1, min(len(toks), j + 4)):
        if re.search(r"[.,;:!?]", text[toks[k - 1][1] : toks[k][0]]):
            break
        if toks[k][2].lower() in _PRONOUNS:
            pron = True
            break
    nm = mention_at.get(toks[j + 1][0]) if j + 1 < len(toks) else None
    in_full_name = one and i in persons
    named_elsewhere = one and not m.text.isupper() and name_key(m.text) in person_keys and i not in persons
    says_pronoun = pron and nxt.lower() in _PERSON_NEXT  # "Georgia said she would appeal"
    m.person = in_full_name or is_appos or says_pronoun or (named_elsewhere and not after_locative)
    return [
        _rank_score(given),
        _rank_score(surname),
        float(in_full_name),
        float(
            i > 0
            and _joined(text, toks, i - 1)
            and ranks[i - 1][0] <= _GIVEN_RANK
            and _is_cap(toks[i - 1][2])
            and not _sentence_initial(text, toks, i)
        ),
        float(named_elsewhere),
        float(is_appos),
        float(pron),
        float(_is_cap(nxt) and nxt.endswith("s") and len(nxt) > 3 and _joined(text, toks, j) and nm is None),
    ]


@lru_cache(maxsize=1)
def _words():
    return _load_npz("wordfreq_en.npz", ("key_hash", "centibels"), "data/build_gazetteer.py")


@lru_cache(maxsize=1)
def _names():
    return _load_npz("names.npz", ("key_hash", "first_rank", "last_rank"), "data/build_names.py")


def _load_npz(name: str, keys: tuple[str, ...], script: str):
    """Return the arrays ``keys`` of shipped file ``name``; a missing or damaged file is a DataError."""
    import numpy as np

    from geomap.datafiles import data_path
    from geomap.errors import DataError

    path = data_path(name)
    try:
        with np.load(path) as z:
            return tuple(z[k] for k in keys)
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise DataError(f"{path}: cannot read ({exc}); rebuild it with {script}") from None


def _name_ranks(words: list[str]) -> list[tuple[int, int]]:
    """``(given-name rank, surname rank)`` of each word; 65535 when it is neither."""
    import numpy as np

    if not words:
        return []
    kh, first, last = _names()
    hs = np.array([key_hash(name_key(w)) for w in words], dtype=np.uint64)
    idx = np.clip(np.searchsorted(kh, hs), 0, len(kh) - 1)
    found = kh[idx] == hs
    f = np.where(found, first[idx], 65535).tolist()
    la = np.where(found, last[idx], 65535).tolist()
    return list(zip(f, la))


def _word_zipf(words: list[str]) -> list[float]:
    """Zipf frequency (log10 per billion words) of each single English word; 0 for "" or unknown."""
    import numpy as np

    if not words:
        return []
    kh, cb = _words()
    hs = np.array([key_hash(name_key(w)) if w else 0 for w in words], dtype=np.uint64)
    idx = np.clip(np.searchsorted(kh, hs), 0, len(kh) - 1)
    found = (kh[idx] == hs) & (hs != 0)
    return np.where(found, 9.0 - cb[idx] / 100.0, 0.0).tolist()
