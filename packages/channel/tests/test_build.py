"""Proves which build ran: the Makefile sets OCTOBOT_EXPECT_COMPILED for its pure and compiled runs."""

from __future__ import annotations

import os

import pytest

import octobot_channel


def test_compiled_flag_matches_the_expected_build() -> None:
    expected = os.environ.get("OCTOBOT_EXPECT_COMPILED")
    if expected is None:
        pytest.skip("OCTOBOT_EXPECT_COMPILED is not set: nothing to check")
    assert octobot_channel.COMPILED == (expected == "1")
