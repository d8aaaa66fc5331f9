"""How the web interface joins a run: the check that refuses an exposed address without a password, and
the web interface added to a profile's interfaces (`octobot run --web`). Kept light: the CLI imports it
before any of the server's modules."""

from __future__ import annotations

import ipaddress

from octobot.errors import WebError
from octobot.home import UserHome
from octobot.profile import Profile
from octobot.tentacle_registry import TentacleRegistry
from octobot.web import DEFAULT_HOST
from octobot.web.password import load_password_hash

WEB_INTERFACE = "WebInterface"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, password_set: bool) -> None:
    """WebError when ``host`` is reachable from other machines and no password protects the interface:
    anyone reaching the port could trade the account."""
    if not is_loopback(host) and not password_set:
        raise WebError(
            f"web: refusing to listen on {host} without a password (anyone reaching it could trade); "
            "set one with `octobot web --set-password`, or listen on 127.0.0.1"
        )


def with_web_interface(
    profile: Profile,
    registry: TentacleRegistry,
    home: UserHome,
    host: str | None = None,
    port: int | None = None,
) -> None:
    """Add the web interface to the interfaces the bot starts (as if the profile listed it), serving
    ``home``; an exposed address without a password is refused before the bot starts."""
    info = registry.get(WEB_INTERFACE)
    config = {**profile.tentacle_config(info.name), "home": str(home.root)}
    if host is not None:
        config["host"] = host
    if port is not None:
        config["port"] = port
    check_exposure(str(config.get("host", DEFAULT_HOST)), load_password_hash(home) is not None)
    if info.name not in profile.interfaces:
        profile.interfaces.append(info.name)
    profile.tentacles[info.name] = info
    profile.tentacle_configs[info.name] = config
