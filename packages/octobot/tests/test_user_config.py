"""User settings and secrets: owner-only file, environment overrides, masking everywhere."""

from __future__ import annotations

import json
import logging
import stat

import pytest

import octobot
from octobot.errors import ExitCode
from octobot.secret_masking import forget_secrets

from .helpers import run_cli

API_KEY = "x7Hq2LmP9vR4tY8wZ1aB3cD5eF6gJ0kN"  # key-like: 32 letters and digits
API_SECRET = "s3cr3t-V4lue"  # short and not key-like: masked only because it is registered


@pytest.fixture(autouse=True)
def _no_secret_left_behind():
    yield
    forget_secrets()


def test_the_user_config_is_created_owner_only(home):
    config = octobot.load_user_config(home)
    assert config.path == home.user_config
    assert stat.S_IMODE(config.path.stat().st_mode) == 0o600
    assert config.exchanges == {} and config.services == {}


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_user_config_readable_by_others_is_refused_with_the_chmod_to_run(home, mode):
    home.user_config.write_text(json.dumps({"exchanges": {"binance": {"api_key": API_KEY}}}))
    home.user_config.chmod(mode)
    with pytest.raises(octobot.InsecureUserConfigError) as raised:
        octobot.load_user_config(home)
    assert f"run `chmod 600 {home.user_config}`" in str(raised.value)
    code, _, err = run_cli("config", "show")
    assert code == ExitCode.INSECURE_USER_CONFIG == 11
    assert f"permissions {mode:04o}" in err and API_KEY not in err


def test_environment_variables_override_the_file(home):
    home.user_config.write_text(
        json.dumps({"exchanges": {"binance": {"api_key": "from-file-key", "api_secret": "from-file-secret"}}})
    )
    home.user_config.chmod(0o600)
    environ = {
        "OCTOBOT_EXCHANGE_BINANCE_API_KEY": API_KEY,
        "OCTOBOT_EXCHANGE_GATE_IO_API_SECRET": API_SECRET,  # an exchange id with an underscore
        "OCTOBOT_SERVICE_TELEGRAM_TOKEN": "123456:telegram-token",
    }
    config = octobot.load_user_config(home, environ=environ)
    assert config.exchange_credentials("binance") == {"api_key": API_KEY, "api_secret": "from-file-secret"}
    assert config.exchange_credentials("gate_io") == {"api_secret": API_SECRET}
    assert config.service("telegram") == {"token": "123456:telegram-token"}
    assert config.redacted()["exchanges"]["binance"] == {"api_key": "********", "api_secret": "********"}


def test_a_bad_user_config_names_the_key(home):
    home.user_config.write_text(json.dumps({"exchanges": {"binance": {"api_kye": "x"}}}))
    home.user_config.chmod(0o600)
    code, _, err = run_cli("config", "show")
    assert code == ExitCode.INVALID_CONFIG
    assert "unknown key 'api_kye' at exchanges.binance; did you mean 'api_key'?" in err


def test_config_show_masks_secrets_and_env_overrides_apply(home, monkeypatch):
    monkeypatch.setenv("OCTOBOT_EXCHANGE_BINANCE_API_KEY", API_KEY)
    monkeypatch.setenv("OCTOBOT_EXCHANGE_BINANCE_API_SECRET", API_SECRET)
    code, out, _ = run_cli("config", "show")
    assert code == 0
    assert json.loads(out)["exchanges"]["binance"] == {"api_key": "********", "api_secret": "********"}
    assert API_KEY not in out and API_SECRET not in out


def test_loaded_secrets_are_masked_in_logs(home, tmp_path):
    octobot.load_user_config(home, environ={"OCTOBOT_EXCHANGE_BINANCE_API_SECRET": API_SECRET})
    log_file = octobot.setup_logging(tmp_path / "logs", console_level="CRITICAL")
    try:
        logger = logging.getLogger("octobot_trading.exchanges")
        logger.warning("signing with secret %s", API_SECRET)
        logger.info("request apiKey=%s&nonce=1", "abc123")
        logger.info("header X-MBX-APIKEY: %s", API_KEY)
        try:
            raise ValueError(f"exchange refused key {API_SECRET}")
        except ValueError:
            logger.exception("order failed")
    finally:
        octobot.setup_logging(None, console_level="WARNING")
    text = log_file.read_text()
    assert API_SECRET not in text and API_KEY not in text and "abc123" not in text
    assert "signing with secret ********" in text
    assert "ValueError: exchange refused key ********" in text  # the traceback too
    assert text.count("********") == 4


def test_errors_shown_by_the_cli_are_masked(home, monkeypatch):
    monkeypatch.setenv("OCTOBOT_EXCHANGE_BINANCE_API_SECRET", API_SECRET)
    # a profile named after the secret: its "not found" error would echo it
    code, _, err = run_cli("profiles", "validate", API_SECRET)
    assert code == ExitCode.NOT_FOUND
    # the user config is only read by commands that need it; masking of key-like text needs nothing
    assert API_SECRET in err  # not registered yet: nothing loaded the user config
    run_cli("config", "path")
    code, _, err = run_cli("--debug", "profiles", "validate", API_SECRET)
    assert code == ExitCode.NOT_FOUND and API_SECRET not in err and "'********' not found" in err
    code, _, err = run_cli("profiles", "validate", API_KEY)
    assert API_KEY not in err


def test_mask_catches_key_like_text_without_hiding_ordinary_words():
    assert octobot.mask(f"key {API_KEY} used") == "key ******** used"
    assert octobot.mask('{"api_secret": "hunter2"}') == '{"api_secret": "********"}'
    assert octobot.mask("password=hunter2 next") == "password=******** next"
    ordinary = "loaded /work/main/packages/octobot/profiles/default BTC/USDT 1h at 1700000000000"
    assert octobot.mask(ordinary) == ordinary
    file_name = "import: AbstractExchangeHistoryCollector_1581774962.1269426.data"
    assert octobot.mask(file_name) == file_name
    hex_key = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert octobot.mask(f"X-MBX-APIKEY {hex_key}") == "X-MBX-APIKEY ********"


def test_package_log_levels(tmp_path):
    log_file = octobot.setup_logging(
        tmp_path / "logs", console_level="CRITICAL", file_level="DEBUG", package_levels={"ccxt": "ERROR"}
    )
    try:
        logging.getLogger("ccxt.base").warning("ccxt noise")
        logging.getLogger("octobot.bot").debug("bot detail")
    finally:
        octobot.setup_logging(None, console_level="WARNING")
    assert logging.getLogger("ccxt").level == logging.NOTSET  # the next call reset it
    text = log_file.read_text()
    assert "bot detail" in text and "ccxt noise" not in text
    with pytest.raises(octobot.ConfigError, match="did you mean 'DEBUG'"):
        octobot.setup_logging(None, console_level="DEBGU")
