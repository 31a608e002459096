#!/usr/bin/env python3
"""Benchmark: how many place names a reader (and OCR) can read on geomap's PNGs.

Every story in ``examples/`` and ``examples/stories/`` (shipping, border and aid stories from
every continent, two across the 180th meridian) is rendered with ``geomap render --png``
at 1000×700 and 600×400, each in a fresh process, and its PNG is read back with Debian's
``tesseract-ocr`` (``--psm 11``, sparse text, and the default page layout ``--psm 3``). The page
is opened in headless Chromium to list the places whose marker is in the first view. A name
counts as legible when the OCR text holds it with at most one wrong letter in five (the
rule of ``tests/test_map_layout.py``). It also reports markers under a control, a cut
title, and the first view. With ``--popups`` every marker in view is clicked on screen and
its popup measured: 240-340 px wide, inside the map, and the map not moved. Usage::

    python benchmarks/map_legibility.py            # every story
    python benchmarks/map_legibility.py border sudan
    python benchmarks/map_legibility.py --popups   # and click every place
"""

from __future__ import annotations

import argparse
import html
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_map_layout import _MEASURE, _inside, _legible  # noqa: E402  (the tests' own measures)

from geomap.render.chromium import Chromium  # noqa: E402

SIZES = ((1000, 700), (600, 400))


def _ocr(png: Path, psm: str) -> str:
    return subprocess.run(["tesseract", str(png), "-", "--psm", psm], capture_output=True, text=True).stdout


_POPUP = """(function(){var p=Array.from(document.querySelectorAll('.leaflet-popup')).filter(function(e){
  return e.style.opacity!=='0';}); if (p.length!==1) return null;
  var b=p[0].querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();
  return {l:b.left,t:b.top,r:b.right,b:b.bottom,w:b.width};})()"""
_CLOSE = "(function(){var r=geomap.maps[Object.keys(geomap.maps)[0]];r.map.closePopup();return 1;})()"


def _bad_popups(page: Path, w: int, h: int) -> tuple[int, list[str]]:
    """Click every marker in view on screen; return (clicked, names whose popup is too narrow or
    wide, leaves the map, or moved it)."""
    bad, clicked = [], 0
    with Chromium(width=w, height=h) as b:
        b.open(page)
        m = b.evaluate(_MEASURE)
        for k in [k for k in m["markers"] if 0 < k["x"] < w and 0 < k["y"] < h]:
            b.evaluate(_CLOSE)
            b.pump(0.3)  # a closed popup fades out for 200 ms
            b.click(k["x"], k["y"])
            b.pump(0.25)
            box, after = b.evaluate(_POPUP), b.evaluate(_MEASURE)
            clicked += 1
            fits = box is not None and min(240, w - 40) - 1 <= box["w"] <= 340
            inside = box is not None and box["l"] >= 0 and box["r"] <= w and box["t"] >= 0 and box["b"] <= h
            if not (fits and inside and after["centre"] == m["centre"]):
                bad.append(html.unescape(k["name"]))
    return clicked, bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="story names (file stems); default: all")
    ap.add_argument("--popups", action="store_true", help="also click every place and measure its popup")
    args = ap.parse_args(argv)
    stories = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "examples" / "stories").glob("*.txt"))
    if args.names:
        stories = [s for s in stories if s.stem in args.names]
    totals = {"11": 0, "3": 0, "n": 0, "clicked": 0, "bad": 0}
    worst = 1.0
    print(f"{'story':<10} {'size':>8} {'seconds':>8} {'legible':>8} {'psm 3':>6}  first view (lon, lat)")
    with tempfile.TemporaryDirectory() as tmp:
        for story in stories:
            title = story.read_text(encoding="utf-8").splitlines()[0]
            for w, h in SIZES:
                page, png = Path(tmp) / f"{story.stem}-{w}.html", Path(tmp) / f"{story.stem}-{w}.png"
                cmd = [sys.executable, str(ROOT / "cli.py"), "render", str(story), "--title", title]
                cmd += ["--width", str(w), "--height", str(h)]
                t = time.perf_counter()
                subprocess.run([*cmd, "-o", str(page), "--png", str(png)], check=True, capture_output=True)
                seconds = time.perf_counter() - t
                with Chromium(width=w, height=h, media="print") as b:
                    b.open(page)
                    m = b.evaluate(_MEASURE)
                shown = sorted(
                    {html.unescape(k["name"]) for k in m["markers"] if 0 <= k["x"] <= w and 0 <= k["y"] <= h}
                )
                furniture = m["controls"] + m["head"]
                under = [k["name"] for k in m["markers"] if any(_inside(k["x"], k["y"], c) for c in furniture)]
                texts = {psm: _ocr(png, psm) for psm in ("11", "3")}
                read = {psm: [n for n in shown if _legible(n, text)] for psm, text in texts.items()}
                totals["11"] += len(read["11"])
                totals["3"] += len(read["3"])
                totals["n"] += len(shown)
                worst = min(worst, len(read["11"]) / max(1, len(shown)))
                v = m["view"]
                print(
                    f"{story.stem:<10} {w:>4}x{h:<3} {seconds:>8.1f} {len(read['11']):>3}/{len(shown):<4} "
                    f"{len(read['3']):>6}  {v[0]:.1f}..{v[2]:.1f}, {v[1]:.1f}..{v[3]:.1f}"
                    + (f"  markers under a control: {under}" if under else "")
                    + ("" if m["titleFits"] else "  TITLE CUT")
                )
                missed = sorted(set(shown) - set(read["11"]))
                if missed:
                    print(f"{'':<20}not read: {', '.join(missed)}")
                if args.popups:
                    clicked, bad = _bad_popups(page, w, h)
                    totals["clicked"] += clicked
                    totals["bad"] += len(bad)
                    if bad:
                        print(f"{'':<20}popups not readable: {', '.join(bad)}")
    n = max(1, totals["n"])
    print(
        f"\nlegible (psm 11): {totals['11']}/{totals['n']} = {totals['11'] / n:.1%}, worst map {worst:.0%}; "
        f"psm 3: {totals['3'] / n:.1%}"
    )
    if args.popups:
        print(f"popups: {totals['clicked']} places clicked, {totals['bad']} popups not readable")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
