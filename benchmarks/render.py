"""Benchmark: size and build time of a regional map, geomap vs a naive folium map.

The regional map is the one the README shows: places at Dandong, Sinuiju, Pyongyang
and Sansha Bay, with the offline land, the maritime zones and the land borders. Three
builds of the same layers are compared:

- ``geomap``: :func:`geomap.render` + :func:`geomap.render.embed.write_html` (clipped to the
  view, sub-pixel parts dropped, simplified to half a pixel, integer-delta encoded,
  Leaflet inline);
- ``folium naive``: ``folium.GeoJson`` of the same layers clipped to the same area as
  geomap's (the visible area with room to pan and zoom out once), at the shipped
  resolution (Leaflet from a CDN, so not even self-contained);
- ``folium simplified 0.005°``: the same, simplified with ``simplify(0.005)``.

Times are wall-clock inside one process: ``first build`` is the first map of the
process (it reads and decodes the shipped data; library imports are timed apart and
printed above the table), ``warm build`` the median of the next ones.

A second table renders the three example stories (``examples/*.txt``) in a fresh
process each, as a reporter would, at 1000×700 and 600×400: the HTML size, the build
time of the map inside that process (geoparsing included, imports apart) and the time
of the PNG (headless Chromium started, page drawn, screenshot). The budgets are a
regional map of at most 1 MB, a build of at most 1.5 s and a PNG in at most 3 s. Usage::

    python benchmarks/render.py            # prints the table
    python benchmarks/render.py --keep DIR # also keeps the three HTML files in DIR
    python benchmarks/render.py --all      # also the stories of examples/stories/ (two cross 180°)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POINTS = [
    "40.1292,124.3947,Dandong",
    "40.1006,124.3981,Sinuiju",
    "39.0392,125.7625,Pyongyang",
    "26.68,119.72,Sansha Bay",
]


def _geomap(out: Path) -> float:
    import geomap
    from geomap.render.embed import write_html

    t = time.perf_counter()
    m = geomap.render(points=POINTS, title="Dandong, Sinuiju, Pyongyang and Sansha Bay")
    write_html(m, out)
    return time.perf_counter() - t


def _naive(out: Path, *, tolerance: float | None) -> float:
    import folium
    import geopandas as gpd
    import shapely

    from geomap.compose import _fit_bounds
    from geomap.geodata import available_layers, load_layer
    from geomap.layers.points import parse_point
    from geomap.render.view import fit_view

    t = time.perf_counter()
    pts = [parse_point(p) for p in POINTS]
    gdf = gpd.GeoDataFrame(
        {"name": [p[2] for p in pts]}, geometry=shapely.points([p[1] for p in pts], [p[0] for p in pts]), crs=4326
    )
    view = fit_view(_fit_bounds([gdf]), width=1000, height=700)
    m = folium.Map(tiles=None)
    names = (
        ["land"] + [n for n in ("eez", "contiguous_zone", "territorial_sea") if n in available_layers()] + ["borders"]
    )
    for name in names:
        layer = load_layer(name, bbox=view.clip)
        layer = layer.set_geometry(layer.geometry.clip_by_rect(*view.clip))
        layer = layer[~layer.geometry.is_empty]
        if tolerance:
            layer = layer.set_geometry(layer.geometry.simplify(tolerance))
        folium.GeoJson(layer, name=name).add_to(m)
    for p in pts:
        folium.Marker([p[0], p[1]], popup=p[2]).add_to(m)
    folium.LayerControl().add_to(m)
    m.fit_bounds([[view.bounds[1], view.bounds[0]], [view.bounds[3], view.bounds[2]]])
    m.save(str(out))
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", type=Path, help="keep the HTML files in this folder")
    ap.add_argument("--repeat", type=int, default=3, help="warm builds to time (median)")
    ap.add_argument("--all", action="store_true", help="also time the stories of examples/stories/")
    args = ap.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="geomap-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    import folium  # noqa: F401
    import geopandas  # noqa: F401

    import geomap.render.map  # noqa: F401

    imports = time.perf_counter() - t
    rows = []
    builds = [
        ("geomap", lambda p: _geomap(p)),
        ("folium naive", lambda p: _naive(p, tolerance=None)),
        ("folium simplified 0.005°", lambda p: _naive(p, tolerance=0.005)),
    ]
    for label, build in builds:
        out = folder / (label.split()[0] + ("-simplified" if "simplified" in label else "") + ".html")
        first = build(out)
        repeat = max(1, args.repeat if label == "geomap" else 1)
        warm = statistics.median(build(out) for _ in range(repeat))
        rows.append((label, out.stat().st_size, first, warm))
    print(f"regional map: {', '.join(p.split(',')[2] for p in POINTS)}; land, maritime zones, land borders")
    print(f"library imports (pandas, geopandas, folium, geomap): {imports:.2f} s")
    print(f"{'build':<28}{'HTML size':>12}{'first build':>14}{'warm build':>13}")
    for label, size, first, warm in rows:
        print(f"{label:<28}{size / 1e6:>10.2f} MB{first:>12.2f} s{warm:>11.2f} s")
    root = Path(__file__).resolve().parents[1]
    out = folder / "cli.html"
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, str(root / "cli.py"), "render", str(root / "examples" / "article.txt"), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - t
    print(
        f"command line, fresh process: geomap render examples/article.txt -o map.html  "
        f"{out.stat().st_size / 1e6:.2f} MB in {wall:.2f} s (Python start and imports included)"
    )
    _stories(folder, more=args.all)
    if not args.keep:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    return 0


_STORY = """
import sys, time
from pathlib import Path
name, w, h, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
t = time.perf_counter()
import geomap
from geomap.render import write_html, write_png
imports = time.perf_counter() - t
text = Path(name).read_text(encoding="utf-8")
t = time.perf_counter()
m = geomap.render(text, title=text.splitlines()[0], width=w, height=h)
write_html(m, out)
build = time.perf_counter() - t
t = time.perf_counter()
write_png(m, out.with_suffix(".png"), width=w, height=h)
print(imports, build, time.perf_counter() - t)
"""


def _stories(folder: Path, *, more: bool = False) -> None:
    """Each example story (with ``more``, those of ``examples/stories/`` too) in a fresh process:
    HTML size, build and PNG times (budgets 1 MB, 1.5 s, 3 s)."""
    root = Path(__file__).resolve().parents[1]
    print(f"\n{'story':<10}{'size':>9}{'HTML':>10}{'imports':>10}{'build':>9}{'PNG':>8}   budget: 1 MB, 1.5 s, 3 s")
    stories = sorted((root / "examples").glob("*.txt"))
    if more:
        stories += sorted((root / "examples" / "stories").glob("*.txt"))
    for story in stories:
        for w, h in ((1000, 700), (600, 400)):
            out = folder / f"{story.stem}-{w}.html"
            res = subprocess.run(
                [sys.executable, "-c", _STORY, str(story), str(w), str(h), str(out)],
                check=True,
                capture_output=True,
                text=True,
            )
            imports, build, png = (float(v) for v in res.stdout.split())
            print(
                f"{story.stem:<10}{f'{w}x{h}':>9}{out.stat().st_size / 1e6:>7.2f} MB{imports:>8.2f} s"
                f"{build:>7.2f} s{png:>6.2f} s"
            )


if __name__ == "__main__":
    sys.exit(main())
