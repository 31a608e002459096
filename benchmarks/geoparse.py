#!/usr/bin/env python3
"""Geoparser quality and speed on JSONL corpora (``{"id","text","toponyms"}`` per line).

Usage::

    python benchmarks/geoparse.py /work/shared/eval/geowebnews-dev.jsonl /work/shared/eval/lgl-dev.jsonl \
        --score /work/shared/eval/score.py [--model data/tagger.json]

For each corpus it writes predictions to ``--out`` (default: a temporary folder), runs the
scorer, and prints its JSON figures plus throughput (KB of text per second). With
``--cv-dir`` it scores cross-validated predictions written by ``data/train_tagger.py``.
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
    args = ap.parse_args()

    from geomap.geoparse import geoparse

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
            lines.append(json.dumps({"id": d["id"], "mentions": [
                {"start": m.start, "end": m.end, "lat": m.place.lat if m.place else None,
                 "lon": m.place.lon if m.place else None, "score": m.score} for m in ms]}))
        dt = time.perf_counter() - t0
        pred = out / (corpus.stem + ".pred.jsonl")
        pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
        res = subprocess.run([sys.executable, str(args.score), str(corpus), str(pred)], capture_output=True,
                             text=True, check=True)
        print(f"== {corpus.name}: {len(docs)} docs, {nbytes / 1e3:.0f} KB in {dt:.2f} s = "
              f"{nbytes / 1e3 / dt:.0f} KB/s")
        print(res.stdout.strip())


if __name__ == "__main__":
    main()
