"""The web interface in a real browser (headless Chromium): every page three ways (no password; password
set and logged out: to the login page; logged in), logging in, editing a profile up to a validation
error shown beside its field, a backtest started from its page with its progress and report, and with a
running bot: the dashboard moving when a candle arrives, its daily profit bars and paused state following
the bot, the trades page's pages following new trades, an order cancelled from the orders page.
Screenshots of every page are kept (see browser_support)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

import octobot
from octobot.web.app import WebServer, create_context
from octobot.web.auth import WebAuth
from octobot.web.password import load_password_hash

from .browser_support import LoopThread, new_driver, screenshot_dir, severe_console_errors
from .web_live import HOLDING_AFTER, far_order, market_buy, web_bot
from .web_support import ApiClient


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    browser = new_driver()
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def driver(chromium: Any) -> Any:
    """The module's browser, as new for each test: no cookie, no console message of an earlier test."""
    chromium.get("about:blank")  # leaves the last test's page (and its reconnecting websocket)
    chromium.delete_all_cookies()
    chromium.get_log("browser")
    return chromium


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory)


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    thread = LoopThread()
    try:
        yield thread
    finally:
        thread.close()


@pytest.fixture
def server(home, builtin_tentacles, loop) -> Iterator[WebServer]:
    async def start() -> WebServer:
        registry = octobot.TentacleRegistry.discover(home.tentacles)
        return await WebServer(create_context(home, registry), "127.0.0.1", 0).start()

    started = loop.run(start())
    try:
        yield started
    finally:
        loop.run(started.stop())


def wait(driver: Any, condition: Any, timeout: float = 30) -> Any:
    """Waits out a page being replaced too: a form post navigates, and an element found on the old page
    goes stale while the condition reads it."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, ignored_exceptions=ignored).until(condition)


def click_and_load(driver: Any, element: Any) -> None:
    """Click what posts a form (or follows a link) and wait for the page that replaces this one: reading
    an element before that would read the old page (a past CI failure)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By

    old_page = driver.find_element(By.TAG_NAME, "html")

    def replaced(_driver: Any) -> bool:
        try:
            old_page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            # Chromium's other word for a stale element, when the page goes while it looks the node up
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    element.click()
    wait(driver, replaced)
    loaded(driver)


def by_css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def shown(driver: Any, selector: str) -> bool:
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.CSS_SELECTOR, selector)
    return bool(found) and found[0].is_displayed()


def pages(run_id: str, study_id: str) -> dict[str, str]:
    return {
        "dashboard": "/",
        "portfolio": "/portfolio",
        "orders": "/orders",
        "trades": "/trades",
        "matrix": "/matrix",
        "profiles": "/profiles",
        "profile": "/profiles/default",
        "tentacles": "/tentacles",
        "tentacle": "/tentacles/RSIMomentumEvaluator",
        "backtesting": "/backtesting",
        "backtest": f"/backtesting/{run_id}",
        "optimizer": "/optimizer",
        "optimization": f"/optimizer/{study_id}",
        "data": "/data",
        "data-file": "/data/btc",
        "logs": "/logs",
    }


def visit(driver: Any, server: WebServer, path: str) -> None:
    visit_url(driver, server.url + path)


def visit_url(driver: Any, url: str) -> None:
    """Open a page and wait until it is loaded and, for a page of the interface (not the login page),
    live: its websocket subscribed. Leaving a page while its websocket connects logs a console error."""
    driver.get(url)
    loaded(driver)


def loaded(driver: Any) -> None:
    wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    if shown(driver, "#ws-state"):
        wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")


def finished_backtest(loop: LoopThread, server: WebServer, data_file: Path) -> str:
    async def run() -> str:
        started = server.context.backtests.start("default", [data_file], None, None)
        assert (await server.context.backtests.wait(started.id)).status == "done"
        return started.id

    return loop.run(run())


#: a small study of the default profile on a week of the real BTC/USDT 1h file
SMALL_STUDY = {
    "space": {"RSIMomentumEvaluator": {"period": {"low": 7, "high": 21, "step": 7}}},
    "trials": 3,
    "sampler": "random",
    "workers": 1,
}


def finished_study(loop: LoopThread, server: WebServer, data_file: Path) -> str:
    async def run() -> str:
        jobs = server.context.optimizations
        started = await jobs.start("default", [data_file], SMALL_STUDY, 1523491200000, 1524182400000)
        assert (await jobs.wait(started.id)).status == "done"
        return started.id

    return loop.run(run())


def test_every_page_three_ways(driver, shots, server, loop, home, btc_data_file):
    run_id = finished_backtest(loop, server, btc_data_file)
    study_id = finished_study(loop, server, btc_data_file)
    for name, path in pages(run_id, study_id).items():
        visit(driver, server, path)
        assert driver.title.endswith("· OctoBot"), (path, driver.title)
        assert urlsplit(driver.current_url).path == path
        if name == "backtest":
            wait(driver, lambda d: by_css(d, "#bt-report").get_attribute("data-ready") == "1")
        if name == "optimization":
            wait(driver, lambda d: by_css(d, "#opt-result").get_attribute("data-ready") == "1")
        if name == "data-file":  # the candles of the file's first series, drawn
            wait(driver, lambda d: by_css(d, "#series-chart").get_attribute("data-ready") == "1")
            assert int(by_css(driver, "#series-chart").get_attribute("data-candles")) > 0
        driver.save_screenshot(str(shots / f"open-{name}.png"))
        assert severe_console_errors(driver) == [], path

    octobot.set_web_password(home, "a long password")
    server.context.auth = WebAuth(load_password_hash(home))
    for path in pages(run_id, study_id).values():
        visit(driver, server, path)
        where = urlsplit(driver.current_url)
        assert where.path == "/login", path
        assert parse_qs(where.query)["next"] == [path]
    driver.save_screenshot(str(shots / "login.png"))

    by_css(driver, "#password").send_keys("not it")
    click_and_load(driver, by_css(driver, "#login-form button"))
    assert shown(driver, "#login-error")
    assert by_css(driver, "#login-error").text == "Wrong password."
    severe_console_errors(driver)  # read (and so cleared): the refused login's 401
    by_css(driver, "#password").send_keys("a long password")
    click_and_load(driver, by_css(driver, "#login-form button"))
    assert urlsplit(driver.current_url).path == "/logs"  # the page asked for last
    for name, path in pages(run_id, study_id).items():
        visit(driver, server, path)
        assert urlsplit(driver.current_url).path == path, path
        assert by_css(driver, "h1").text
        driver.save_screenshot(str(shots / f"logged-in-{name}.png"))
        assert severe_console_errors(driver) == [], path
    assert "a long password" not in driver.page_source
    click_and_load(driver, by_css(driver, "form[action='/logout'] button"))
    assert urlsplit(driver.current_url).path == "/login"


def test_a_profile_edit_shows_the_validation_error_beside_the_field(driver, shots, server, home):
    visit(driver, server, "/profiles")
    row = "tr[data-profile='default']"
    by_css(driver, f"{row} .copy-form input[name=new_id]").send_keys("mine")
    click_and_load(driver, by_css(driver, f"{row} .copy-form button"))
    assert urlsplit(driver.current_url).path == "/profiles/mine"
    pairs = by_css(driver, "#f-pairs")
    assert pairs.get_attribute("value") == "BTC/USDT"
    pairs.clear()
    pairs.send_keys("BTC/USDT, ETHUSDT")
    click_and_load(driver, by_css(driver, "#profile-form button[type=submit]"))
    assert shown(driver, "#error-pairs")
    error = by_css(driver, "#error-pairs").text
    assert "ETHUSDT" in error and "BTC/USDT" in error  # the bad value and the expected form
    assert "has-error" in by_css(driver, "#f-pairs").find_element("xpath", "..").get_attribute("class")
    assert by_css(driver, "#f-pairs").get_attribute("value") == "BTC/USDT, ETHUSDT"  # kept as typed
    driver.save_screenshot(str(shots / "profile-validation-error.png"))
    assert json.loads((home.profiles / "mine" / "profile.json").read_text())["pairs"] == ["BTC/USDT"]
    field = by_css(driver, "#f-pairs")
    field.clear()
    field.send_keys("BTC/USDT")
    by_css(driver, "#f-risk").clear()
    by_css(driver, "#f-risk").send_keys("0.3")
    click_and_load(driver, by_css(driver, "#profile-form button[type=submit]"))
    assert shown(driver, "#saved")
    saved = json.loads((home.profiles / "mine" / "profile.json").read_text())
    assert saved["risk"] == "0.3" and saved["pairs"] == ["BTC/USDT"]


def test_a_backtest_runs_from_its_page_with_progress_and_report(driver, shots, server, btc_data_file):
    visit(driver, server, "/backtesting")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")
    driver.execute_script("document.getElementById('bt-start').value = '2018-04-10';")
    driver.execute_script("document.getElementById('bt-end').value = '2018-04-27';")
    by_css(driver, "#bt-run").click()
    wait(driver, lambda d: by_css(d, "#bt-progress").get_attribute("data-done") == "1", timeout=60)
    assert by_css(driver, "#bt-progress").get_attribute("data-progress") == "100"
    wait(driver, lambda d: by_css(d, "#bt-report").get_attribute("data-ready") == "1")
    figures = by_css(driver, "#report-figures").text
    assert "bot profitability" in figures and "trades" in figures
    assert "2018-04-10" in by_css(driver, "#bt-report h2").text
    driver.save_screenshot(str(shots / "backtest-report.png"))
    assert severe_console_errors(driver) == []
    visit(driver, server, "/backtesting")
    runs = driver.find_elements("css selector", "#runs-table tbody tr[data-run]")
    assert len(runs) == 1 and "done" in runs[0].text
    runs[0].find_element("css selector", "input[name=compare]").click()
    by_css(driver, "#compare-button").click()
    wait(driver, lambda d: shown(d, "#compare-chart canvas"))
    driver.save_screenshot(str(shots / "backtest-compare.png"))


def test_a_study_runs_from_the_optimizer_page_with_progress_and_results(
    driver, shots, server, home, btc_data_file
):
    visit(driver, server, "/optimizer")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")
    trials = by_css(driver, "#opt-trials")
    trials.clear()
    trials.send_keys("4")
    driver.execute_script("document.getElementById('opt-sampler').value = 'random';")
    driver.execute_script("document.getElementById('opt-workers').value = '2';")  # the local pool
    space = {"RSIMomentumEvaluator": {"period": {"low": 7, "high": 21, "step": 7}}}
    by_css(driver, "#opt-space").send_keys(json.dumps(space))
    by_css(driver, "#opt-run").click()
    wait(driver, lambda d: by_css(d, "#opt-result").get_attribute("data-ready") == "1", timeout=300)
    assert by_css(driver, "#opt-progress").get_attribute("data-over") == "done"
    assert by_css(driver, "#opt-progress").get_attribute("data-done") == "4"
    assert "4 / 4 trials" in by_css(driver, "#opt-progress").text
    assert by_css(driver, "#opt-best").text.startswith("best so far: trial")
    figures = by_css(driver, "#opt-figures").text.lower()  # headers are upper case by style
    assert "in sample" in figures and "out of sample" in figures and "profitability %" in figures
    rows = driver.find_elements("css selector", "#opt-trials tbody tr")
    assert rows and "RSIMomentumEvaluator.period=" in rows[0].text
    driver.save_screenshot(str(shots / "optimizer-results.png"))
    by_css(driver, "#opt-new-profile").send_keys("tuned")
    by_css(driver, "#save-best-form button").click()
    wait(driver, lambda d: shown(d, "#opt-saved"))
    assert "tuned" in by_css(driver, "#opt-saved").text
    assert (home.profiles / "tuned" / "profile.json").is_file()
    assert severe_console_errors(driver) == []
    visit(driver, server, "/optimizer")
    studies = driver.find_elements("css selector", "#studies-table tbody tr[data-run]")
    assert len(studies) == 1 and "done" in studies[0].text and "4 / 4" in studies[0].text


def test_data_is_imported_by_upload_and_collected_with_progress(
    driver, shots, server, loop, home, octobot_btc_file
):
    """The data page: a file imported through the upload form, then candles collected from a loopback
    exchange with the progress shown, and both files listed and inspectable."""
    import octobot_backtesting as ob
    from octobot_exchange_emulator import BinanceLikeServer

    visit(driver, server, "/data")
    by_css(driver, "#upload-form input[name=file]").send_keys(str(octobot_btc_file))
    by_css(driver, "#upload-form input[name=name]").send_keys("uploaded")
    click_and_load(driver, by_css(driver, "#upload-form button"))
    assert by_css(driver, "#data-message").text.startswith("Imported ")
    assert "uploaded.sqlite" in by_css(driver, "#data-table").text

    with ob.DataFileReader(home.data / "uploaded.sqlite") as reader:
        candles = reader.read_ohlcv("BTC/USDT", "1h")
    exchange = BinanceLikeServer({("BTC/USDT", "1h"): candles})
    loop.run(exchange.__aenter__())
    try:
        home.user_config.write_text(json.dumps({"exchanges": {"binance": {"ccxt": exchange.ccxt_config()}}}))
        home.user_config.chmod(0o600)
        visit(driver, server, "/data")
        wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")
        form = "#collect-form"
        driver.execute_script(
            "const f = document.getElementById('collect-form');"
            "f.elements.start.value = '2018-04-10'; f.elements.end.value = '2018-04-20';"
            "f.elements.name.value = 'collected';"
        )
        by_css(driver, f"{form} button").click()
        wait(driver, lambda d: by_css(d, "#collect-progress").get_attribute("data-done") == "1", timeout=60)
        assert by_css(driver, "#collect-progress").get_attribute("data-progress") == "100"
        assert int(by_css(driver, "#collect-progress").get_attribute("data-steps")) >= 1
        assert by_css(driver, "#collect-done").text == "Collected 240 candles into collected.sqlite."
        driver.save_screenshot(str(shots / "data-collected.png"))
        assert severe_console_errors(driver) == []
    finally:
        loop.run(exchange.__aexit__(None, None, None))
    click_and_load(driver, by_css(driver, "#collect-done a"))
    assert urlsplit(driver.current_url).path == "/data/collected.sqlite"
    assert "240" in by_css(driver, "#series-table").text


@pytest.fixture
def live(home, builtin_tentacles, btc_data_file, loop) -> Iterator[tuple[Any, str]]:
    """A bot of the default profile with its web interface, on the browser tests' loop thread."""
    context = web_bot(home, btc_data_file)
    fed, url = loop.run(context.__aenter__())
    loop.run(fed.feed(HOLDING_AFTER))
    try:
        yield fed, url
    finally:
        loop.run(context.__aexit__(None, None, None))


def test_the_dashboard_moves_when_a_candle_arrives(driver, shots, live, loop):
    fed, url = live
    loop.run(far_order(fed))
    driver.get(url + "/")
    chart = "#price-chart"
    wait(driver, lambda d: by_css(d, chart).get_attribute("data-ready") == "1")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")
    before = int(by_css(driver, chart).get_attribute("data-last-time"))
    assert before == int(fed.candles[HOLDING_AFTER - 1][0])
    assert by_css(driver, "#bot-state").text == "bot running"
    # the portfolio value and the profitability against the market: a point per closed candle so far
    assert int(by_css(driver, "#value-chart").get_attribute("data-points")) >= HOLDING_AFTER - 1
    profit_points = int(by_css(driver, "#profit-chart").get_attribute("data-points"))
    assert profit_points >= HOLDING_AFTER - 1
    # the open order is a price line, the entry's fill a marker
    assert by_css(driver, chart).get_attribute("data-order-lines") == "1"
    fills = [t for t in fed.manager.trader.trades() if t.symbol == "BTC/USDT"]
    assert int(by_css(driver, chart).get_attribute("data-trade-markers")) == len(fills) >= 1
    loop.run(fed.feed(1))
    expected = int(fed.candles[HOLDING_AFTER][0])
    wait(driver, lambda d: int(by_css(d, chart).get_attribute("data-last-time")) == expected)
    close = float(fed.candles[HOLDING_AFTER][4])
    assert float(by_css(driver, chart).get_attribute("data-last-close")) == pytest.approx(close)
    assert f"{close:,.2f}" in by_css(driver, "#last-candle").text
    # the candle moved the profitability against the market (a point of its chart) and the value
    wait(driver, lambda d: int(by_css(d, "#profit-chart").get_attribute("data-points")) == profit_points + 1)
    assert by_css(driver, "#bot-profit").text.endswith("%")
    assert by_css(driver, "#market-profit").text.endswith("pts")
    # a new order and a new fill are marked as they happen
    loop.run(far_order(fed))
    wait(driver, lambda d: by_css(d, chart).get_attribute("data-order-lines") == "2")
    loop.run(market_buy(fed))
    wait(driver, lambda d: int(by_css(d, chart).get_attribute("data-trade-markers")) == len(fills) + 1)
    driver.save_screenshot(str(shots / "live-dashboard.png"))
    assert severe_console_errors(driver) == []


def test_the_live_pages_follow_the_bot_from_the_websocket(driver, shots, live, loop):
    """Orders, trades, the evaluation matrix, the portfolio and the notifications change in place when
    the bot acts: no reload, no polling (the page's own document stays the one first loaded)."""
    fed, url = live

    def open_live(path: str) -> Any:
        visit_url(driver, url + path)
        wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")
        from selenium.webdriver.common.by import By

        return driver.find_element(By.TAG_NAME, "html")

    page = open_live("/orders")
    assert by_css(driver, "#order-count").text == "0"
    order_id = loop.run(far_order(fed))
    wait(driver, lambda d: shown(d, f"tr[data-order-id='{order_id}']"))
    assert by_css(driver, "#order-count").text == "1"
    loop.run(fed.bot.interfaces["WebInterface"].control.cancel_order(order_id))
    loop.run(fed.settle())
    wait(driver, lambda d: by_css(d, "#order-count").text == "0")
    assert driver.find_elements("css selector", "tr[data-order-id]") == []
    assert page.is_enabled()  # still the first document (a reload would make it stale)
    driver.save_screenshot(str(shots / "live-orders-followed.png"))

    page = open_live("/trades")
    count = int(by_css(driver, "#trade-count").text)
    loop.run(market_buy(fed))
    wait(driver, lambda d: int(by_css(d, "#trade-count").text) == count + 1)
    newest = fed.manager.trader.trades()[-1]
    assert by_css(driver, "#trades-table tbody tr").get_attribute("data-trade-id") == str(newest.trade_id)
    assert page.is_enabled()
    driver.save_screenshot(str(shots / "live-trades-followed.png"))

    page = open_live("/matrix")
    cells = driver.find_elements("css selector", "#matrix-table td.at")
    before = [cell.text for cell in cells]
    loop.run(fed.feed(1))
    wait(driver, lambda d: [cell.text for cell in cells] != before)  # the new candle's evaluations
    assert page.is_enabled()
    driver.save_screenshot(str(shots / "live-matrix-followed.png"))

    page = open_live("/portfolio")
    btc = by_css(driver, "tr[data-holding='binance|BTC'] .total")
    held = btc.text
    loop.run(market_buy(fed))
    wait(driver, lambda d: btc.text != held)
    assert page.is_enabled()

    page = open_live("/logs")
    notified = "#notifications li.notification"
    shown_before = len(driver.find_elements("css selector", notified))
    loop.run(market_buy(fed))
    wait(driver, lambda d: len(d.find_elements("css selector", notified)) > shown_before)
    assert "Order filled" in by_css(driver, "#notifications li.notification").text
    logging.getLogger("octobot.web.test").warning("a line logged while the page is open")
    wait(driver, lambda d: "a line logged while the page is open" in by_css(d, "#logs li").text)
    assert page.is_enabled()
    driver.save_screenshot(str(shots / "live-logs-followed.png"))
    assert severe_console_errors(driver) == []


LIVE_PAGES = {
    "dashboard": "/",
    "portfolio": "/portfolio",
    "orders": "/orders",
    "trades": "/trades",
    "matrix": "/matrix",
    "logs": "/logs",
}


def _shows_every_live_page(driver: Any, shots: Path, url: str, stage: str) -> None:
    """Each live page opens at its own path with what the bot has, no console error; a screenshot each."""
    for name, path in LIVE_PAGES.items():
        visit_url(driver, url + path)
        assert urlsplit(driver.current_url).path == path
        assert not shown(driver, "#no-bot"), path
        driver.save_screenshot(str(shots / f"{stage}-{name}.png"))
        assert severe_console_errors(driver) == [], path


def test_every_live_page_three_ways(driver, shots, live, loop, home):
    """The pages of a running bot: open with no password, to the login page once a password is set, and
    shown after logging in; each with what the bot has (not the "no bot running" notice)."""
    fed, url = live
    _shows_every_live_page(driver, shots, url, "live-open")

    server = fed.bot.interfaces["WebInterface"].server
    octobot.set_web_password(home, "a long password")
    server.context.auth = WebAuth(load_password_hash(home))
    for path in LIVE_PAGES.values():
        visit_url(driver, url + path)
        where = urlsplit(driver.current_url)
        assert where.path == "/login" and parse_qs(where.query)["next"] == [path], path
    by_css(driver, "#password").send_keys("a long password")
    click_and_load(driver, by_css(driver, "#login-form button"))
    _shows_every_live_page(driver, shots, url, "live-logged-in")
    visit_url(driver, url + "/portfolio")
    assert shown(driver, "tr[data-holding='binance|BTC']")


def test_an_order_is_cancelled_from_the_orders_page(driver, shots, live, loop):
    fed, url = live
    order_id = loop.run(far_order(fed))
    kept = loop.run(far_order(fed))
    visit_url(driver, url + "/orders")
    rows = driver.find_elements("css selector", "#orders-table tr[data-order-id]")
    assert sorted(row.get_attribute("data-order-id") for row in rows) == sorted([order_id, kept])
    driver.save_screenshot(str(shots / "live-orders.png"))
    click_and_load(driver, by_css(driver, f"tr[data-order-id='{order_id}'] .cancel-order"))
    assert by_css(driver, "#orders-message").text == f"Order {order_id} cancelled."
    rows = driver.find_elements("css selector", "#orders-table tr[data-order-id]")
    assert [row.get_attribute("data-order-id") for row in rows] == [kept]
    assert [o.order_id for o in fed.manager.trader.open_orders()] == [kept]
    click_and_load(driver, by_css(driver, "#cancel-all"))
    assert by_css(driver, "#orders-message").text == "All open orders cancelled."
    assert not fed.manager.trader.open_orders()
    assert by_css(driver, "#order-count").text == "0"


def test_the_dashboard_draws_the_daily_profit_and_follows_pauses(driver, shots, live, loop):
    """The realised profit per day as bars (the days with trades, as /profit/daily gives them), redrawn
    when a trade arrives; the entries' paused / active state follows a pause through the API and a
    resume from the page's button, without a reload."""
    fed, url = live
    control = fed.bot.interfaces["WebInterface"].control

    async def traded_days() -> list[list[Any]]:
        return [[f.day, str(f.realised_pnl), f.trades] for f in control.daily(30) if f.trades]

    def bars(d: Any) -> list[list[Any]]:
        return json.loads(by_css(d, "#daily-chart").get_attribute("data-bars") or "[]")

    visit_url(driver, url + "/")
    wait(driver, lambda d: by_css(d, "#price-chart").get_attribute("data-ready") == "1")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")
    page = driver.find_element("css selector", "html")
    assert driver.find_elements("css selector", "#daily-chart canvas")  # drawn by the charts library
    entry_days = loop.run(traded_days())
    assert entry_days and bars(driver) == entry_days  # the entry's day, with its trade(s)

    # selling everything realises a profit or a loss: the sell's day gets its bar from the trade event
    loop.run(control.force_exit("all"))
    loop.run(fed.settle())
    sell = fed.manager.trader.trades()[-1]
    assert sell.side.value == "sell" and sell.realised_pnl != 0
    after = loop.run(traded_days())
    assert after != entry_days
    wait(driver, lambda d: bars(d) == after)
    assert any(pnl != "0" for _day, pnl, _trades in after)
    assert f"{sum(trades for *_, trades in after)} trade(s)" in by_css(driver, "#daily-summary").text
    driver.execute_script("arguments[0].scrollIntoView()", by_css(driver, "#daily-chart"))
    driver.save_screenshot(str(shots / "live-dashboard-daily-profit.png"))
    driver.execute_script("window.scrollTo(0, 0)")

    # paused through the API (as a script or Telegram would): the dashboard shows it, no reload
    assert by_css(driver, "#entries-state").text == "active"

    async def pause_through_the_api() -> None:
        async with aiohttp.ClientSession() as session:
            api = await ApiClient.connect(session, url)
            await api.log_in()
            await api.call("POST", "/commands/{command}", 200, command="pause")

    loop.run(pause_through_the_api())
    wait(driver, lambda d: by_css(d, "#entries-state").text == "paused")
    assert by_css(driver, "#entries-toggle").text == "Resume entries"
    driver.save_screenshot(str(shots / "live-dashboard-paused.png"))
    by_css(driver, "#entries-toggle").click()
    wait(driver, lambda d: by_css(d, "#entries-state").text == "active")
    assert not control.paused and by_css(driver, "#entries-message").text == ""
    assert page.is_enabled()  # still the first document
    assert severe_console_errors(driver) == []


def test_the_trades_pages_follow_new_trades(driver, shots, live, loop):
    """ "page X / Y", the count and the link to older trades follow the trade events: the 51st trade makes
    a second page (50 a page), its oldest row leaves the first page, and an open second page counts it."""
    fed, url = live

    async def buys(count: int) -> None:
        for _ in range(count):
            await fed.manager.trader.create_order("BTC/USDT", "buy", "market", Decimal("0.0005"))
        await fed.settle()

    loop.run(buys(50 - len(fed.manager.trader.trades())))
    assert len(fed.manager.trader.trades()) == 50
    visit_url(driver, url + "/trades")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")
    page = driver.find_element("css selector", "html")
    assert (by_css(driver, "#page-number").text, by_css(driver, "#page-count").text) == ("1", "1")
    assert not shown(driver, "#older")
    oldest_shown = driver.find_elements("css selector", "#trades-table tbody tr")[-1].get_attribute(
        "data-trade-id"
    )

    loop.run(market_buy(fed))
    wait(driver, lambda d: by_css(d, "#trade-count").text == "51")
    wait(driver, lambda d: by_css(d, "#page-count").text == "2")
    assert shown(driver, "#older") and by_css(driver, "#page-number").text == "1"
    rows = driver.find_elements("css selector", "#trades-table tbody tr")
    assert len(rows) == 50 and rows[0].get_attribute("data-trade-id") == str(
        fed.manager.trader.trades()[-1].trade_id
    )
    assert not driver.find_elements("css selector", f"tr[data-trade-id='{oldest_shown}']")
    assert page.is_enabled()
    driver.save_screenshot(str(shots / "live-trades-paged.png"))

    click_and_load(driver, by_css(driver, "#older"))
    wait(driver, lambda d: d.execute_script("return document.body.dataset.live") == "1")
    assert by_css(driver, "#page-number").text == "2" and not shown(driver, "#older")
    assert [r.get_attribute("data-trade-id") for r in driver.find_elements("css selector", "tbody tr")] == [
        oldest_shown
    ]
    loop.run(market_buy(fed))
    wait(driver, lambda d: by_css(d, "#trade-count").text == "52")
    assert by_css(driver, "#page-count").text == "2"  # 52 trades: still two pages, this one as read
    assert len(driver.find_elements("css selector", "#trades-table tbody tr")) == 1
    assert severe_console_errors(driver) == []
