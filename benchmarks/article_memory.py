#!/usr/bin/env python3
"""Peak memory of ``geomap places`` against article size: it should grow linearly.

Usage::

    python benchmarks/article_memory.py [--sizes 1 2 4] [--command places|render]

Each article is ``examples/article.txt`` repeated up to the size (MiB). Every run is
its own process; its peak resident set size comes from ``wait4``. The figures printed
are the peak RSS of each run, its growth over a one-paragraph article, and that growth
per MiB of text (roughly constant when memory grows linearly).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "article.txt").read_text(encoding="utf-8")


def peak_rss_mib(args: list[str]) -> tuple[float, float]:
    """Run ``geomap ARGS`` in a new process; return (peak RSS in MiB, seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "geomap.console.cli", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 2):
        raise SystemExit(f"geomap {' '.join(args)} failed: {proc.stderr.read().decode()}")
    return usage.ru_maxrss / 1024, seconds  # ru_maxrss is in KiB on Linux


def article(folder: Path, mib: float) -> Path:
    size = int(mib * 1024 * 1024)
    path = folder / f"article-{mib:g}MiB.txt"
    path.write_text((SEED * (size // len(SEED) + 1))[:size], encoding="utf-8")
    return path


def command(kind: str, path: Path, folder: Path) -> list[str]:
    limit = ["--max-bytes", str(64 * 1024 * 1024)]
    if kind == "render":
        return ["render", str(path), "-o", str(folder / "map.html"), "--no-zones", "--no-borders", *limit]
    return ["places", str(path), "--format", "json", *limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=float, default=[1, 2, 4], help="article sizes in MiB")
    ap.add_argument("--command", choices=["places", "render"], default="places")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = folder / "seed.txt"
        small.write_text(SEED, encoding="utf-8")
        base, base_s = peak_rss_mib(command(opts.command, small, folder))
        print(f"geomap {opts.command}: peak RSS against article size (one process per run)")
        print(f"{'article':>10}  {'peak RSS':>10}  {'growth':>10}  {'per MiB':>10}  {'seconds':>8}")
        print(f"{len(SEED):>8} B  {base:>8.1f} M  {'':>10}  {'':>10}  {base_s:>8.1f}")
        for mib in opts.sizes:
            rss, seconds = peak_rss_mib(command(opts.command, article(folder, mib), folder))
            print(f"{mib:>6g} MiB  {rss:>8.1f} M  {rss - base:>8.1f} M  {(rss - base) / mib:>8.1f} M  {seconds:>8.1f}")


if __name__ == "__main__":
    main()
