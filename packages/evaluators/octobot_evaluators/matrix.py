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
from octobot_evaluators.matrix_cells import EvaluationGroup, MatrixCell
from octobot_evaluators.matrix_key import MatrixKey
from octobot_evaluators.time_frames import time_frame_ms
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
        # key -> its cell (current evaluation, message fields), in registration order
        self._cells: dict[MatrixKey, MatrixCell] = {}
        # (exchange, evaluator_type, symbol) -> its cells, and the groups handed out on it (kept live)
        self._by_symbol: dict[tuple[str, str, str], list[MatrixCell]] = {}
        self._group_lists: dict[tuple[str, str, str], list[EvaluationGroup]] = {}
        # (exchange, evaluator_type, symbol, time frames or None) -> its group, made once
        self._groups: dict[tuple, EvaluationGroup] = {}
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
        self.cell(key)

    def cell(self, key: MatrixKey) -> MatrixCell:
        """The cell of ``key``, registering the key first if needed: its evaluator keeps it and
        publishes through it (the matrix keeps every cell for its whole life; `reset` empties them)."""
        cell = self._cells.get(key)
        if cell is not None:
            return cell
        if not isinstance(key, MatrixKey):
            raise MatrixError(f"expected a MatrixKey, got {key!r}")
        if key.time_frame is not None:
            time_frame_ms(key.time_frame)  # refuse an unknown time frame now, not at the first candle
        cell = self._cells[key] = MatrixCell(key, self.matrix_id)
        index = (key.exchange, key.evaluator_type, key.symbol)
        self._by_symbol.setdefault(index, []).append(cell)
        for group in self._group_lists.get(index, ()):
            group.admit(cell)  # the groups already handed out see the new key
        return cell

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
            key for key in self._cells if all(getattr(key, field) == value for field, value in wanted.items())
        ]

    # ----------------------------------------------------------------- writes
    def write(
        self, key: MatrixKey, value: float | None, time: int, valid_until: int | None = None
    ) -> Evaluation:
        """Validate and store an evaluation without notifying anyone (loading a saved state, tests)."""
        cell = self._cells.get(key)
        if cell is None:
            cell = self.cell(key)
        return self._store(cell, value, time, valid_until)

    def _store(self, cell: MatrixCell, value: float | None, time: int, valid_until: int | None) -> Evaluation:
        """Validate ``value`` and make it ``cell``'s evaluation (what `write` and `_send` share)."""
        if value is not None and (type(value) is not float or not -1.0 <= value <= 1.0):  # NaN too
            value = validate_evaluation(value, cell.key.evaluator_name)  # converts, or raises naming it
        if valid_until is None:
            time_frame = cell.time_frame
            if time_frame is not None:
                grid = cell.grid
                if grid and type(time) is int:  # freshness_end inlined: the next close on the grid
                    valid_until = time - time % grid + grid
                else:
                    valid_until = freshness_end(time, time_frame)
        # the cell's evaluation without a call to Evaluation.__init__ (C field writes in the compiled build)
        entry = Evaluation.__new__(Evaluation)
        entry.value = value
        entry.time = time
        entry.valid_until = valid_until
        cell.entry = entry
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
        cell = self._cells.get(key)
        if cell is None:
            cell = self.cell(key)
        return self._send(cell, value, time, valid_until, refresh)

    def _send(
        self, cell: MatrixCell, value: float | None, time: int, valid_until: int | None, refresh: bool
    ) -> Awaitable[None]:
        """`publish` on a cell its evaluator kept (see `cell`), without keyword arguments: the evaluators'
        per-candle path calls it (a C call in the compiled build)."""
        producer = self._matrix_producer
        if producer is None:
            producer = self._require_started()[0]  # raises: not started
        entry = self._store(cell, value, time, valid_until)
        # a copy of the key's fields, then the evaluation's: cheaper than building the whole message
        message = cell.heading.copy()
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
        cells = self._cells
        for key in cells if keys is None else keys:
            cell = cells.get(key)
            if cell is not None:
                cell.entry = None

    # ----------------------------------------------------------------- queries
    def get(self, key: MatrixKey) -> Evaluation | None:
        """The latest evaluation of ``key``, or None when it never evaluated."""
        cell = self._cells.get(key)
        return None if cell is None else cell.entry

    def get_value(self, key: MatrixKey) -> float | None:
        """The latest value of ``key`` (None: never evaluated or no opinion)."""
        cell = self._cells.get(key)
        if cell is None:
            return None
        entry = cell.entry
        return None if entry is None else entry.value

    def group(
        self,
        exchange: str,
        evaluator_type: EvaluatorType,
        symbol: str,
        time_frames: Iterable[str] | None = None,
    ) -> EvaluationGroup:
        """The registered keys of a type for a symbol (on ``time_frames``; None: all), in registration
        order, as a live `EvaluationGroup`: keys registered later join it.

        Why: a strategy asks for the same keys on every candle; it keeps the group and reads its
        evaluations (``opinions()``, ``is_complete(at_time)``) with no lookup per key.
        """
        wanted = None if time_frames is None else frozenset(time_frames)
        found = self._groups.get((exchange, evaluator_type, symbol, wanted))
        if found is None:
            found = self._new_group(exchange, evaluator_type, symbol, wanted)
        return found

    def _group(
        self, exchange: str, evaluator_type: EvaluatorType, symbol: str, time_frames: Iterable[str] | None
    ) -> EvaluationGroup:
        """`group` without its frozenset when ``time_frames`` is one already (the queries below)."""
        if time_frames is not None and type(time_frames) is not frozenset:
            time_frames = frozenset(time_frames)
        found = self._groups.get((exchange, evaluator_type, symbol, time_frames))
        if found is None:
            found = self._new_group(exchange, evaluator_type, symbol, time_frames)
        return found

    def _new_group(
        self, exchange: str, evaluator_type: EvaluatorType, symbol: str, time_frames: frozenset | None
    ) -> EvaluationGroup:
        made = self._groups[(exchange, evaluator_type, symbol, time_frames)] = EvaluationGroup(time_frames)
        index = (exchange, evaluator_type, symbol)
        for cell in self._by_symbol.get(index, ()):
            made.admit(cell)
        self._group_lists.setdefault(index, []).append(made)
        return made

    def evaluations(
        self,
        exchange: str,
        evaluator_type: EvaluatorType,
        symbol: str,
        time_frames: Iterable[str] | None = None,
    ) -> dict[MatrixKey, Evaluation | None]:
        """Every registered evaluation of a type for a symbol (None for keys not evaluated yet)."""
        return self._group(exchange, evaluator_type, symbol, time_frames).entries()

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
        return self._group(exchange, evaluator_type, symbol, time_frames).opinions()

    def latest_evaluation_time(
        self, exchange: str, symbol: str, evaluator_type: EvaluatorType | None = None
    ) -> int | None:
        """The most recent evaluation time for a symbol (of one type, or of all), None if none yet."""
        types = list(EvaluatorType) if evaluator_type is None else [evaluator_type]
        latest: int | None = None
        for kind in types:
            for cell in self._by_symbol.get((exchange, kind, symbol), ()):
                entry = cell.entry
                if entry is not None and (latest is None or entry.time > latest):
                    latest = entry.time
        return latest

    def is_fresh(self, key: MatrixKey, now: int) -> bool:
        """True when ``key`` has an evaluation still valid at ``now`` (with the allowed lag)."""
        entry = self.get(key)
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
        return self._group(exchange, evaluator_type, symbol, time_frames).is_complete(at_time)

    def __repr__(self) -> str:
        evaluated = sum(1 for cell in self._cells.values() if cell.entry is not None)
        return f"EvaluationMatrix({self.matrix_id!r}, keys={len(self._cells)}, evaluations={evaluated})"
