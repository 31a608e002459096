"""AIS positions → tracks → visits to a zone and vessel events.

- :mod:`geomap.vessels.read` reads and cleans AIS files (CSV, Parquet, NMEA), counting rejects by reason;
  :mod:`geomap.vessels.csv_blocks` reads CSV in blocks that survive broken rows, :mod:`geomap.vessels.nmea`
  decodes raw ``!AIVDM`` logs with pyais;
- :mod:`geomap.vessels.areas` is the zone or polygon that positions are tested against;
- :mod:`geomap.vessels.visits` finds entries and exits; :mod:`geomap.vessels.events` going dark, loitering,
  encounters, port calls and anchorage stops (ports: :mod:`geomap.vessels.ports`);
- :mod:`geomap.vessels.identity` flag states from MMSIs, invalid MMSIs, name changes, shared identities;
- :mod:`geomap.vessels.analysis` runs it all (``engine="dask"``: :mod:`geomap.vessels.dask_engine`);
- :mod:`geomap.vessels.report` writes the results as a table, CSV, JSON or GeoJSON.
"""

from geomap.vessels.analysis import ENGINES, VesselAnalysis, analyse, resolve_area
from geomap.vessels.areas import Area, file_area, zone_area
from geomap.vessels.read import Positions, parse_columns_option, read_positions
from geomap.vessels.report import format_report, summary_lines, write_rejects

__all__ = [
    "ENGINES",
    "Area",
    "Positions",
    "VesselAnalysis",
    "analyse",
    "file_area",
    "format_report",
    "parse_columns_option",
    "read_positions",
    "resolve_area",
    "summary_lines",
    "write_rejects",
    "zone_area",
]
