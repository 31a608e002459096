"""Benchmark: visits of 10 million AIS positions against CHN:territorial_sea, against a bare Arrow read.

Builds (once, cached) a synthetic AIS file in the US public archive schema:
a few thousand vessels on random walks in East Asian waters, one fix every few
minutes, with some reporting gaps, anchored vessels, hostile names and a small
share of dirty rows of every kind. Then runs the real command in a fresh
process::

    geomap vessels FILE --zone CHN:territorial_sea --format csv -o visits.csv

and prints the wall-clock time and the peak resident memory of that process,
beside the time ``pyarrow.csv.read_csv`` alone takes to read the same file (in
a fresh process, import excluded) and the ratio of the two. With
``--compare-dask`` it also writes the same rows as Parquet and runs the default
engine and ``--engine dask`` with 1 and 2 workers on it.

Usage::

    python benchmarks/ais.py                      # 10M rows, CSV, in ./.bench/
    python benchmarks/ais.py --rows 2000000 --compare-dask
    python benchmarks/ais.py --rows 1000000 --format parquet
    python benchmarks/ais.py --area bay.geojson   # a polygon file instead of the zone
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

LON_RANGE = (105.0, 135.0)
LAT_RANGE = (15.0, 42.0)
US_COLUMNS = [
    "MMSI",
    "BaseDateTime",
    "LAT",
    "LON",
    "SOG",
    "COG",
    "Heading",
    "VesselName",
    "IMO",
    "CallSign",
    "VesselType",
    "Status",
    "Length",
    "Width",
    "Draft",
    "Cargo",
    "TransceiverClass",
]


def build(path: Path, *, rows: int, vessels: int, seed: int = 6) -> None:
    """Write the synthetic AIS file (CSV or Parquet by suffix), rows sorted by time."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    per = -(-rows // vessels)
    start = np.datetime64("2024-03-01T00:00:00", "s").astype(np.int64)
    dt = rng.uniform(120, 300, size=(vessels, per))
    dt[rng.random((vessels, per)) < 0.0005] = 8 * 3600  # reporting gaps longer than 6 h
    t = start + rng.integers(0, 86400, vessels)[:, None] + np.cumsum(dt, axis=1)
    base_speed = rng.choice([0.3, 6.0, 10.0, 13.0], size=vessels, p=[0.15, 0.3, 0.35, 0.2])
    sog = np.clip(base_speed[:, None] + rng.normal(0, 0.5, (vessels, per)), 0, 25)
    heading = rng.uniform(0, 2 * np.pi, vessels)[:, None] + np.cumsum(rng.normal(0, 0.08, (vessels, per)), axis=1)
    lon0 = rng.uniform(108, 125, vessels)
    lat0 = rng.uniform(18, 40, vessels)
    step_m = sog * 1852 / 3600 * dt
    lat = lat0[:, None] + np.cumsum(step_m * np.cos(heading) / 111_320, axis=1)
    lon = lon0[:, None] + np.cumsum(step_m * np.sin(heading) / (111_320 * np.cos(np.radians(lat0)))[:, None], axis=1)
    lat, lon = _reflect(lat, *LAT_RANGE), _reflect(lon, *LON_RANGE)
    mmsi = np.repeat(rng.choice(np.arange(200_000_000, 800_000_000), vessels, replace=False), per)
    names = np.array([f"VESSEL {i:04d}" for i in range(vessels)], dtype=object)
    names[:3] = ["<script>alert(1)</script>", 'A&B "TANKER"', "</title><img src=x onerror=alert(1)>"]
    name = np.repeat(names, per)
    cog = np.degrees(heading) % 360
    t, lat, lon, sog, cog = (a.ravel()[:rows] for a in (t, lat, lon, sog, cog))
    mmsi, name = mmsi[:rows], name[:rows]
    order = np.argsort(t, kind="stable")
    t, lat, lon, sog, cog, mmsi, name = (a[order] for a in (t, lat, lon, sog, cog, mmsi, name))
    import pyarrow.compute as pc

    ts = pc.strftime(pa.array(t.astype("datetime64[s]")), format="%Y-%m-%dT%H:%M:%S").to_numpy(zero_copy_only=False)
    lat_s = pc.cast(pa.array(np.round(lat, 5)), pa.string()).to_numpy(zero_copy_only=False)
    lon_s = pc.cast(pa.array(np.round(lon, 5)), pa.string()).to_numpy(zero_copy_only=False)
    # dirty rows, about 0.1 % of each kind
    k = max(rows // 1000, 1)
    lat_s[rng.choice(rows, k, replace=False)] = ""
    lon_s[rng.choice(rows, k, replace=False)] = "181.0"
    ts[rng.choice(rows, k, replace=False)] = "not a time"
    spike = rng.choice(rows, k, replace=False)
    lat_s[spike] = np.round(_reflect(lat[spike] + 3.0, *LAT_RANGE), 5).astype(str).astype(object)
    dup = np.sort(rng.choice(rows - 1, k, replace=False))
    table = pa.table(
        {
            "MMSI": mmsi,
            "BaseDateTime": ts,
            "LAT": lat_s,
            "LON": lon_s,
            "SOG": np.round(sog, 1),
            "COG": np.round(cog, 1),
            "Heading": np.round(cog).astype(np.int64),
            "VesselName": name,
            "IMO": np.full(rows, "IMO0000000", object),
            "CallSign": np.full(rows, "BXXX", object),
            "VesselType": np.full(rows, 80, np.int64),
            "Status": np.full(rows, 0, np.int64),
            "Length": np.full(rows, 180, np.int64),
            "Width": np.full(rows, 30, np.int64),
            "Draft": np.full(rows, 9.5),
            "Cargo": np.full(rows, 80, np.int64),
            "TransceiverClass": np.full(rows, "A", object),
        }
    )
    table = pa.concat_tables([table, table.take(pa.array(dup))])  # exact duplicates at the end
    tmp = path.with_suffix(path.suffix + ".part")
    if path.suffix == ".parquet":
        pq.write_table(table, tmp, row_group_size=1_000_000)
    else:
        pacsv.write_csv(table, tmp, write_options=pacsv.WriteOptions(quoting_style="needed"))
    os.replace(tmp, path)


def _reflect(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Fold values into [lo, hi] like a ball bouncing off the walls (continuous)."""
    w = hi - lo
    y = np.mod(x - lo, 2 * w)
    return lo + np.where(y > w, 2 * w - y, y)


def arrow_read_seconds(path: Path) -> float:
    """Seconds ``pyarrow.csv.read_csv`` (or ``pyarrow.parquet.read_table``) takes on the file, in a fresh process."""
    reader = "pyarrow.parquet.read_table" if path.suffix == ".parquet" else "pyarrow.csv.read_csv"
    code = (
        "import sys, time, pyarrow.csv, pyarrow.parquet\n"
        f"t = time.perf_counter(); {reader}(sys.argv[1]); print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


#: runs one command and prints, last on stderr, the peak resident memory (KiB) of that command alone
_MEASURE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def run(
    path: Path,
    out: Path,
    *,
    zone: str | None,
    area: str | None,
    engine: str,
    command: str = "geomap",
    workers: int | None = None,
) -> tuple[float, float, str]:
    """Run ``geomap vessels`` in a child process; return (seconds, peak MiB, command)."""
    target = ["--area", area] if area else ["--zone", zone]
    cmd = [*shlex.split(command), "vessels", str(path), *target, "--format", "csv", "-o", str(out)]
    if engine != "default":
        cmd += ["--engine", engine]
    if workers:
        cmd += ["--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    lines = proc.stderr.rstrip("\n").split("\n")
    peak_mib = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")
    proc.stderr = "\n".join(lines[:-1]) + "\n"
    if proc.returncode:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    print(proc.stderr, end="", flush=True)
    return seconds, peak_mib, " ".join(cmd)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--vessels", type=int, default=3000)
    ap.add_argument("--format", choices=["csv", "parquet"], default="csv")
    ap.add_argument("--dir", default=".bench", help="where the synthetic file is cached")
    ap.add_argument("--zone", default="CHN:territorial_sea")
    ap.add_argument("--area", help="polygon file instead of --zone")
    ap.add_argument("--engine", default="default", choices=["default", "dask"])
    ap.add_argument(
        "--command", default="geomap", help='how to start geomap, e.g. "python cli.py" in a source checkout'
    )
    ap.add_argument("--compare-dask", action="store_true", help="also time both engines on the same rows as Parquet")
    args = ap.parse_args()
    d = Path(args.dir)
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"ais_{args.rows}_{args.vessels}.{args.format}"
    if not path.exists():
        t0 = time.perf_counter()
        print(f"building {path} ...", flush=True)
        build(path, rows=args.rows, vessels=args.vessels)
        print(f"built in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)", flush=True)
    load = os.getloadavg()[0]
    bare = arrow_read_seconds(path)
    seconds, peak, cmd = run(
        path, d / "visits.csv", zone=args.zone, area=args.area, engine=args.engine, command=args.command
    )
    n_visits = sum(1 for _ in open(d / "visits.csv")) - 1
    print(f"command: {cmd}")
    print(
        f"rows: {args.rows:,} (+{max(args.rows // 1000, 1):,} duplicates)  vessels: {args.vessels}  visits: {n_visits:,}"
    )
    print(f"time: {seconds:.2f} s   peak memory (RSS): {peak:.0f} MiB")
    print(f"bare Arrow read of the same file: {bare:.2f} s   ratio: {seconds / bare:.1f}x")
    print(f"machine load (1 min average) before: {load:.2f}, after: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if args.compare_dask:
        pq_path = path.with_suffix(".parquet")
        if not pq_path.exists():
            build(pq_path, rows=args.rows, vessels=args.vessels)
        default_s, _, _ = run(
            pq_path, d / "visits_pq.csv", zone=args.zone, area=args.area, engine="default", command=args.command
        )
        print(f"parquet, default engine: {default_s:.2f} s")
        for workers in (1, 2):
            dask_s, _, _ = run(
                pq_path,
                d / f"visits_dask{workers}.csv",
                zone=args.zone,
                area=args.area,
                engine="dask",
                command=args.command,
                workers=workers,
            )
            same = (d / f"visits_dask{workers}.csv").read_bytes() == (d / "visits_pq.csv").read_bytes()
            print(
                f"parquet, --engine dask --workers {workers}: {dask_s:.2f} s  ({dask_s / default_s:.2f}x the default engine; "
                f"{'identical' if same else 'DIFFERENT'} output)"
            )
        print(f"machine load (1 min average) after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
