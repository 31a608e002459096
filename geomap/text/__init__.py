"""Text → places: find the place names of an article and choose a referent for each.

- :mod:`geomap.text.tagger` finds candidate spans and keeps those that are place names;
- :mod:`geomap.text.resolver` chooses each name's referent in the gazetteer, with evidence;
- :mod:`geomap.text.gazetteer` is the shipped (and user) index of names → places;
- :mod:`geomap.text.names` normalises names into matching keys;
- :mod:`geomap.text.output` reads articles and writes place tables and JSON Lines batches.
"""

from geomap.text.gazetteer import Gazetteer, Place, load_gazetteer
from geomap.text.output import format_places, place_records, write_batch
from geomap.text.resolver import mentions_table, places, resolve
from geomap.text.tagger import Mention, geoparse

__all__ = [
    "Gazetteer",
    "Mention",
    "Place",
    "format_places",
    "geoparse",
    "load_gazetteer",
    "mentions_table",
    "place_records",
    "places",
    "resolve",
    "write_batch",
]
