"""The emulator's clocks: the replayed market's (open time of the forming candle), the one /api/v3/time
answers, and the ones a signed request's timestamp may be stamped on.

Why more than one: a client corrects its clock from /time once and then counts real time, as against a
real exchange, while the replayed market runs ``speed`` times faster (or jumps a candle at each
``advance()``); the emulator must accept what such a client signs, a few milliseconds or candles later.
"""

from __future__ import annotations

import time
from collections import deque

from octobot_exchange_emulator.errors import EmulatorError
from octobot_exchange_emulator.price_replay import PriceReplay

#: what /api/v3/time may answer
SERVER_CLOCKS = ("wall", "market")


class MarketClock:
    """Clocks of one replay. ``server_clock``: what /time answers, "wall" (the machine's clock; market
    data stays in its recorded time) or "market" (``server_time_ms()``)."""

    def __init__(self, replay: PriceReplay, server_clock: str = "wall") -> None:
        if server_clock not in SERVER_CLOCKS:
            raise EmulatorError(f"server_clock must be 'wall' or 'market', got {server_clock!r}")
        self.replay = replay
        self.server_clock = server_clock
        #: replay speed while running in real time (None: driven by ``advance()``)
        self._run_speed: float | None = None
        self._step_wall = time.monotonic()
        #: recent "market" /time answers and the wall time (ms) each was given at
        self._time_answers: deque[tuple[int, int]] = deque(maxlen=64)

    @property
    def now_ms(self) -> int:
        """The market clock: open time of the candle forming now."""
        return self.replay.now_ms

    def running(self, speed: float | None) -> None:
        """The replay runs in real time at ``speed`` from now (None: it stopped)."""
        self._run_speed = speed
        self._step_wall = time.monotonic()

    def stepped(self) -> None:
        """A candle closed now (the server clock restarts from the new forming candle)."""
        self._step_wall = time.monotonic()

    def server_time_ms(self) -> int:
        """The exchange's clock: ``now_ms`` while driven by ``advance()``; when running in real time, it
        also moves between candles (at the run's speed, up to the next close)."""
        if self._run_speed is None:
            return self.now_ms
        elapsed = int((time.monotonic() - self._step_wall) * 1000 * self._run_speed)
        return self.now_ms + min(max(elapsed, 0), self.replay.time_frame.ms - 1)

    def time_answer(self) -> int:
        """What /api/v3/time (and the WebSocket API's ``time``) answers now; a "market" answer is
        remembered with the wall time it was given at (see ``accepted_clocks``)."""
        wall_ms = int(time.time() * 1000)
        if self.server_clock == "wall":
            return wall_ms
        answer = self.server_time_ms()
        self._time_answers.append((answer, wall_ms))
        return answer

    def accepted_clocks(self) -> list[int]:
        """The clocks a signed request's timestamp is checked against (besides the wall clock): the
        market clock now, and each market time recently answered by /time moved on by the REAL time
        elapsed since (see module doc)."""
        wall_ms = int(time.time() * 1000)
        return [self.server_time_ms(), *(answer + wall_ms - at for answer, at in self._time_answers)]
