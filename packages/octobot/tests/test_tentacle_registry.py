"""The tentacle registry: entry points of installed distributions, the user folder, and load errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import octobot
from octobot.tentacle_kind import parse_kind
from octobot_evaluators import EvaluatorType

from .helpers import dedent, run_cli


def _fake_distribution(root: Path, module: str, source: str, entry_points: dict[str, str]) -> None:
    """An installed distribution as importlib.metadata sees it: a module and its .dist-info folder."""
    (root / f"{module}.py").write_text(dedent(source), encoding="utf-8")
    info = root / "octobot_fake_tentacles-2.5.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: octobot-fake-tentacles\nVersion: 2.5.0\n")
    lines = "\n".join(f"{name} = {value}" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[octobot.tentacles]\n{lines}\n")


THIRD_PARTY = """
    from typing import ClassVar

    import octobot_evaluators as oe


    class ThirdPartyEvaluator(oe.TechnicalEvaluator):
        '''A third-party TA evaluator.'''

        def evaluate(self, candles, *, forming):
            return 0.0


    class ThirdPartyNotifier:
        TENTACLE_KIND: ClassVar[str] = "notifier"
        TENTACLE_VERSION: ClassVar[str] = "3.0.0"
        DEFAULT_CONFIG: ClassVar[dict] = {"channel": "alerts"}
        CONFIG_SCHEMA: ClassVar[dict] = {"type": "object", "properties": {"channel": {"type": "string"}}}
"""


def test_entry_point_tentacles_of_an_installed_distribution_are_found(tmp_path, monkeypatch):
    _fake_distribution(
        tmp_path,
        "fake_tentacles_mod",
        THIRD_PARTY,
        {
            "ThirdPartyEvaluator": "fake_tentacles_mod:ThirdPartyEvaluator",
            "ThirdPartyNotifier": "fake_tentacles_mod:ThirdPartyNotifier",
            "Broken": "fake_tentacles_mod:DoesNotExist",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = octobot.TentacleRegistry.discover()
    evaluator = registry.get("ThirdPartyEvaluator")
    assert evaluator.kind is octobot.TentacleKind.TA
    assert evaluator.version == "2.5.0"  # no TENTACLE_VERSION: the distribution's version
    assert "octobot-fake-tentacles" in evaluator.source
    notifier = registry.get("ThirdPartyNotifier")
    assert (notifier.kind, notifier.version, notifier.default_config) == (
        octobot.TentacleKind.NOTIFIER,
        "3.0.0",
        {"channel": "alerts"},
    )
    # the broken entry point is reported, and did not stop the others
    assert [error for error in registry.errors if "DoesNotExist" in str(error)]


def test_an_entry_point_may_name_a_whole_module(tmp_path, monkeypatch):
    _fake_distribution(tmp_path, "fake_module_tentacles", THIRD_PARTY, {"all": "fake_module_tentacles"})
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = octobot.TentacleRegistry.discover()
    assert {"ThirdPartyEvaluator", "ThirdPartyNotifier"} <= set(registry.names())


def test_a_user_package_loaded_again_from_another_folder_is_that_folder_s(tmp_path):
    """An optimizer worker lives on across studies and loads each job's tentacles folder in turn: a
    package of the same name must come from the new folder, submodules included."""
    descriptions = []
    for version in ("first", "second"):
        package = tmp_path / version / "news_package"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("from .social import NewsEvaluator\n")
        (package / "social.py").write_text(
            dedent(
                f"""
                from typing import ClassVar
                import octobot_evaluators as oe

                class NewsEvaluator(oe.SocialEvaluator):
                    \"\"\"The {version} version.\"\"\"

                    TENTACLE_KIND: ClassVar[str] = "social"

                    def on_signal(self, signal):
                        return None
                """
            )
        )
        registry = octobot.TentacleRegistry.discover(tmp_path / version, entry_points=False)
        assert registry.errors == []
        descriptions.append(registry.get("NewsEvaluator").description)
    assert descriptions == ["The first version.", "The second version."]


def test_user_folder_files_and_packages_are_loaded(home, user_tentacles):
    package = home.tentacles / "my_package"
    package.mkdir()
    (package / "__init__.py").write_text("from .social import NewsEvaluator\n")
    (package / "social.py").write_text(
        dedent(
            """
            from typing import ClassVar
            import octobot_evaluators as oe

            class NewsEvaluator(oe.SocialEvaluator):
                TENTACLE_KIND: ClassVar[str] = "social"

                def on_signal(self, signal):
                    return None
            """
        )
    )
    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    assert registry.errors == []
    kinds = {info.name: info.kind.value for info in registry.list()}
    assert kinds == {
        "LastMoveEvaluator": "ta",
        "VolumeUpEvaluator": "ta",
        "NewsEvaluator": "social",
        "BothMovesStrategy": "strategy",
        "FollowBothMode": "trading_mode",
    }
    last_move = registry.get("LastMoveEvaluator")
    assert last_move.version == "1.2.0"
    assert last_move.source == str(user_tentacles)
    assert last_move.default_config == {"strength": 0.5}
    assert registry.get("BothMovesStrategy").required_evaluators == ("LastMoveEvaluator", "VolumeUpEvaluator")
    assert registry.get("FollowBothMode").required_strategies == ("BothMovesStrategy",)
    assert [info.name for info in registry.list("strategy")] == ["BothMovesStrategy"]


def test_a_broken_user_tentacle_is_reported_with_file_and_line_and_the_others_load(home, user_tentacles):
    (home.tentacles / "a_syntax_error.py").write_text("x = 1\ndef broken(:\n    pass\n")
    (home.tentacles / "b_raises.py").write_text("import math\n\nvalue = math.sqrt(-1)\n")
    (home.tentacles / "c_bad_schema.py").write_text(
        dedent(
            """
            from typing import ClassVar

            class BadSchemaNotifier:
                TENTACLE_KIND: ClassVar[str] = "notifier"
                CONFIG_SCHEMA: ClassVar[dict] = {"type": "no-such-type"}
            """
        )
    )
    (home.tentacles / "d_bad_kind.py").write_text("class Weird:\n    TENTACLE_KIND = 'wizard'\n")
    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    messages = {Path(error.source).name: (error.line, error.message) for error in registry.errors}
    assert messages["a_syntax_error.py"][0] == 2 and "SyntaxError" in messages["a_syntax_error.py"][1]
    assert messages["b_raises.py"] == (3, "ValueError: math domain error")
    assert "CONFIG_SCHEMA is not a valid JSON Schema" in messages["c_bad_schema.py"][1]
    assert messages["c_bad_schema.py"][0] == 3  # the line of the class
    assert "unknown tentacle kind 'wizard'" in messages["d_bad_kind.py"][1]
    assert "LastMoveEvaluator" in registry and "FollowBothMode" in registry
    # the error names the file and line in its text form too
    assert any(
        str(error).endswith("b_raises.py:3: ValueError: math domain error") for error in registry.errors
    )


def test_a_profile_naming_a_broken_tentacle_says_why_it_is_missing(home):
    (home.tentacles / "broken.py").write_text("raise RuntimeError('boom')\n")
    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    with pytest.raises(
        octobot.UnknownTentacleError, match=r"'broken' failed to load: .*broken.py:1: RuntimeError: boom"
    ):
        registry.get("broken")


def test_unknown_tentacle_suggests_the_closest_name(home, user_tentacles):
    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    with pytest.raises(octobot.UnknownTentacleError, match="did you mean 'LastMoveEvaluator'"):
        registry.get("LastMoveEvaluatr")
    with pytest.raises(octobot.UnknownTentacleError, match="is a ta tentacle; expected kind here: strategy"):
        registry.get("LastMoveEvaluator", [octobot.TentacleKind.STRATEGY])


def test_a_duplicate_name_is_an_error_and_the_first_one_stays(home, user_tentacles):
    (home.tentacles / "z_copy.py").write_text(
        dedent(
            """
            import octobot_evaluators as oe

            class LastMoveEvaluator(oe.TechnicalEvaluator):
                def evaluate(self, candles, *, forming):
                    return None
            """
        )
    )
    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    assert registry.get("LastMoveEvaluator").source == str(user_tentacles)
    assert any("duplicate tentacle name 'LastMoveEvaluator'" in str(error) for error in registry.errors)


def test_declared_kinds_accept_evaluator_types_and_any_case():
    assert parse_kind(EvaluatorType.TA) is octobot.TentacleKind.TA
    assert parse_kind("REAL_TIME") is octobot.TentacleKind.REAL_TIME
    assert parse_kind("trading-mode") is octobot.TentacleKind.TRADING_MODE
    with pytest.raises(ValueError, match="valid kinds: ta, real_time"):
        parse_kind("indicator")


def test_cli_lists_shows_and_configures_tentacles(home, user_tentacles):
    (home.tentacles / "broken.py").write_text("import does_not_exist_anywhere\n")
    code, out, err = run_cli("tentacles", "list", "--kind", "ta")
    assert code == 0
    assert "LastMoveEvaluator" in out and "VolumeUpEvaluator" in out and "BothMovesStrategy" not in out
    assert "broken.py:1: ModuleNotFoundError" in err
    code, out, _ = run_cli("tentacles", "show", "BothMovesStrategy")
    assert code == 0 and '"required_time_frames": [\n    "4h",\n    "1h"\n  ]' in out
    code, out, _ = run_cli("tentacles", "config", "LastMoveEvaluator")
    assert code == 0 and '"strength": 0.5' in out and '"maximum": 1' in out
    code, _, err = run_cli("tentacles", "show", "NoSuchThing")
    assert code == octobot.ExitCode.UNKNOWN_TENTACLE
    assert err.splitlines()[-1].startswith("octobot: error: unknown tentacle 'NoSuchThing'")
