"""Installed as ``geomap.console``: the package that holds the ``geomap`` command (cli.py)."""
