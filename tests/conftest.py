"""Shared test helpers."""

from __future__ import annotations

import pytest


def _one_line_error(result) -> str:
    """The message of a click result that failed as a user error: exit 2, one line, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def one_line_error():
    """Check a failed CLI run (exit code 2, one line on stderr, no traceback) and return its line."""
    return _one_line_error
