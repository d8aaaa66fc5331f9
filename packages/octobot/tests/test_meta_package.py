"""`pip install octobot` gives the whole bot: the meta-package requires each sibling, compatibly."""

from __future__ import annotations

import importlib
import importlib.metadata as metadata

import pytest
from packaging.requirements import Requirement

SIBLINGS = {
    "octobot-channel": "octobot_channel",
    "octobot-trading": "octobot_trading",
    "octobot-evaluators": "octobot_evaluators",
    "octobot-backtesting": "octobot_backtesting",
}


def _requirements() -> dict[str, Requirement]:
    return {Requirement(text).name: Requirement(text) for text in metadata.requires("octobot") or []}


def test_meta_package_requires_every_sibling():
    assert set(SIBLINGS) <= set(_requirements())


@pytest.mark.parametrize("name", sorted(SIBLINGS))
def test_installed_sibling_satisfies_the_pin(name):
    requirement = _requirements()[name]
    installed = metadata.version(name)
    assert requirement.specifier.contains(installed), f"{name} {installed} does not satisfy {requirement}"
    # the pin must exclude the original OctoBot project's releases, which use far higher versions
    assert not requirement.specifier.contains("2.0.0")


@pytest.mark.parametrize(("name", "module_name"), sorted(SIBLINGS.items()))
def test_every_package_imports_and_reports_its_build(name, module_name):
    module = importlib.import_module(module_name)
    assert isinstance(module.COMPILED, bool)
    assert metadata.version(name) == getattr(module, "__version__", metadata.version(name))
