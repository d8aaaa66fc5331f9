"""Where profiles live and how users manage them: list, find, copy, export and import (zip).

Why built-in profiles are read-only: they ship inside the package, so an upgrade replaces them; a user
copies one into ``$OCTOBOT_HOME/profiles`` to edit it, and their copy survives upgrades.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from octobot.errors import AlreadyExistsError, ConfigError, NotFoundError, UsageError
from octobot.home import UserHome
from octobot.json_files import read_json, write_json
from octobot.profile_schema import PROFILE_FILE, PROFILE_SCHEMA
from octobot.suggestions import did_you_mean
from octobot.validation import validate

logger = logging.getLogger(__name__)

DEFAULT_PROFILE = "default"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_MAX_IMPORT_BYTES = 5_000_000


@dataclass(frozen=True)
class ProfileSummary:
    """One profile as listed: its folder name (the id), display name, description and origin."""

    id: str
    name: str
    description: str
    builtin: bool
    path: Path


def builtin_profiles_dir() -> Path:
    """The folder of the profiles shipped with the package."""
    return Path(str(importlib.resources.files("octobot") / "builtin_profiles"))


def check_profile_id(profile_id: str) -> str:
    """A profile id is a folder name: letters, digits, '_', '-', '.'; ConfigError otherwise."""
    if not _NAME_RE.match(profile_id):
        raise ConfigError(
            f"invalid profile name {profile_id!r}: use letters, digits, '_', '-' or '.', up to 64 characters"
        )
    return profile_id


def _profile_dirs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if (path / PROFILE_FILE).is_file())


def list_profiles(home: UserHome | None = None) -> list[ProfileSummary]:
    """User profiles then built-in ones (a user profile hides a built-in one of the same id)."""
    user_home = home or UserHome.resolve()
    found: dict[str, ProfileSummary] = {}
    for builtin, folder in ((False, user_home.profiles), (True, builtin_profiles_dir())):
        for path in _profile_dirs(folder):
            if path.name in found:
                continue
            try:
                content = read_json(path / PROFILE_FILE)
            except ConfigError as error:
                content = {"name": path.name, "description": f"(unreadable: {error})"}
            content = content if isinstance(content, dict) else {}
            found[path.name] = ProfileSummary(
                id=path.name,
                name=str(content.get("name", path.name)),
                description=str(content.get("description", "")),
                builtin=builtin,
                path=path,
            )
    return list(found.values())


def find_profile(name_or_path: str | Path, home: UserHome | None = None) -> Path:
    """The folder of a profile given by id (user first, then built-in), by folder or by profile.json path."""
    user_home = home or UserHome.resolve()
    candidate = Path(name_or_path).expanduser()
    if candidate.name == PROFILE_FILE and candidate.is_file():
        return candidate.parent
    if candidate.is_dir() and (candidate / PROFILE_FILE).exists():
        return candidate
    text = str(name_or_path)
    if "/" not in text and "\\" not in text:
        for folder in (user_home.profiles, builtin_profiles_dir()):
            if (folder / text / PROFILE_FILE).is_file():
                return folder / text
    if candidate.is_dir():
        raise NotFoundError(f"{candidate}: not a profile folder (no {PROFILE_FILE} inside)")
    known = [summary.id for summary in list_profiles(user_home)]
    raise NotFoundError(
        f"profile '{text}' not found{did_you_mean(text, known)} (profiles: {', '.join(known) or 'none'}; "
        "see `octobot profiles list`)"
    )


def _check_not_builtin(new_id: str, force: bool, flag: str) -> None:
    """A user profile named like a built-in one hides it everywhere (user profiles are looked up first):
    only with ``force``, never silently."""
    if not force and (builtin_profiles_dir() / new_id / PROFILE_FILE).is_file():
        raise UsageError(
            f"profile id '{new_id}' is the id of a built-in profile, which a user profile of that id would "
            f"hide; choose another id (e.g. 'my-{new_id}'), or add --force to hide the built-in one"
            + (f" (or {flag})" if flag else "")
        )


def copy_profile(source: str | Path, new_id: str, home: UserHome | None = None, force: bool = False) -> Path:
    """Copy a profile (built-in or user) to ``$OCTOBOT_HOME/profiles/<new_id>`` and rename it there."""
    user_home = (home or UserHome.resolve()).ensure()
    origin = find_profile(source, user_home)
    target = user_home.profiles / check_profile_id(new_id)
    _check_not_builtin(new_id, force, "")
    if target.exists():
        if not force:
            raise AlreadyExistsError(
                f"profile '{new_id}' already exists at {target} (use --force to replace it)"
            )
        shutil.rmtree(target)
    shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for path in [target, *target.rglob("*")]:  # a copy of read-only package data must be editable
        path.chmod(0o755 if path.is_dir() else 0o644)
    content = read_json(target / PROFILE_FILE, decimals=False)  # floats print back as written
    if isinstance(content, dict):
        content["name"] = new_id
        write_json(target / PROFILE_FILE, content)
    logger.info("copied profile %s to %s", origin, target)
    return target


def export_profile(source: str | Path, archive: Path, home: UserHome | None = None) -> Path:
    """Write the profile's JSON files into the zip ``archive``, under a folder named after the profile."""
    origin = find_profile(source, home)
    archive = archive.expanduser()
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(origin.rglob("*.json")):
            bundle.write(path, PurePosixPath(origin.name, *path.relative_to(origin).parts).as_posix())
    return archive


def _safe_members(bundle: zipfile.ZipFile, archive: Path) -> tuple[str, list[zipfile.ZipInfo]]:
    """The single top folder of the archive and its JSON members; ConfigError for anything unsafe."""
    members = [info for info in bundle.infolist() if not info.is_dir()]
    if sum(info.file_size for info in members) > _MAX_IMPORT_BYTES:
        raise ConfigError(f"{archive}: too large for a profile (over {_MAX_IMPORT_BYTES} bytes unpacked)")
    tops = set()
    for info in members:
        parts = PurePosixPath(info.filename).parts
        if info.filename.startswith("/") or ".." in parts or not parts:
            raise ConfigError(f"{archive}: unsafe path {info.filename!r} in the archive")
        if not info.filename.endswith(".json"):
            raise ConfigError(
                f"{archive}: unexpected file {info.filename!r} (a profile holds JSON files only)"
            )
        tops.add(parts[0] if len(parts) > 1 else "")
    if len(tops) != 1 or "" in tops:
        raise ConfigError(f"{archive}: expected every file inside one folder named after the profile")
    top = tops.pop()
    if f"{top}/{PROFILE_FILE}" not in {info.filename for info in members}:
        raise ConfigError(f"{archive}: no {top}/{PROFILE_FILE} in the archive: not an exported profile")
    return top, members


def import_profile(
    archive: Path, home: UserHome | None = None, new_id: str | None = None, force: bool = False
) -> Path:
    """Unpack a profile exported by `export_profile` into the user profiles (its profile.json validated)."""
    user_home = (home or UserHome.resolve()).ensure()
    archive = archive.expanduser()
    if not archive.is_file():
        raise NotFoundError(f"{archive}: file not found")
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise ConfigError(
            f"{archive}: not a zip archive (expected a file made by `octobot profiles export`)"
        ) from None
    with bundle, tempfile.TemporaryDirectory(dir=user_home.profiles) as scratch:
        top, members = _safe_members(bundle, archive)
        target = user_home.profiles / check_profile_id(new_id or top)
        _check_not_builtin(target.name, force, "--name ANOTHER_ID")
        if target.exists() and not force:
            raise AlreadyExistsError(
                f"profile '{target.name}' already exists at {target} (use --force or --name)"
            )
        unpacked = Path(scratch) / top
        for info in members:
            destination = Path(scratch, *PurePosixPath(info.filename).parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(bundle.read(info))
        content = read_json(unpacked / PROFILE_FILE)
        validate(content, PROFILE_SCHEMA, f"{archive}:{top}/{PROFILE_FILE}")
        if new_id:
            content = read_json(unpacked / PROFILE_FILE, decimals=False)  # floats print back as written
            content["name"] = new_id
            write_json(unpacked / PROFILE_FILE, content)
        if target.exists():
            shutil.rmtree(target)
        unpacked.rename(target)
    logger.info("imported profile %s from %s", target.name, archive)
    return target


SELECTED_FILE = "selected_profile.txt"


def selected_profile(home: UserHome | None = None) -> str:
    """The profile `octobot run` and `octobot backtest` use without --profile (chosen in the web
    interface; ``default`` until then, or when the chosen one was deleted)."""
    user_home = home or UserHome.resolve()
    path = user_home.root / SELECTED_FILE
    if path.is_file():
        chosen = path.read_text(encoding="utf-8").strip()
        if chosen and any(summary.id == chosen for summary in list_profiles(user_home)):
            return chosen
    return DEFAULT_PROFILE


def select_profile(profile_id: str, home: UserHome | None = None) -> str:
    """Make ``profile_id`` the selected profile (NotFoundError when there is no such profile)."""
    user_home = home or UserHome.resolve()
    find_profile(check_profile_id(profile_id), user_home)
    user_home.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    (user_home.root / SELECTED_FILE).write_text(profile_id + "\n", encoding="utf-8")
    return profile_id
