# cython: annotation_typing=False
"""The evaluation matrix: the latest evaluation of every evaluator, and the channels that announce them.

One matrix per bot and one per backtest run; its id scopes its channels, so many coexist in a process.
Publishing writes the cell and notifies the Matrix channel; the matrix never calls an evaluator itself.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Iterable
from typing import cast

import octobot_channel as oc
from octobot_evaluators.channels import EvaluatorsChannel, MatrixChannel, SocialFeedChannel
from octobot_evaluators.errors import MatrixError
from octobot_evaluators.evaluation import validate_evaluation
from octobot_evaluators.evaluation_entry import Evaluation
from octobot_evaluators.evaluator_type import EvaluatorType
from octobot_evaluators.matrix_key import MatrixKey
from octobot_evaluators.time_frames import EPOCH_GRID_MS, time_frame_ms
from octobot_evaluators.time_frames import valid_until as freshness_end

logger = logging.getLogger(__name__)


class EvaluationMatrix:
    """Evaluations keyed by `MatrixKey`, with freshness and cycle queries.

    ``allowed_lag_ms`` widens freshness live (data arrives a little after a candle closes); keep it 0 in
    backtesting, where time is exact.
    """

    def __init__(self, matrix_id: str | None = None, *, allowed_lag_ms: int = 0) -> None:
        if allowed_lag_ms < 0:
            raise MatrixError(f"allowed_lag_ms must be >= 0, got {allowed_lag_ms}")
        self.matrix_id: str = matrix_id or f"matrix-{uuid.uuid4().hex[:12]}"
        self.allowed_lag_ms: int = allowed_lag_ms
        self._evaluations: dict[MatrixKey, Evaluation] = {}
        self._registered: dict[MatrixKey, None] = {}  # ordered set
        # (exchange, evaluator_type, symbol) -> keys, for the per-symbol queries strategies make
        self._by_symbol: dict[tuple[str, str, str], list[MatrixKey]] = {}
        # (exchange, evaluator_type, symbol, time frames) -> the keys a cycle or a query covers, resolved
        # once and read back on every candle; cleared when a key registers
        self._groups: dict[tuple, tuple[MatrixKey, ...]] = {}
        self._headings: dict[MatrixKey, dict] = {}  # key -> the key fields of its messages
        self._matrix_producer: oc.Producer | None = None
        self._evaluators_producer: oc.Producer | None = None

    # ----------------------------------------------------------------- lifecycle
    async def start(self, synchronizer: oc.Synchronizer | None = None) -> None:
        """Create this matrix's channels (synchronized when a backtest passes its synchronizer)."""
        if self._matrix_producer is not None:
            raise MatrixError(f"matrix {self.matrix_id!r} is already started")
        matrix_channel = await oc.create_channel(
            MatrixChannel, scope=self.matrix_id, synchronizer=synchronizer
        )
        evaluators_channel = await oc.create_channel(
            EvaluatorsChannel, scope=self.matrix_id, synchronizer=synchronizer
        )
        # social feeds publish into the matrix's scope, drained with it in backtests
        await oc.create_channel(SocialFeedChannel, scope=self.matrix_id, synchronizer=synchronizer)
        self._matrix_producer = oc.Producer(matrix_channel)
        self._evaluators_producer = oc.Producer(evaluators_channel)
        await self._matrix_producer.start()
        await self._evaluators_producer.start()

    async def stop(self) -> None:
        """Stop and remove every channel of this matrix's scope."""
        if self._matrix_producer is None:
            return
        self._matrix_producer = self._evaluators_producer = None
        await oc.delete_scope(self.matrix_id)

    @property
    def started(self) -> bool:
        return self._matrix_producer is not None

    @property
    def matrix_channel(self) -> MatrixChannel:
        return cast(MatrixChannel, self._require_started()[0].channel)

    @property
    def evaluators_channel(self) -> EvaluatorsChannel:
        return cast(EvaluatorsChannel, self._require_started()[1].channel)

    def _require_started(self) -> tuple[oc.Producer, oc.Producer]:
        if self._matrix_producer is None or self._evaluators_producer is None:
            raise MatrixError(f"matrix {self.matrix_id!r} is not started: await matrix.start() first")
        return self._matrix_producer, self._evaluators_producer

    # ----------------------------------------------------------------- keys
    def register(self, key: MatrixKey) -> None:
        """Declare a key before its first evaluation, so strategies know what a full cycle waits for."""
        if key in self._registered:
            return
        if not isinstance(key, MatrixKey):
            raise MatrixError(f"expected a MatrixKey, got {key!r}")
        if key.time_frame is not None:
            time_frame_ms(key.time_frame)  # refuse an unknown time frame now, not at the first candle
        self._registered[key] = None
        index = (key.exchange, key.evaluator_type, key.symbol)
        self._by_symbol.setdefault(index, []).append(key)
        self._groups = {}

    def registered_keys(
        self,
        *,
        exchange: str | None = None,
        evaluator_type: EvaluatorType | None = None,
        evaluator_name: str | None = None,
        symbol: str | None = None,
        time_frame: str | None = None,
    ) -> list[MatrixKey]:
        """Registered keys matching every given field (None = any)."""
        wanted = {
            "exchange": exchange,
            "evaluator_type": evaluator_type,
            "evaluator_name": evaluator_name,
            "symbol": symbol,
            "time_frame": time_frame,
        }
        wanted = {field: value for field, value in wanted.items() if value is not None}
        return [
            key
            for key in self._registered
            if all(getattr(key, field) == value for field, value in wanted.items())
        ]

    # ----------------------------------------------------------------- writes
    def write(
        self, key: MatrixKey, value: float | None, time: int, valid_until: int | None = None
    ) -> Evaluation:
        """Validate and store an evaluation without notifying anyone (loading a saved state, tests)."""
        if value is not None and (type(value) is not float or not -1.0 <= value <= 1.0):  # NaN too
            value = validate_evaluation(value, key.evaluator_name)  # converts, or raises naming it
        if key not in self._registered:
            self.register(key)
        if valid_until is None:
            time_frame = key.time_frame
            if time_frame is not None:
                grid = EPOCH_GRID_MS.get(time_frame)
                if grid and type(time) is int:  # freshness_end inlined: the next close on the grid
                    valid_until = time - time % grid + grid
                else:
                    valid_until = freshness_end(time, time_frame)
        # the cell without a call to Evaluation.__init__ (C field writes in the compiled build)
        entry = Evaluation.__new__(Evaluation)
        entry.value = value
        entry.time = time
        entry.valid_until = valid_until
        self._evaluations[key] = entry
        return entry

    def publish(
        self,
        key: MatrixKey,
        value: float | None,
        time: int,
        *,
        valid_until: int | None = None,
        refresh: bool = False,
    ) -> Awaitable[None]:
        """Store an evaluation and announce it on the Matrix channel; await the result.

        The cell is written at the call (`get` sees it at once); the returned awaitable is the channel's
        delivery, already complete unless a consumer's queue is full (so no coroutine per evaluation).
        """
        return self._send(key, value, time, valid_until, refresh)

    def _send(
        self, key: MatrixKey, value: float | None, time: int, valid_until: int | None, refresh: bool
    ) -> Awaitable[None]:
        """`publish` without its keyword arguments: the evaluators' per-candle path calls it (a C call
        in the compiled build)."""
        producer = self._matrix_producer
        if producer is None:
            producer = self._require_started()[0]  # raises: not started
        entry = self.write(key, value, time, valid_until)
        heading = self._headings.get(key)
        if heading is None:
            heading = self._headings[key] = {
                "key": key,
                "matrix_id": self.matrix_id,
                "exchange": key.exchange,
                "evaluator_type": key.evaluator_type,
                "evaluator_name": key.evaluator_name,
                "cryptocurrency": key.cryptocurrency,
                "symbol": key.symbol,
                "time_frame": key.time_frame,
            }
        # a copy of the key's fields, then the evaluation's: cheaper than building the whole message
        message = heading.copy()
        message["evaluation"] = entry.value
        message["evaluation_time"] = entry.time
        message["valid_until"] = entry.valid_until
        message["refresh"] = refresh
        return producer.send(message)

    async def send_command(self, message: dict) -> None:
        """Send a command (see `EvaluatorsChannel`) to the evaluators of this matrix."""
        await self._require_started()[1].send(message)

    def reset(self, keys: Iterable[MatrixKey] | None = None) -> None:
        """Forget the values of ``keys`` (all when None); registrations stay."""
        if keys is None:
            self._evaluations.clear()
            return
        for key in keys:
            self._evaluations.pop(key, None)

    # ----------------------------------------------------------------- queries
    def get(self, key: MatrixKey) -> Evaluation | None:
        """The latest evaluation of ``key``, or None when it never evaluated."""
        return self._evaluations.get(key)

    def get_value(self, key: MatrixKey) -> float | None:
        """The latest value of ``key`` (None: never evaluated or no opinion)."""
        entry = self._evaluations.get(key)
        return None if entry is None else entry.value

    def evaluations(
        self,
        exchange: str,
        evaluator_type: EvaluatorType,
        symbol: str,
        time_frames: Iterable[str] | None = None,
    ) -> dict[MatrixKey, Evaluation | None]:
        """Every registered evaluation of a type for a symbol (None for keys not evaluated yet)."""
        keys: Iterable[MatrixKey] | None = self._by_symbol.get((exchange, evaluator_type, symbol))
        if not keys:
            return {}
        if time_frames is not None:
            keys = self._group(exchange, evaluator_type, symbol, time_frames)
        return dict(zip(keys, map(self._evaluations.get, keys), strict=True))  # no Python frame

    def opinions(
        self,
        exchange: str,
        evaluator_type: EvaluatorType,
        symbol: str,
        time_frames: Iterable[str] | None = None,
    ) -> list[float]:
        """The values of the registered evaluations of a type for a symbol that hold an opinion (skipping
        keys never evaluated and None), in registration order: what an averaging strategy reads.

        Why beside `evaluations`: no dict and no entry to unpack per key on a strategy's per-candle path.
        """
        values: list[float] = []
        keys: Iterable[MatrixKey] | None
        if time_frames is not None:  # the cached group: one lookup (empty when no key is registered)
            keys = self._group(exchange, evaluator_type, symbol, time_frames)
        else:
            keys = self._by_symbol.get((exchange, evaluator_type, symbol))
            if not keys:
                return values
        evaluations = self._evaluations
        for key in keys:
            entry = evaluations.get(key)
            if entry is not None:
                value = entry.value
                if value is not None:
                    values.append(value)
        return values

    def _group(
        self, exchange: str, evaluator_type: EvaluatorType, symbol: str, time_frames: Iterable[str]
    ) -> tuple:
        """The registered keys of (exchange, type, symbol) on ``time_frames``, in registration order.

        Why cached: strategies ask for the same group on every candle; it only changes when a key registers.
        """
        wanted = time_frames if type(time_frames) is frozenset else frozenset(time_frames)
        group = (exchange, evaluator_type, symbol, wanted)
        keys = self._groups.get(group)
        if keys is None:
            found = []
            for key in self._by_symbol.get((exchange, evaluator_type, symbol), ()):
                if key.time_frame in wanted:
                    found.append(key)
            keys = self._groups[group] = tuple(found)
        return keys

    def latest_evaluation_time(
        self, exchange: str, symbol: str, evaluator_type: EvaluatorType | None = None
    ) -> int | None:
        """The most recent evaluation time for a symbol (of one type, or of all), None if none yet."""
        types = list(EvaluatorType) if evaluator_type is None else [evaluator_type]
        latest: int | None = None
        for kind in types:
            for key in self._by_symbol.get((exchange, kind, symbol), ()):
                entry = self._evaluations.get(key)
                if entry is not None and (latest is None or entry.time > latest):
                    latest = entry.time
        return latest

    def is_fresh(self, key: MatrixKey, now: int) -> bool:
        """True when ``key`` has an evaluation still valid at ``now`` (with the allowed lag)."""
        entry = self._evaluations.get(key)
        return entry is not None and entry.covers(now, self.allowed_lag_ms)

    def is_cycle_complete(
        self,
        exchange: str,
        symbol: str,
        time_frames: Iterable[str],
        at_time: int,
        evaluator_type: EvaluatorType = EvaluatorType.TA,
    ) -> bool:
        """True when every registered evaluator of ``time_frames`` has an evaluation current at ``at_time``.

        Why no lag here: ``at_time`` is the evaluation time of the candle being closed, so the previous
        candle's evaluation (valid until exactly that instant) must not count; a lag would let a strategy
        fire on a partial cycle.
        """
        keys = self._group(exchange, evaluator_type, symbol, time_frames)
        if not keys:
            return False
        evaluations = self._evaluations
        for key in keys:
            entry = evaluations.get(key)
            # entry.covers(at_time) inlined: made at or before at_time, not expired at it
            if entry is None or entry.time > at_time:
                return False
            until = entry.valid_until
            if until is not None and at_time >= until:
                return False
        return True

    def __repr__(self) -> str:
        return (
            f"EvaluationMatrix({self.matrix_id!r}, keys={len(self._registered)}, "
            f"evaluations={len(self._evaluations)})"
        )
