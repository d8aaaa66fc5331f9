"""`pip install octobot-channel` alone must work: installs it from dist/ into a brand-new environment
(with --no-index, so nothing else can come in) and runs a producer/consumer round trip there.

The whole-bot counterpart (`pip install octobot` from dist/ into a brand-new environment) is the compiled
environment that `make test` builds and tests.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from workspace import DIST_DIR

SMOKE = r"""
import asyncio, importlib.metadata as md, sys
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
names = [d.metadata["Name"] for d in md.distributions()]
others = [n for n in names if n.startswith("octobot") and n != "octobot-channel"]
assert not others, f"octobot-channel pulled in {others}"
print(f"octobot-channel alone: OK (compiled={oc.COMPILED})")
"""


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="octobot-channel-alone-") as folder:
        venv.EnvBuilder(with_pip=True).create(folder)
        python = str(Path(folder) / "bin" / "python")
        subprocess.run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-index",
                "--find-links",
                str(DIST_DIR),
                "octobot-channel",
            ],
            check=True,
        )
        subprocess.run([python, "-c", SMOKE], check=True, cwd=folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
