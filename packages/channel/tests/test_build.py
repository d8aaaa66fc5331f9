"""Proves which build ran, and that it is the installed one: `make test` sets OCTOBOT_EXPECT_COMPILED and
OCTOBOT_EXPECT_INSTALLED for its runs on the pure and the compiled wheels."""

from __future__ import annotations

import os

import pytest

import octobot_channel
from octobot_channel.build_info import is_installed


def test_compiled_flag_matches_the_expected_build() -> None:
    expected = os.environ.get("OCTOBOT_EXPECT_COMPILED")
    if expected is None:
        pytest.skip("OCTOBOT_EXPECT_COMPILED is not set: nothing to check")
    assert octobot_channel.COMPILED == (expected == "1")


def test_the_installed_package_is_under_test() -> None:
    if os.environ.get("OCTOBOT_EXPECT_INSTALLED") != "1":
        pytest.skip("OCTOBOT_EXPECT_INSTALLED is not set: an editable install may run from the source tree")
    assert is_installed(octobot_channel), (
        f"{octobot_channel.__file__} is not in the environment's site-packages"
    )


def test_is_installed_tells_site_packages_from_a_source_tree(tmp_path) -> None:
    import sysconfig
    import types

    installed = types.ModuleType("installed")
    installed.__file__ = os.path.join(sysconfig.get_paths()["purelib"], "some_package", "__init__.py")
    assert is_installed(installed)
    from_source = types.ModuleType("from_source")
    from_source.__file__ = str(tmp_path / "some_package" / "__init__.py")
    assert not is_installed(from_source)
