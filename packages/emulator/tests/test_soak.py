"""The live account's soak on the exchange emulator, short: a few seeded rounds of random faults, the
invariants checked after each (see ``soak.py``). ``make soak`` runs a long one
(OCTOBOT_SOAK_ROUNDS, OCTOBOT_SOAK_SEED)."""

from __future__ import annotations

import os

from .helpers import needs_eth_btc
from .soak import run_soak

pytestmark = needs_eth_btc


async def test_a_short_soak_keeps_every_invariant(candles, tmp_path):
    rounds = int(os.environ.get("OCTOBOT_SOAK_ROUNDS", "6"))
    seed = int(os.environ.get("OCTOBOT_SOAK_SEED", "20261203"))
    report = await run_soak(candles, tmp_path, seed=seed, rounds=rounds)
    assert report.rounds == rounds
    assert sum(report.faults.values()) >= rounds  # every round had its faults
    assert report.exchange_trades > 0, report  # fills happened, and were checked
