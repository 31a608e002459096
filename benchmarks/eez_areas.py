#!/usr/bin/env python3
"""Derived EEZ areas against published figures.

Usage::

    python benchmarks/eez_areas.py [--markdown]

For each state, sums the geodesic area (WGS 84, pyproj ``Geod``) of its shipped
``territorial_sea`` (internal waters + territorial sea), ``contiguous_zone`` and
``eez`` polygons, which is how published EEZ areas count (from the baseline out to
200 nm). Where the published figure includes overseas territories, the territories'
own codes are summed with the state (listed in the table).

Published figures: the Sea Around Us EEZ areas as tabulated on Wikipedia's
"Exclusive economic zone" page ("Rankings by area"), **quoted from memory, not
fetched** (there is no network here); check them against the page before quoting the
errors. Those figures follow agreed and claimed boundaries, straight baselines and
disputed areas as Sea Around Us drew them; the derived zones use equidistance from
the coastline everywhere, so states with large disputed or agreed non-median
boundaries (China, the Koreas, Japan) differ most.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

# state -> (published km2, codes summed, note)
PUBLISHED: dict[str, tuple[float, tuple[str, ...], str]] = {
    "United States": (11_351_000, ("USA", "PRI", "VIR", "GUM", "MNP", "ASM", "UMI"), "incl. territories"),
    "France": (
        10_070_000,
        ("FRA", "GLP", "MTQ", "GUF", "REU", "MYT", "SPM", "BLM", "MAF", "PYF", "NCL", "WLF", "ATF"),
        "incl. overseas departments and territories",
    ),
    "Australia": (8_505_348, ("AUS", "CXR", "CCK", "HMD", "NFK"), "incl. external territories, not Antarctica"),
    "Russia": (7_566_673, ("RUS",), ""),
    "United Kingdom": (
        6_805_586,
        ("GBR", "AIA", "BMU", "IOT", "VGB", "CYM", "FLK", "GIB", "MSR", "PCN", "SHN", "SGS", "TCA", "GGY", "JEY", "IMN"),
        "incl. overseas territories and Crown dependencies",
    ),
    "Indonesia": (6_159_032, ("IDN",), ""),
    "Canada": (5_599_077, ("CAN",), ""),
    "Japan": (4_479_388, ("JPN",), "Okinotorishima is not in the source land data"),
    "New Zealand": (4_083_744, ("NZL",), "NZL without Tokelau, Cook Islands, Niue"),
    "Brazil": (3_830_955, ("BRA",), ""),
    "Chile": (3_681_989, ("CHL",), ""),
    "Mexico": (3_269_386, ("MEX",), ""),
    "India": (2_305_143, ("IND",), "incl. Andaman and Nicobar"),
    "China": (
        877_019,
        ("CHN",),
        "Taiwan (TWN) separate; derived includes the Paracel and Spratly features the OSM source puts in CHN "
        "(0.74 million km2 south of 19.5 N), which the published figure leaves out",
    ),
    "South Korea": (475_469, ("KOR",), ""),
    "North Korea": (132_826, ("PRK",), "figure least certain"),
}


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
    rows = []
    for state, (published, codes, note) in PUBLISHED.items():
        parts = [area.get(c, {}) for c in codes]
        ts = sum(p.get("territorial_sea", 0.0) for p in parts)
        cz = sum(p.get("contiguous_zone", 0.0) for p in parts)
        eez = sum(p.get("eez", 0.0) for p in parts)
        derived = ts + cz + eez
        err = (derived - published) / published * 100
        rows.append((state, "+".join(codes), ts, cz, eez, derived, published, err, note))
    head = ["state", "codes summed", "TS km2", "CZ km2", "EEZ km2", "derived TS+CZ+EEZ km2", "published km2", "error %", "note"]
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print(f"| {r[0]} | {r[1]} | {r[2]:,.0f} | {r[3]:,.0f} | {r[4]:,.0f} | {r[5]:,.0f} | {r[6]:,.0f} | {r[7]:+.1f} | {r[8]} |")
    else:
        for r in rows:
            print(f"{r[0]:15s} derived {r[5]:>12,.0f} km2 (TS {r[2]:>9,.0f} + CZ {r[3]:>9,.0f} + EEZ {r[4]:>11,.0f})  published {r[6]:>12,.0f}  error {r[7]:+6.1f}%  {r[8]}")
    errs = np.array([abs(r[7]) for r in rows])
    print(f"median absolute error {np.median(errs):.1f}% over {len(rows)} states")
    print("published: Sea Around Us EEZ areas as tabulated on Wikipedia's 'Exclusive economic zone' page, quoted from memory, not fetched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
