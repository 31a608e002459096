#!/usr/bin/env python3
"""Build ``names.npz``: how common a word is as a given name and as a surname.

Source: the PyPI package ``names-dataset`` (``names_dataset/v3/first_names.pkl.gz`` and
``last_names.pkl.gz``), which ranks first and last names by country. For each name we keep
its best rank in any country (1 = the most common name there) when that rank is at most
``MAX_RANK``; the file holds the 64-bit hashes of the names' matching keys
(:func:`geomap.text.names.name_key`) and the two ranks, no text. The tagger reads it so that
"Georgia" in "Georgia Smith said" reads as a person.

Usage::

    python data/build_names.py            # downloads the wheel into a temporary folder
    python data/build_names.py --cache /tmp/namescache

The output is deterministic for a fixed package version.
"""

from __future__ import annotations

import gc
import gzip
import pickle
import sys
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
from geomap.text.names import key_hash, name_key
from packages import pip_download, run_build

PACKAGE, VERSION = "names-dataset", "3.3.1"
MAX_RANK = 3000  # names rarer than this everywhere are left out
NO_RANK = 65535  # stored for "not a given name" / "not a surname"


def best_ranks(wheel: Path, member: str, *, max_rank: int = MAX_RANK) -> dict[str, int]:
    """Return ``{name key: best rank over countries}`` for the names ranked at most ``max_rank``."""
    with zipfile.ZipFile(wheel) as z:
        table = pickle.loads(gzip.decompress(z.read(member)))
    out: dict[str, int] = {}
    for name, info in table.items():
        ranks = [r for r in (info.get("rank") or {}).values() if r is not None]
        if not ranks or not isinstance(name, str):
            continue
        best = int(min(ranks))
        key = name_key(name)
        if best <= max_rank and key and " " not in key:
            out[key] = min(best, out.get(key, best))
    del table
    gc.collect()
    return out


def build(cache: Path, out: Path) -> None:
    """Write ``out`` from the names-dataset wheel in ``cache``."""
    wheel = pip_download(cache, PACKAGE, VERSION, pattern=f"names_dataset-{VERSION}-*.whl")
    first = best_ranks(wheel, "names_dataset/v3/first_names.pkl.gz")
    last = best_ranks(wheel, "names_dataset/v3/last_names.pkl.gz")
    keys = sorted(set(first) | set(last), key=key_hash)
    np.savez_compressed(
        out,
        key_hash=np.array([key_hash(k) for k in keys], np.uint64),
        first_rank=np.array([first.get(k, NO_RANK) for k in keys], np.uint16),
        last_rank=np.array([last.get(k, NO_RANK) for k in keys], np.uint16),
    )
    print(f"{out}: {len(first)} given names, {len(last)} surnames, {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    run_build(__doc__, build, HERE / "names.npz")
