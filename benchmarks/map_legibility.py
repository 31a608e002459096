#!/usr/bin/env python3
"""Benchmark: how many place names a reader (and OCR) can read on geomap's PNGs.

Every story in ``examples/`` and ``examples/stories/`` (shipping, border and aid stories from
every continent, two across the 180th meridian) is rendered with ``geomap render --png``
at 1000×700 and 600×400, each in a fresh process, and its PNG is read back with Debian's
``tesseract-ocr`` (``--psm 11``, sparse text, and the default page layout ``--psm 3``). The page
is opened in headless Chromium to list the places whose marker is in the first view. A name
counts as legible when the OCR text holds it with at most one wrong letter in five (the
rule of ``tests/test_map_layout.py``). It also reports markers under a control, a cut
title, and the first view. Usage::

    python benchmarks/map_legibility.py            # every story
    python benchmarks/map_legibility.py border sudan
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="story names (file stems); default: all")
    args = ap.parse_args(argv)
    stories = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "examples" / "stories").glob("*.txt"))
    if args.names:
        stories = [s for s in stories if s.stem in args.names]
    totals = {"11": 0, "3": 0, "n": 0}
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
    n = max(1, totals["n"])
    print(
        f"\nlegible (psm 11): {totals['11']}/{totals['n']} = {totals['11'] / n:.1%}, worst map {worst:.0%}; "
        f"psm 3: {totals['3'] / n:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
