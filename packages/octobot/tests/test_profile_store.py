"""Profiles users manage: built-in ones read-only, copies editable, export/import as zip round trips."""

from __future__ import annotations

import json
import zipfile

import pytest

import octobot
from octobot.errors import ExitCode

from .helpers import run_cli, valid_profile, write_profile


def _json_files(folder) -> dict[str, object]:
    return {path.name: json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))}


def test_list_shows_builtin_and_user_profiles(home):
    write_profile(home, valid_profile(), name="mine")
    summaries = {summary.id: summary for summary in octobot.list_profiles(home)}
    assert summaries["default"].builtin and not summaries["mine"].builtin
    assert summaries["mine"].description == "test profile"
    code, out, _ = run_cli("profiles", "list")
    assert code == 0
    assert any(line.split()[:2] == ["default", "built-in"] for line in out.splitlines())
    assert any(line.split()[:2] == ["mine", "user"] for line in out.splitlines())


def test_copying_the_default_profile_gives_an_editable_user_copy(home):
    code, out, _ = run_cli("profiles", "copy", "default", "my-default")
    assert code == 0 and "copied to" in out
    copy = home.profiles / "my-default"
    original = octobot.builtin_profiles_dir() / "default"
    copied, source = _json_files(copy), _json_files(original)
    assert copied["profile.json"]["name"] == "my-default"
    copied["profile.json"]["name"] = source["profile.json"]["name"]
    assert copied == source
    profile_file = copy / "profile.json"
    profile_file.write_text(profile_file.read_text().replace('"BTC/USDT"', '"ETH/USDT"'))  # editable
    assert octobot.load_profile("my-default", home=home).pairs == ["ETH/USDT"]
    # the built-in one is untouched, and copying onto an existing id needs --force
    assert octobot.load_profile("default").pairs == ["BTC/USDT"]
    code, _, err = run_cli("profiles", "copy", "default", "my-default")
    assert code == ExitCode.ALREADY_EXISTS and "use --force" in err
    assert run_cli("profiles", "copy", "default", "my-default", "--force")[0] == 0


def test_export_then_import_round_trip(home, tmp_path, user_tentacles):
    write_profile(home, valid_profile(), name="mine", LastMoveEvaluator={"strength": 0.25})
    archive = tmp_path / "exports" / "mine.zip"
    code, _, _ = run_cli("profiles", "export", "mine", str(archive))
    assert code == 0
    with zipfile.ZipFile(archive) as bundle:
        assert sorted(bundle.namelist()) == ["mine/LastMoveEvaluator.json", "mine/profile.json"]
    code, out, _ = run_cli("profiles", "import", str(archive), "--name", "mine-again")
    assert code == 0 and "mine-again" in out
    imported = _json_files(home.profiles / "mine-again")
    original = _json_files(home.profiles / "mine")
    assert imported["profile.json"]["name"] == "mine-again"
    imported["profile.json"]["name"] = "mine"
    assert imported == original
    registry = octobot.TentacleRegistry.discover(home.tentacles, entry_points=False)
    profile = octobot.load_profile("mine-again", registry, home)
    assert profile.tentacle_config("LastMoveEvaluator") == {"strength": 0.25}
    # importing again under the same id is refused unless forced
    code, _, err = run_cli("profiles", "import", str(archive))
    assert code == ExitCode.ALREADY_EXISTS and "profile 'mine' already exists" in err


def test_import_refuses_unsafe_or_foreign_archives(home, tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as bundle:
        bundle.writestr("mine/profile.json", json.dumps(valid_profile()))
        bundle.writestr("../outside.json", "{}")
    code, _, err = run_cli("profiles", "import", str(evil))
    assert code == ExitCode.INVALID_CONFIG and "unsafe path '../outside.json'" in err
    assert not (home.profiles.parent / "outside.json").exists()

    not_zip = tmp_path / "profile.zip"
    not_zip.write_text("hello")
    code, _, err = run_cli("profiles", "import", str(not_zip))
    assert code == ExitCode.INVALID_CONFIG and "not a zip archive" in err

    invalid = tmp_path / "invalid.zip"
    with zipfile.ZipFile(invalid, "w") as bundle:
        bundle.writestr("bad/profile.json", json.dumps({**valid_profile(), "time_frames": ["2hours"]}))
    code, _, err = run_cli("profiles", "import", str(invalid))
    assert code == ExitCode.BAD_TIME_FRAME and "did you mean '2h'?" in err
    assert not (home.profiles / "bad").exists()


def test_show_prints_every_file(home, user_tentacles):
    write_profile(home, valid_profile(), name="mine", LastMoveEvaluator={"strength": 0.25})
    code, out, _ = run_cli("profiles", "show", "mine")
    assert code == 0
    assert out.index("## profile.json") < out.index("## LastMoveEvaluator.json")
    assert '"strength": 0.25' in out


def test_profile_ids_are_plain_folder_names(home):
    with pytest.raises(octobot.ConfigError, match="invalid profile name"):
        octobot.copy_profile("default", "../escape", home)
