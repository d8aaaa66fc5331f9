"""Real-browser tests of the web interface: headless Chromium from the system packages (Debian's
`chromium` and `chromium-driver`, installed by the Makefile), driven by selenium with the system
chromedriver. Nothing is downloaded: Selenium Manager is kept offline and never asked for a driver.

The interface runs on its own event loop in a thread (selenium's calls block); a test reaches that loop
through `LoopThread.run`. Screenshots of every page are kept in ``$OCTOBOT_SCREENSHOTS`` (default: a
folder of the test session's tmp), as test artifacts.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver"
#: set by the Makefile: a missing browser fails the run instead of skipping the browser tests
REQUIRE_ENV = "OCTOBOT_REQUIRE_BROWSER"
SCREENSHOTS_ENV = "OCTOBOT_SCREENSHOTS"


def chromium_binary() -> str | None:
    return next((path for path in CHROMIUM if Path(path).is_file()), None)


def require_browser() -> str:
    binary = chromium_binary()
    if binary is None or not Path(CHROMEDRIVER).is_file() or shutil.which("chromedriver") is None:
        message = "headless Chromium not installed: `make browser` (apt-get install chromium chromium-driver)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(message)
        pytest.skip(message)
    return binary


def new_driver() -> Any:
    binary = require_browser()
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager never downloads anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1360,900",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    return driver


def severe_console_errors(driver: Any) -> list[str]:
    """The page's JavaScript errors (a failing module, an uncaught exception, a failed fetch)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class LoopThread:
    """An event loop in a thread: the interface (and a bot) live there while the browser is driven."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="web-test-loop", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
