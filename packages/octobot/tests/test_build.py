"""Proves which build ran, and that it is the installed one: `make test` sets OCTOBOT_EXPECT_COMPILED and
OCTOBOT_EXPECT_INSTALLED for its runs on the pure and the compiled wheels."""

from __future__ import annotations

import os

import pytest

import octobot
from octobot_channel.build_info import is_installed


def test_compiled_flag_matches_the_expected_build() -> None:
    expected = os.environ.get("OCTOBOT_EXPECT_COMPILED")
    if expected is None:
        pytest.skip("OCTOBOT_EXPECT_COMPILED is not set: nothing to check")
    # no hot module (no .pxd): octobot is pure Python in the compiled build too
    assert octobot.COMPILED is False


def test_the_installed_package_is_under_test() -> None:
    if os.environ.get("OCTOBOT_EXPECT_INSTALLED") != "1":
        pytest.skip("OCTOBOT_EXPECT_INSTALLED is not set: an editable install may run from the source tree")
    assert is_installed(octobot), f"{octobot.__file__} is not in the environment's site-packages"
