"""Finds recorded candles that can backtest a profile, so that `octobot backtest` runs without --data.

Why: a trader's first run should not start with a file hunt. The folders are searched in order (the user's
data folder first) for a file holding every pair and time frame of the profile: one of our data files as
it is, or a file in a format traders already have (OctoBot .data, freqtrade/ccxt CSV or JSON), which is
imported once into the user's data folder, said in the log, and reused afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import octobot_backtesting as ob
from octobot.data_errors import data_error
from octobot.errors import DataError
from octobot.home import UserHome
from octobot.profile import Profile

logger = logging.getLogger(__name__)

IMPORTED_PREFIX = "imported-"
_CANDLE_SUFFIXES = {".csv", ".json"}


def _series_of(path: Path) -> tuple[str, set[tuple[str, str]]] | None:
    """("ours" | "foreign", {(symbol, time frame)}) of a candle file, or None when it is none."""
    try:
        with ob.DataFileReader(path) as reader:
            return "ours", {(info.symbol, info.time_frame) for info in reader.series()}
    except ob.BacktestingError:
        pass
    try:
        with ob.OctoBotFileReader(path) as reader:
            return "foreign", set(reader.series())
    except ob.BacktestingError:
        pass
    if path.suffix.lower() in _CANDLE_SUFFIXES:
        try:
            return "foreign", {ob.parse_candle_file_name(path.name)}
        except ob.BacktestingError:
            return None
    return None


def _candidates(folders: Iterable[Path]) -> Iterable[Path]:
    for folder in folders:
        if folder.is_dir():
            yield from sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix != ".part")


def _imported(source: Path, home: UserHome, exchange: str | None = None) -> Path:
    """``source`` imported into the user's data folder (once); ``exchange`` names the exchange of files
    that do not record it (CSV, JSON)."""
    destination = home.data / f"{IMPORTED_PREFIX}{source.stem}.sqlite"
    if destination.exists() and destination.stat().st_mtime >= source.stat().st_mtime:
        return destination
    home.data.mkdir(parents=True, exist_ok=True)
    logger.warning("importing %s into %s (once; later runs reuse it)", source, destination)
    try:
        # a CSV/JSON file does not say its exchange: it is the profile's (an OctoBot file records its own)
        text_file = source.suffix.lower() in _CANDLE_SUFFIXES
        ob.import_files([source], destination, exchange=exchange if text_file else None, overwrite=True)
    except ob.BacktestingError as error:
        raise data_error(error) from error
    return destination


def as_data_file(path: Path, home: UserHome, exchange: str | None = None) -> Path:
    """``path`` when it is one of our data files; an OctoBot .data, CSV or JSON candle file imported
    once into the user's data folder (as the search does; ``exchange`` is a CSV/JSON file's exchange);
    else the DataError saying what it is and what to give instead."""
    found = _series_of(path)
    if found is not None:
        return path if found[0] == "ours" else _imported(path, home, exchange)
    try:
        with ob.DataFileReader(path):
            pass
    except ob.BacktestingError as error:
        if getattr(error, "fix_key", None) != "import":
            raise data_error(error) from error
    if path.suffix.lower() in _CANDLE_SUFFIXES:
        raise DataError(
            f"{path}: its name does not say its pair and time frame (like ETH_BTC-5m.csv); import it with "
            f"`octobot data import {path} --symbol ETH/BTC --time-frame 5m --to NAME`, then pass --data NAME"
        )
    raise DataError(
        f"{path} is neither a data file nor a candle file this bot imports; give a data file (see "
        "`octobot data list`), an OctoBot .data file, or CSV/JSON candles named like ETH_BTC-5m.csv"
    )


def find_backtest_data(profile: Profile, folders: Sequence[Path], home: UserHome) -> Path:
    """The first file of ``folders`` with every (pair, time frame) of ``profile``, imported if needed."""
    wanted = {(pair, str(time_frame)) for pair in profile.pairs for time_frame in profile.time_frames}
    for path in _candidates(folders):
        found = _series_of(path)
        if found is None or not wanted <= found[1]:
            continue
        kind, _ = found
        exchange = profile.exchanges[0] if profile.exchanges else None
        chosen = path if kind == "ours" else _imported(path, home, exchange)
        logger.info("backtesting %s on %s", profile.name, chosen)
        return chosen
    pairs = ", ".join(profile.pairs)
    frames = ", ".join(str(time_frame) for time_frame in profile.time_frames)
    searched = ", ".join(str(folder) for folder in folders) or "no folder"
    exchange = profile.exchanges[0] if profile.exchanges else "binance"
    symbols = " ".join(f"--symbol {pair}" for pair in profile.pairs)
    time_frames = " ".join(f"--time-frame {time_frame}" for time_frame in profile.time_frames)
    raise DataError(
        f"no data file with {pairs} at {frames} in {searched}; collect one with `octobot data collect "
        f"--exchange {exchange} {symbols} {time_frames} --start 2024-01-01 --to {profile.name}.sqlite` "
        "(needs the network), or pass --data FILE"
    )
