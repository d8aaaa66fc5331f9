"""The web interface's assets ship with the package (the wheel holds them): every script, style and
image a page or module names is installed, and nothing is fetched from another site (no CDN)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

WEB = Path(str(resources.files("octobot.web")))
_LOCAL = re.compile(r"""(?:src|href)="(/static/[^"]+)"|from '(/static/[^']+)'""")
_REMOTE = re.compile(
    r"""(?:src|href)="(https?:)?//|from '(https?:)?//|import\(['"]https?:|url\(['"]?https?:"""
)


def _sources() -> list[Path]:
    return [*WEB.glob("templates/*.html"), *WEB.glob("static/js/*.js"), *WEB.glob("static/*.css")]


def test_every_asset_a_page_names_is_installed():
    named = set()
    for path in _sources():
        for match in _LOCAL.finditer(path.read_text(encoding="utf-8")):
            named.add(match.group(1) or match.group(2))
    assert "/static/vendor/lightweight-charts.standalone.production.mjs" in named
    missing = sorted(name for name in named if not (WEB / name.removeprefix("/")).is_file())
    assert missing == []


def test_nothing_is_loaded_from_another_site():
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        assert not _REMOTE.search(text.replace('href="https://www.tradingview.com/"', "")), path.name


def test_the_chart_library_ships_with_its_license():
    license_text = (WEB / "static" / "vendor" / "lightweight-charts.LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text and "Version 2.0" in license_text


def test_pages_update_from_the_websocket_never_by_polling():
    """No page script repeats a request on a timer or reloads itself: the one timer is the websocket's
    reconnection after the server went away (live.js), and every request goes through live.js."""
    timers = re.compile(
        r"\bsetInterval\s*\(|\bsetTimeout\s*\(|location\.reload\s*\(|\brequestAnimationFrame\s*\("
    )
    for path in WEB.glob("static/js/*.js"):
        text = path.read_text(encoding="utf-8")
        found = timers.findall(text)
        if path.name == "live.js":
            assert found == ["setTimeout("] and "setTimeout(connect," in text
        else:
            assert found == [], path.name
            assert "fetch(" not in text and "XMLHttpRequest" not in text, path.name
