import pytest

import octobot_trading as ot
from octobot_trading import TimeFrame

EXPECTED_MINUTES = {
    "1m": 1,
    "3m": 3,
    "5m": 5,
    "15m": 15,
    "30m": 30,
    "1h": 60,
    "2h": 120,
    "4h": 240,
    "6h": 360,
    "8h": 480,
    "12h": 720,
    "1d": 1440,
    "3d": 4320,
    "1w": 10080,
    "1M": 43200,
}


def test_every_time_frame_and_its_length():
    assert [tf.value for tf in ot.ALL_TIME_FRAMES] == list(EXPECTED_MINUTES)
    for text, minutes in EXPECTED_MINUTES.items():
        tf = ot.parse_time_frame(text)
        assert tf.ms == minutes * 60_000
        assert tf.seconds == minutes * 60
        assert str(tf) == text and f"{tf}" == text
        assert tf == text  # a str enum: usable wherever the ccxt string is expected


def test_every_length_is_ccxts_and_a_month_is_thirty_days():
    import ccxt

    for tf in ot.ALL_TIME_FRAMES:
        assert tf.ms == ccxt.Exchange.parse_timeframe(tf.value) * 1000
    assert TimeFrame.ONE_MONTH.ms == 30 * 86_400_000


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("1hr", "1h"),
        ("1H", "1h"),
        ("60m", "1h"),
        ("1min", "1m"),
        ("4hour", "4h"),
        ("7d", "1w"),
        ("1mo", "1M"),
        ("24h", "1d"),
        ("1week", "1w"),
    ],
)
def test_unknown_time_frame_suggests_the_closest(text, suggestion):
    with pytest.raises(ot.UnknownTimeFrameError) as info:
        ot.parse_time_frame(text)
    assert str(info.value) == (
        f"unknown time frame '{text}'; did you mean '{suggestion}'? valid: "
        "1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1M"
    )


def test_unknown_time_frame_without_a_close_match_lists_the_valid_ones():
    with pytest.raises(ot.UnknownTimeFrameError, match=r"unknown time frame 'banana'; valid: 1m, 3m") as info:
        ot.parse_time_frame("banana")
    assert "did you mean" not in str(info.value)
    with pytest.raises(ot.UnknownTimeFrameError):
        ot.parse_time_frame(60)  # type: ignore[arg-type]


def test_ordering_helpers():
    mixed = ["1d", TimeFrame.ONE_MINUTE, "1M", "4h", "1h", "1d"]
    assert ot.sort_time_frames(mixed) == [
        TimeFrame.ONE_MINUTE,
        TimeFrame.ONE_HOUR,
        TimeFrame.FOUR_HOURS,
        TimeFrame.ONE_DAY,
        TimeFrame.ONE_MONTH,
    ]
    assert ot.sort_time_frames(mixed, reverse=True)[0] is TimeFrame.ONE_MONTH
    assert ot.smallest_time_frame(["1w", "15m", "3m"]) is TimeFrame.THREE_MINUTES
    assert ot.largest_time_frame(["1w", "15m", "3d"]) is TimeFrame.ONE_WEEK
    with pytest.raises(ot.UnknownTimeFrameError, match="no time frame given"):
        ot.smallest_time_frame([])
    with pytest.raises(ot.UnknownTimeFrameError, match="did you mean '1h'"):
        ot.sort_time_frames(["1m", "1hr"])


def test_time_frames_compare_by_duration():
    assert TimeFrame.ONE_MINUTE < TimeFrame.ONE_HOUR < TimeFrame.ONE_DAY < TimeFrame.ONE_MONTH
    assert TimeFrame.ONE_HOUR > TimeFrame.THIRTY_MINUTES and TimeFrame.ONE_HOUR >= TimeFrame.ONE_HOUR
    assert TimeFrame.TWELVE_HOURS <= TimeFrame.ONE_DAY
    assert max([TimeFrame.ONE_HOUR, TimeFrame.ONE_DAY, TimeFrame.FIVE_MINUTES]) is TimeFrame.ONE_DAY
    assert sorted(ot.ALL_TIME_FRAMES, reverse=True)[0] is TimeFrame.ONE_MONTH
    assert {TimeFrame.ONE_HOUR: 1}["1h"] == 1  # still hashed and equal as its string
