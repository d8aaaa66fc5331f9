"""Shared fixtures: a private registry per test, so tests never see each other's channels."""

from __future__ import annotations

import pytest

import octobot_channel as oc


@pytest.fixture
async def registry():
    registry = oc.ChannelRegistry()
    yield registry
    await registry.clear()
