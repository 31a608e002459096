#!/usr/bin/env python3
"""Derived EEZ areas against Marine Regions' EEZ v12 polygons.

Usage::

    python benchmarks/eez_areas.py [--markdown]

For each state or territory, sums the geodesic area (WGS 84, pyproj ``Geod``) of its
shipped ``territorial_sea`` (internal waters + territorial sea), ``contiguous_zone``
and ``eez`` polygons, which is how Marine Regions' EEZ polygons count (from the
coast out to 200 nm or the boundary), and compares it with the area of the Marine
Regions polygons named in the table below.

Reference: Marine Regions World EEZ v12 (2023-10-25), polygon areas as computed
with ``@turf/area`` (sphere of radius 6,378,137 m) in ``mr-eez-precalc.json`` of the
npm package ``@seasketch/geoprocessing`` 6.1.2 (BSD-3-Clause), copied to
``benchmarks/mr_eez_v12_areas.csv`` (see ``data/SOURCES.md``). Areas Marine Regions
keeps apart as joint regimes or overlapping claims are summed only where the table
says so. The derived zones use equidistance from the coastline everywhere, so states
with agreed or adjudicated non-median boundaries differ most.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

MR_AREAS = Path(__file__).resolve().parent / "mr_eez_v12_areas.csv"
EEZ = "Exclusive Economic Zone"


def _mr(adjective: str, *parts: str) -> tuple[str, ...]:
    """Marine Regions names: the main zone of ``adjective`` (if no part is given) or its named parts."""
    return tuple(f"{adjective} {EEZ} ({p})" if p else f"{adjective} {EEZ}" for p in (parts or ("",)))


# label -> (codes summed here, Marine Regions GEONAMEs summed)
REFERENCE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "United States (with Alaska, Hawaii)": (("USA",), _mr("United States", "", "Alaska", "Hawaii")),
    "Puerto Rico": (("PRI",), _mr("United States", "Puerto Rico")),
    "Guam": (("GUM",), _mr("United States", "Guam")),
    "Northern Mariana Islands": (("MNP",), _mr("United States", "Northern Mariana Islands")),
    "American Samoa": (("ASM",), _mr("United States", "American Samoa")),
    "French Polynesia": (("PYF",), _mr("French", "French Polynesia")),
    "New Caledonia": (("NCL",), _mr("French", "New Caledonia")),
    "Reunion": (("REU",), _mr("French", "Réunion")),
    "French Guiana": (("GUF",), _mr("French", "French Guiana")),
    "Wallis and Futuna": (("WLF",), _mr("French", "Wallis and Futuna")),
    "French Southern Lands": (
        ("ATF",),
        _mr(
            "French",
            "Kerguélen",
            "Crozet Islands",
            "Amsterdam and Saint Paul Islands",
            "Bassas da India",
            "Europa Island",
            "Juan de Nova Island",
        )
        + (
            "Overlapping claim Glorioso Islands: France / Madagascar",
            "Overlapping claim Ile Tromelin: France / Madagascar / Republic of Mauritius",
        ),
    ),
    "Australia (with Macquarie)": (("AUS",), _mr("Australian", "", "Macquarie Island")),
    "Christmas Island": (("CXR",), _mr("Australian", "Christmas Island")),
    "Cocos Islands": (("CCK",), _mr("Australian", "Cocos Islands")),
    "Heard and McDonald Islands": (("HMD",), _mr("Australian", "Heard and McDonald Islands")),
    "Norfolk Island": (("NFK",), _mr("Australian", "Norfolk Island")),
    "Russia (with the Kurils)": (("RUS",), _mr("Russian") + ("Overlapping claim Kuril Islands: Japan / Russia",)),
    "United Kingdom": (("GBR",), _mr("British")),
    "Pitcairn": (("PCN",), _mr("British", "Pitcairn")),
    "Bermuda": (("BMU",), _mr("British", "Bermuda")),
    "Saint Helena, Ascension, Tristan da Cunha": (
        ("SHN",),
        _mr("British", "Saint Helena", "Ascension", "Tristan da Cunha"),
    ),
    "Falklands": (("FLK",), ("Overlapping claim Falkland / Malvinas Islands: United Kingdom / Argentina",)),
    "Indonesia": (("IDN",), _mr("Indonesian")),
    "Canada": (("CAN",), _mr("Canadian")),
    "Japan": (("JPN",), _mr("Japanese")),
    "New Zealand": (("NZL",), _mr("New Zealand")),
    "Cook Islands": (("COK",), _mr("New Zealand", "Cook Islands")),
    "Brazil (with Trindade)": (("BRA",), _mr("Brazilian", "", "Trindade")),
    "Chile (with Easter Island)": (("CHL",), _mr("Chilean", "", "Easter Island", "Islas San Félix and San Ambrosio")),
    "Mexico": (("MEX",), _mr("Mexican")),
    "India (with Andaman and Nicobar)": (("IND",), _mr("Indian", "", "Andaman and Nicobar Islands")),
    "Norway": (("NOR",), _mr("Norwegian")),
    "Svalbard and Jan Mayen": (("SJM",), _mr("Norwegian", "Svalbard", "Jan Mayen")),
    "Greenland": (("GRL",), _mr("Danish", "Greenland")),
    "Iceland": (("ISL",), _mr("Icelandic")),
    "Portugal (with Azores, Madeira)": (("PRT",), _mr("Portuguese", "", "Azores", "Madeira")),
    "Spain (with Canaries)": (("ESP",), _mr("Spanish", "", "Canary Islands")),
    "Italy": (("ITA",), _mr("Italian")),
    "South Africa (with Prince Edward Islands)": (("ZAF",), _mr("South African", "", "Prince Edward Islands")),
    "Madagascar": (("MDG",), _mr("Madagascan")),
    "Namibia": (("NAM",), _mr("Namibian")),
    "Somalia": (("SOM",), _mr("Somali")),
    "Philippines": (("PHL",), _mr("Philippine")),
    "Papua New Guinea": (("PNG",), _mr("Papua New Guinean")),
    "Fiji": (("FJI",), _mr("Fijian")),
    "Solomon Islands": (("SLB",), _mr("Solomon Islands")),
    "Micronesia": (("FSM",), _mr("Micronesian")),
    "Marshall Islands": (("MHL",), _mr("Marshallese")),
    "Maldives": (("MDV",), _mr("Maldivian")),
    "Seychelles": (("SYC",), _mr("Seychellois")),
    "Peru": (("PER",), _mr("Peruvian")),
    "Argentina": (("ARG",), _mr("Argentinian")),
    "Ecuador (with Galapagos)": (("ECU",), _mr("Ecuadorian", "", "Galapagos")),
    "China": (("CHN",), _mr("Chinese")),
    "South Korea": (("KOR",), _mr("South Korean")),
    "North Korea": (("PRK",), _mr("North Korean")),
}


def reference_km2() -> dict[str, float]:
    """Marine Regions EEZ v12 polygon areas (km2) by GEONAME."""
    with open(MR_AREAS, encoding="utf-8", newline="") as fh:
        return {row["geoname"]: float(row["area_km2"]) for row in csv.DictReader(fh)}


def areas_km2() -> dict[str, dict[str, float]]:
    """Geodesic area (km2) of each country's territorial sea, contiguous zone and EEZ polygons."""
    import shapely
    from pyproj import Geod

    from geomap.geodata import load_layer

    geod = Geod(ellps="WGS84")
    out: dict[str, dict[str, float]] = {}
    for layer in ("territorial_sea", "contiguous_zone", "eez"):
        gdf = load_layer(layer)
        for code, geom in zip(gdf["country"], gdf.geometry.values):
            total = 0.0
            for part in shapely.get_parts(geom):
                a, _ = geod.geometry_area_perimeter(part)
                total += abs(a)
            out.setdefault(str(code), {}).setdefault(layer, 0.0)
            out[str(code)][layer] += total / 1e6
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    area = areas_km2()
    ref = reference_km2()
    rows = []
    for label, (codes, names) in REFERENCE.items():
        missing = [n for n in names if n not in ref]
        if missing:
            raise SystemExit(f"{MR_AREAS.name}: no zone named {missing[0]!r}")
        parts = [area.get(c, {}) for c in codes]
        ts = sum(p.get("territorial_sea", 0.0) for p in parts)
        cz = sum(p.get("contiguous_zone", 0.0) for p in parts)
        eez = sum(p.get("eez", 0.0) for p in parts)
        derived = ts + cz + eez
        published = sum(ref[n] for n in names)
        err = (derived - published) / published * 100
        rows.append((label, "+".join(codes), ts, cz, eez, derived, published, err))
    head = [
        "state or territory",
        "codes",
        "TS km2",
        "CZ km2",
        "EEZ km2",
        "derived km2",
        "Marine Regions km2",
        "error %",
    ]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print(
                f"| {r[0]} | {r[1]} | {r[2]:,.0f} | {r[3]:,.0f} | {r[4]:,.0f} | {r[5]:,.0f} | {r[6]:,.0f} | {r[7]:+.1f} |"
            )
    else:
        for r in rows:
            print(
                f"{r[0][:32]:32s} {r[1]:4s} derived {r[5]:>12,.0f} km2  Marine Regions {r[6]:>12,.0f}  error {r[7]:+6.1f}%"
            )
    errs = np.array([abs(r[7]) for r in rows])
    print(
        f"median absolute error {np.median(errs):.1f}% over {len(rows)} states and territories (mean {errs.mean():.1f}%)"
    )
    print(
        "reference: Marine Regions World EEZ v12 polygon areas (mr-eez-precalc.json, npm @seasketch/geoprocessing 6.1.2)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
