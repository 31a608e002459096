"""Name normalisation and hashing shared by the gazetteer builder and the geoparser.

A place name and a span of article text match when their *keys* are equal. The key
folds case, strips accents, drops apostrophes and full stops and turns hyphens into
spaces, so "P'yŏngyang", "Pyongyang" and "PYONGYANG" share one key and "U.S." matches
"US". Keys are stored as 64-bit hashes so that the on-disk index is small and loads
without parsing text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

__all__ = ["name_key", "key_hash", "index_key"]

_DROP = str.maketrans({c: None for c in "'’‘ʼʻ`´.\u02bc"})
_HEADS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort", "pt": "point"}
_SPACE = re.compile(r"[\s\-‐–—_/]+")


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Return the matching key of a place name.

    Parameters
    ----------
    name : str
        A place name or a span of text.

    Returns
    -------
    str
        Lower-case, accent-free, punctuation-light form of ``name``; a leading "St", "Mt",
        "Ft" is spelled out.
    """
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in name if not unicodedata.combining(c))
    name = name.translate(_DROP).replace("&", " and ")
    key = _SPACE.sub(" ", name).strip().lower()
    head, _, rest = key.partition(" ")
    if rest and head in _HEADS:  # "St. Louis" = "Saint Louis", "Mt. Vernon" = "Mount Vernon"
        key = f"{_HEADS[head]} {rest}"
    return key


@lru_cache(maxsize=1 << 16)
def key_hash(key: str) -> int:
    """Return the unsigned 64-bit hash of a key (stable across runs and platforms)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def index_key(name: str) -> str:
    """Return the key under which a gazetteer name is indexed.

    A one-word abbreviation with its full stop ("Ga.", "Calif.", "Mass.") keeps the stop,
    so that it matches only when written that way: "Mass." is Massachusetts, "Mass" is not.
    """
    key = name_key(name)
    if name.endswith(".") and name.count(".") == 1 and " " not in name.strip():
        return key + "."
    return key
