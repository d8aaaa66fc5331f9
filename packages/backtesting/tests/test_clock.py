import pytest

from octobot_backtesting import ClockError, SimulatedClock
from octobot_trading import Clock


def test_implements_trading_clock_protocol():
    clock = SimulatedClock(1_000)
    assert isinstance(clock, Clock)
    assert clock.now_ms() == 1_000


def test_moves_forward_and_stays_on_an_instant():
    clock = SimulatedClock(0)
    clock.advance_to(60_000)
    clock.advance_to(60_000)
    clock.advance_by(5)
    assert clock.now_ms() == 60_005


def test_refuses_to_go_backwards():
    clock = SimulatedClock(10_000)
    with pytest.raises(ClockError, match=r"backwards.*10000"):
        clock.advance_to(9_999)
    with pytest.raises(ClockError, match="negative"):
        clock.advance_by(-1)
    assert clock.now_ms() == 10_000


@pytest.mark.parametrize("bad", [1.5, "1000", True, None])
def test_refuses_non_int_times(bad):
    with pytest.raises(ClockError, match="int of milliseconds"):
        SimulatedClock(bad)
    with pytest.raises(ClockError, match="int of milliseconds"):
        SimulatedClock(0).advance_to(bad)


def test_monotonic_over_a_replay():
    clock = SimulatedClock(0)
    seen = []
    for step in range(1, 100):
        clock.advance_to(step * 300_000)
        seen.append(clock.now_ms())
    assert seen == sorted(seen)
    assert len(set(seen)) == len(seen)
