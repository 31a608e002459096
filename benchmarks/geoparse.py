#!/usr/bin/env python3
"""Geoparser quality and speed on JSONL corpora (``{"id","text","toponyms"}`` per line).

Usage::

    python benchmarks/geoparse.py /work/shared/eval/geowebnews-dev.jsonl /work/shared/eval/lgl-dev.jsonl \
        --score /work/shared/eval/score.py [--cli]

For each corpus it writes predictions to ``--out`` (default: a temporary folder), runs the
scorer, and prints its JSON figures plus throughput (KB of text per second) of the shipped
models (trained on these corpora, so the figures are not held-out ones: the cross-validated
figures come from ``data/train_geoparser.py --score``). With ``--cli`` it also times the command
line: the whole corpus as one ``--jsonl`` batch, and its longest article alone, start-up included.
Figures depend on the machine's load: report them with ``uptime``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--score", type=Path, default=Path("/work/shared/eval/score.py"))
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--cli", action="store_true", help="also time the command line (batch and one article)")
    args = ap.parse_args()

    from geomap.text import geoparse, mention_records

    geoparse("warm up in Paris.")  # load data once
    out = args.out or Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    for corpus in args.corpora:
        docs = [json.loads(line) for line in corpus.open(encoding="utf-8")]
        nbytes = sum(len(d["text"].encode("utf-8")) for d in docs)
        t0 = time.perf_counter()
        lines = []
        for d in docs:
            ms = geoparse(d["text"])
            lines.append(json.dumps({"id": d["id"], "mentions": mention_records(ms)}))
        dt = time.perf_counter() - t0
        pred = out / (corpus.stem + ".pred.jsonl")
        pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
        res = subprocess.run(
            [sys.executable, str(args.score), str(corpus), str(pred)], capture_output=True, text=True, check=True
        )
        print(f"== {corpus.name}: {len(docs)} docs, {nbytes / 1e3:.0f} KB in {dt:.2f} s = {nbytes / 1e3 / dt:.0f} KB/s")
        print(res.stdout.strip())
        if args.cli:
            _cli_speed(corpus, docs, nbytes, out)


def _cli_speed(corpus: Path, docs: list[dict], nbytes: int, out: Path) -> None:
    """Time the command line: a whole corpus as one --jsonl batch, and one article with start-up."""
    cli = Path(__file__).resolve().parent.parent / "cli.py"
    batch = out / (corpus.stem + ".batch.jsonl")
    batch.write_text("".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in docs), encoding="utf-8")
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, str(cli), "places", "--jsonl", str(batch), "-o", str(out / "cli.out.jsonl")], check=True
    )
    dt = time.perf_counter() - t0
    print(f"   cli --jsonl batch (with start-up): {nbytes / 1e3:.0f} KB in {dt:.2f} s = {nbytes / 1e3 / dt:.0f} KB/s")
    longest = max(docs, key=lambda d: len(d["text"]))
    art = out / "article.txt"
    art.write_text(longest["text"], encoding="utf-8")
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, str(cli), "places", str(art)], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    print(
        f"   cli one article ({len(longest['text'].encode()) / 1e3:.1f} KB, table output): "
        f"best {min(times):.2f} s, worst {max(times):.2f} s of 3 runs"
    )


if __name__ == "__main__":
    main()
