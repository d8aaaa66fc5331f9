"""Fixtures shared by the octobot_evaluators tests (the helpers they use are in helpers.py)."""

from __future__ import annotations

import pytest

from .helpers import (
    Buffers,
)


@pytest.fixture
def buffers() -> Buffers:
    return Buffers()
