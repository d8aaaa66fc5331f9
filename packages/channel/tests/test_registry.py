from __future__ import annotations

import pytest

import octobot_channel as oc


class TickerChannel(oc.Channel):
    pass


class OHLCVChannel(oc.Channel):
    FILTER_FIELDS = ("symbol", "time_frame")


async def test_create_get_list_delete(registry: oc.ChannelRegistry) -> None:
    ticker = await registry.create_channel(TickerChannel, "binance-1")
    ohlcv = await registry.create_channel(OHLCVChannel, "binance-1")
    assert registry.get_channel("TickerChannel", "binance-1") is ticker
    assert registry.get_channel(OHLCVChannel, "binance-1") is ohlcv
    assert registry.list_channels("binance-1") == [ticker, ohlcv]
    assert registry.list_channels("nowhere") == []
    assert registry.has_channel(TickerChannel, "binance-1")
    await registry.delete_channel("TickerChannel", "binance-1")
    assert ticker.is_closed
    assert not registry.has_channel(TickerChannel, "binance-1")
    assert registry.list_channels("binance-1") == [ohlcv]


async def test_missing_channel_error_names_scope_and_content(registry: oc.ChannelRegistry) -> None:
    await registry.create_channel(TickerChannel, "binance-1")
    with pytest.raises(oc.ChannelNotFoundError, match=r"OHLCVChannel.*binance-1.*TickerChannel"):
        registry.get_channel("OHLCVChannel", "binance-1")
    with pytest.raises(oc.ChannelNotFoundError, match="kraken"):
        registry.get_channel("TickerChannel", "kraken")
    with pytest.raises(oc.ChannelNotFoundError):
        await registry.delete_channel("OHLCVChannel", "binance-1")
    with pytest.raises(oc.ChannelNotFoundError, match="kraken"):
        await registry.delete_scope("kraken")
    # every error of the package is a ChannelError
    with pytest.raises(oc.ChannelError):
        registry.get_channel("OHLCVChannel", "binance-1")


async def test_registering_twice_is_an_error(registry: oc.ChannelRegistry) -> None:
    first = await registry.create_channel(TickerChannel, "binance-1")
    with pytest.raises(oc.ChannelExistsError, match=r"TickerChannel.*binance-1"):
        await registry.create_channel(TickerChannel, "binance-1")
    assert registry.get_channel(TickerChannel, "binance-1") is first
    # same class under an explicit other name is fine
    other = await registry.create_channel(TickerChannel, "binance-1", name="Ticker2")
    assert registry.get_channel("Ticker2", "binance-1") is other


async def test_delete_scope_stops_every_channel(registry: oc.ChannelRegistry) -> None:
    ticker = await registry.create_channel(TickerChannel, "bt-1")
    ohlcv = await registry.create_channel(OHLCVChannel, "bt-1")
    kept = await registry.create_channel(TickerChannel, "bt-2")
    await ticker.new_consumer(_noop)
    await registry.delete_scope("bt-1")
    assert ticker.is_closed and ohlcv.is_closed
    assert not kept.is_closed
    assert registry.list_scopes() == ["bt-2"]
    with pytest.raises(oc.ChannelClosedError):
        await ticker.new_consumer(_noop)


async def test_many_scopes_side_by_side(registry: oc.ChannelRegistry) -> None:
    received: dict[str, list] = {"a": [], "b": []}
    for scope in ("a", "b"):
        channel = await registry.create_channel(TickerChannel, scope)

        async def record(message: dict, scope: str = scope) -> None:
            received[scope].append(message["price"])

        await channel.new_consumer(record, supervised=True)
    channel_a = registry.get_channel(TickerChannel, "a")
    channel_b = registry.get_channel(TickerChannel, "b")
    assert channel_a is not channel_b
    producer_a, producer_b = oc.Producer(channel_a), oc.Producer(channel_b)
    await producer_a.send({"price": 1})
    await producer_b.send({"price": 2})
    await producer_a.send({"price": 3})
    await producer_a.wait_for_processing()
    await producer_b.wait_for_processing()
    assert received == {"a": [1, 3], "b": [2]}


async def test_module_functions_use_the_default_registry() -> None:
    channel = await oc.create_channel(TickerChannel, scope="module-test")
    try:
        assert oc.get_channel("TickerChannel", scope="module-test") is channel
        assert oc.default_registry().get_channel(TickerChannel, "module-test") is channel
        assert oc.list_channels(scope="module-test") == [channel]
        assert "module-test" in oc.list_scopes()
    finally:
        await oc.delete_scope("module-test")
    assert not oc.has_channel(TickerChannel, "module-test")


async def _noop(message: dict) -> None:
    return None
