from __future__ import annotations

import pytest

from octobot_channel import demo


async def test_demo_tells_what_happens(capsys: pytest.CaptureFixture[str]) -> None:
    await demo.main()
    out = capsys.readouterr().out
    assert "resumed" in out and "paused" in out
    assert out.count("HIGH BTC price cache") == 2  # filtered: the ETH price never reaches it
    step3 = out[out.index("step 3: sent") :]
    order = ["HIGH price cache", "MEDIUM evaluator", "HIGH strategy", "OPTIONAL dashboard", "drained 4"]
    positions = [step3.index(label) for label in order]
    assert positions == sorted(positions)
