"""`pip install <one of ours>` alone must work, for every package and each of its wheels (pure, compiled).

For each package: a brand-new environment gets the package's third-party requirements (and those of the
siblings it depends on) from the index; then, in turn, its pure wheels and its compiled wheels from
dist/ (--no-index, nothing else of ours can come in). Each time: every module of the package imports with
only what it declares, COMPILED says which wheel it is, no undeclared sibling was pulled in, and a small
use of the package works. The whole-bot test runs are `make test`'s pure and compiled environments.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from workspace import DIST_DIR, ROOT, Package, load_packages, requirement_name

# A small use of each package, on top of the generic checks (a package without one gets those only).
USES = {
    "octobot-channel": r"""
import asyncio
import octobot_channel as oc

class Prices(oc.Channel):
    FILTER_FIELDS = ("symbol",)

async def main():
    received = []
    async def on_price(message):
        received.append(message["price"])
    channel = await oc.create_channel(Prices, scope="smoke")
    await channel.new_consumer(on_price, filters={"symbol": "BTC/USDT"})
    producer = oc.Producer(channel)
    await producer.start()
    for symbol, price in (("BTC/USDT", 1), ("ETH/USDT", 2), ("BTC/USDT", 3)):
        await producer.send({"symbol": symbol, "price": price})
    for _ in range(10):
        await asyncio.sleep(0)
    await oc.delete_scope("smoke")
    assert received == [1, 3], received

asyncio.run(main())
""",
    "octobot-trading": r"""
import numpy as np
import octobot_trading as ot

buffer = ot.CandleBuffer("BTC/USDT", "1h", max_size=3)
buffer.load(np.array([[i * 3_600_000.0, 1.0, 2.0, 0.5, 1.0 + i, 5.0] for i in range(5)]))
assert buffer.closes().tolist() == [3.0, 4.0, 5.0], buffer.closes()
""",
    "octobot-evaluators": r"""
import octobot_evaluators as oe

assert oe.clamp_evaluation(3.0) == oe.STRONGEST_BUY and oe.clamp_evaluation(-3.0) == oe.STRONGEST_SELL
""",
    "octobot-backtesting": r"""
import sys, tempfile
from pathlib import Path
import numpy as np
import octobot_backtesting as ob

rows = np.array([[1_600_000_000_000 + i * 60_000.0, 1.0, 2.0, 0.5, 1.5, 10.0 + i] for i in range(20)])
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "smoke.data"
    with ob.DataFileWriter(path, exchange="binance", origin="smoke") as writer:
        writer.write_ohlcv("BTC/USDT", "1m", rows)
    with ob.DataFileReader(path) as reader:
        np.testing.assert_array_equal(reader.read_ohlcv("BTC/USDT", "1m"), rows)
""",
    "octobot-exchange-emulator": r"""
import asyncio
from decimal import Decimal
import aiohttp
import numpy as np
import octobot_exchange_emulator as emulator

rows = np.array([[1_600_000_000_000 + i * 60_000.0, 100.0, 101.0, 99.0, 100.5, 10.0] for i in range(20)])

async def main():
    exchange = emulator.ExchangeEmulator({"BTC/USDT": rows}, balances={"USDT": Decimal(100)}, history=10)
    async with exchange as emu:
        async with aiohttp.ClientSession() as session:
            async with session.get(emu.url + "/api/v3/klines?symbol=BTCUSDT&interval=1m") as answer:
                klines = await answer.json()
        assert len(klines) == 11, klines  # the closed history and the candle forming now
        assert await emu.advance(3) == 3 and emu.balance("USDT") == (Decimal(100), 0)

asyncio.run(main())
""",
    "octobot": r"""
import io
import octobot
from octobot.cli import main

out = io.StringIO()
assert main(["--version"], out=out) == 0
assert out.getvalue().strip() == f"octobot {octobot.__version__}", out.getvalue()
""",
}

# What every package must pass, whatever it is (argv: import name, expected COMPILED, allowed siblings).
GENERIC = r"""
import importlib, importlib.metadata as md, json, pkgutil, sys
import_name, compiled, allowed = sys.argv[1], json.loads(sys.argv[2]), set(json.loads(sys.argv[3]))
top = importlib.import_module(import_name)
names = [info.name for info in pkgutil.walk_packages(top.__path__, import_name + ".")]
for name in names:
    importlib.import_module(name)  # with only the declared requirements installed
assert top.COMPILED is compiled, f"{import_name}.COMPILED is {top.COMPILED}, expected {compiled}"
ours = {d.metadata["Name"] for d in md.distributions() if d.metadata["Name"].startswith("octobot")}
assert ours == allowed, f"installed {sorted(ours)}, expected {sorted(allowed)}"
print(f"  {import_name}: {len(names) + 1} modules import, COMPILED={top.COMPILED}")
"""


def _closure(package: Package, by_name: dict[str, Package]) -> list[Package]:
    """The package and the siblings it depends on, in dependency order."""
    wanted = {package.name}
    pending = [package]
    while pending:
        for requirement in pending.pop().dependencies:
            name = requirement_name(requirement)
            if name in by_name and name not in wanted:
                wanted.add(name)
                pending.append(by_name[name])
    return [p for p in by_name.values() if p.name in wanted]


def _wheels(package: Package) -> dict[str, Path]:
    """The package's wheels in dist/ by kind ("pure", "compiled"); no compiled one without hot modules."""
    stem = f"{package.import_name}-{package.version}-"
    found: dict[str, Path] = {}
    for wheel in sorted(DIST_DIR.glob(f"{stem}*.whl")):
        found["pure" if wheel.name.endswith("-py3-none-any.whl") else "compiled"] = wheel
    if "pure" not in found:
        sys.exit(f"check_dist: error: no pure wheel of {package.name} in {DIST_DIR}: run `make wheels`")
    if package.hot_modules() and "compiled" not in found:
        sys.exit(f"check_dist: error: no compiled wheel of {package.name} in {DIST_DIR}: run `make wheels`")
    return found


def _pip(python: str, *args: str) -> None:
    command = [python, "-m", "pip", "--disable-pip-version-check", "--quiet", *args]
    subprocess.run(command, check=True, cwd=ROOT)


def check(package: Package, by_name: dict[str, Package]) -> None:
    closure = _closure(package, by_name)
    requirements = [r for p in closure for r in p.dependencies if requirement_name(r) not in by_name]
    with tempfile.TemporaryDirectory(prefix=f"{package.name}-alone-") as folder:
        venv.EnvBuilder(with_pip=True).create(folder)
        python = str(Path(folder) / "bin" / "python")
        if requirements:
            # --no-compile: no byte-compiling of every installed file; Python compiles what is imported
            _pip(python, "install", "--no-compile", *dict.fromkeys(requirements))
        for kind, wheel in _wheels(package).items():
            siblings = [
                _wheels(p)[kind if kind in _wheels(p) else "pure"] for p in closure if p is not package
            ]
            print(f"{package.name} alone, {wheel.name}:", flush=True)
            _pip(python, "install", "--no-index", *map(str, [*siblings, wheel]))
            allowed = json.dumps(sorted(p.name for p in closure))
            compiled = json.dumps(kind == "compiled")
            subprocess.run(
                [python, "-c", GENERIC, package.import_name, compiled, allowed], check=True, cwd=folder
            )
            if package.name in USES:
                subprocess.run([python, "-c", USES[package.name]], check=True, cwd=folder)
            _pip(python, "uninstall", "--yes", *(p.name for p in closure))


def main() -> int:
    packages = load_packages()
    by_name = {p.name: p for p in packages}
    # one environment per package, independent: checked side by side (pip mostly waits on disk and unzip)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1) + 1) as pool:
        for done in [pool.submit(check, package, by_name) for package in packages]:
            done.result()  # the first failure is raised with its command
    print(f"check_dist: {len(packages)} packages, each wheel installs alone and works")
    return 0


if __name__ == "__main__":
    sys.exit(main())
