"""The ``geomap`` command: thin click commands over the public geomap API."""

from __future__ import annotations

import sys
from typing import Any, Callable

import click

import geomap
from geomap.errors import GeomapError


class UserError(click.ClickException):
    """A user error: one line on stderr, exit code 2, no traceback."""

    exit_code = 2


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn geomap's domain errors into :class:`UserError` (exit code 2)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GeomapError as exc:
            raise UserError(str(exc)) from None
        except BrokenPipeError:  # e.g. `geomap ... | head`
            sys.stderr.close()
            sys.exit(0)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(geomap.__version__, prog_name="geomap")
def main() -> None:
    """Turn news stories into maps and answers, offline.

    \b
    Examples:
      geomap zone 26.68,119.72
      geomap zone --points positions.csv --format csv -o zones.csv
      geomap distance 40.12,124.39 40.10,124.40
    """


if __name__ == "__main__":  # pragma: no cover
    main()
