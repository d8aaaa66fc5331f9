"""The web interface's password: stored as an argon2id hash (salted, slow on purpose) in the user folder.

Why a file of its own, owner-only: the hash is a secret too (it can be attacked offline); it is kept out
of the user config so that a user can share that config's shape without it, and out of profiles.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import argon2

from octobot.errors import ConfigError
from octobot.home import UserHome
from octobot.json_files import read_json, write_json

PASSWORD_FILE = "web_password.json"
MIN_LENGTH = 8
_hasher = argon2.PasswordHasher()


def password_path(home: UserHome) -> Path:
    return home.root / PASSWORD_FILE


def set_password(home: UserHome, password: str) -> Path:
    """Store the hash of ``password`` (ConfigError when it is shorter than MIN_LENGTH)."""
    if len(password) < MIN_LENGTH:
        raise ConfigError(f"web password: use at least {MIN_LENGTH} characters (got {len(password)})")
    home.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = password_path(home)
    write_json(path, {"password_hash": _hasher.hash(password)}, mode=0o600)
    return path


def clear_password(home: UserHome) -> bool:
    """Remove the password; True when there was one."""
    path = password_path(home)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def load_password_hash(home: UserHome) -> str | None:
    """The stored hash, or None when no password is set. ConfigError when the file is unusable."""
    path = password_path(home)
    if not path.exists():
        return None
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise ConfigError(f"{path}: readable by other users; run `chmod 600 {path}`")
    content = read_json(path, decimals=False)
    value = content.get("password_hash") if isinstance(content, dict) else None
    if not isinstance(value, str) or not value.startswith("$argon2"):
        raise ConfigError(
            f"{path}: key 'password_hash' is missing or not an argon2 hash; set it again with "
            "`octobot web --set-password`"
        )
    return value


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except argon2.exceptions.VerificationError:
        return False
    except argon2.exceptions.InvalidHashError:
        return False
