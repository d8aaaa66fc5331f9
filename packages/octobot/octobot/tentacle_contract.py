"""The tentacle contract checked on a class and on a running trading mode (DESIGN.md §4b).

Why beside the equivalence check: a tentacle that breaks the contract (an async trigger method, defaults
its own schema refuses, a ``plan_orders`` that places orders itself) may well behave the same in two runs
and still break the framework's promises; each breach is told with the fix.
"""

from __future__ import annotations

import inspect
from typing import Any

import jsonschema

import octobot_trading as ot
from octobot.tentacle_kind import parse_kind

#: the plain (not async) methods of each base an author implements
_PLAIN_METHODS = {
    "trading_mode": ("decide_state", "plan_orders", "evaluation_from_candle"),
}
#: the evaluations a trading mode's plan_orders is probed with (+1 strongest buy)
PROBE_EVALUATIONS = (-1.0, -0.5, 0.0, 0.5, 1.0)


def class_problems(tentacle: type) -> list[str]:
    """What the class itself breaks: kind, config defaults against the schema, async trigger methods."""
    problems: list[str] = []
    name = tentacle.__qualname__
    declared = getattr(tentacle, "TENTACLE_KIND", None) or getattr(tentacle, "EVALUATOR_TYPE", None)
    try:
        kind = parse_kind(declared).value if declared is not None else None
    except ValueError as error:
        problems.append(f"{name}.TENTACLE_KIND: {error}")
        kind = None
    if declared is None:
        problems.append(f'{name} declares no kind: set TENTACLE_KIND (e.g. "ta") or derive from a base')
    schema = getattr(tentacle, "CONFIG_SCHEMA", None) or {"type": "object"}
    defaults = getattr(tentacle, "DEFAULT_CONFIG", None) or {}
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as error:
        problems.append(f"{name}.CONFIG_SCHEMA is not a valid JSON Schema: {error.message}")
    else:
        error = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(schema).iter_errors(defaults)
        )
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "<root>"
            problems.append(
                f"{name}.DEFAULT_CONFIG does not satisfy CONFIG_SCHEMA at {where!r}: {error.message}"
            )
    methods = tuple(getattr(tentacle, "TRIGGER_METHODS", ())) + _PLAIN_METHODS.get(kind or "", ())
    for method in methods:
        if inspect.iscoroutinefunction(getattr(tentacle, method, None)):
            problems.append(
                f"{name}.{method} is async: write it as a plain method (def) that returns its result; "
                "the framework awaits what has to be awaited"
            )
    return problems


def _account_view(mode: ot.AbstractTradingMode) -> tuple[Any, ...]:
    """Everything plan_orders may read and must leave unchanged."""
    manager = mode.exchange_manager
    balances = {asset: (b.total, b.available) for asset, b in manager.portfolio.balances().items()}
    orders = sorted(
        (
            order.order_id,
            str(order.status.value),
            order.amount,
            order.filled,
            order.price,
            order.trigger_price,
        )
        for order in manager.trader.open_orders()
    )
    return balances, orders, len(manager.trader.trades()), dict(mode.states), dict(mode.evaluations)


def plan_orders_problems(mode: ot.AbstractTradingMode) -> list[str]:
    """Call ``decide_state`` and ``plan_orders`` of a running mode on each of its symbols with several
    evaluations; each call must return a plan and change nothing (portfolio, open orders, trades, the
    mode's own states)."""
    problems: list[str] = []
    name = mode.get_name()
    for symbol in mode.symbols:
        for evaluation in PROBE_EVALUATIONS:
            before = _account_view(mode)
            try:
                state = mode.decide_state(symbol, evaluation)
                plan = mode.plan_orders(symbol, state, evaluation)
            except ot.OctobotTradingError:
                plan = None  # a refusal (no price yet, nothing to sell): not a contract breach
            except Exception as error:  # the mode logs these per symbol and keeps running: say it
                problems.append(
                    f"{name}.plan_orders({symbol!r}, evaluation={evaluation}) raised "
                    f"{type(error).__name__}: {error}"
                )
                plan = None
            after = _account_view(mode)
            if after != before:
                problems.append(
                    f"{name}.plan_orders({symbol!r}, evaluation={evaluation}) changed "
                    f"{_what_changed(before, after)}: it must only return an OrderPlan (the framework "
                    "executes it)"
                )
            elif plan is not None and not isinstance(plan, ot.OrderPlan):
                problems.append(
                    f"{name}.plan_orders({symbol!r}, evaluation={evaluation}) returned "
                    f"{type(plan).__name__}, not an OrderPlan (return ot.OrderPlan(symbol) to do nothing)"
                )
    return problems


def _what_changed(before: tuple[Any, ...], after: tuple[Any, ...]) -> str:
    labels = ("the portfolio", "the open orders", "the trades", "the mode's states", "the mode's evaluations")
    changed = [label for label, a, b in zip(labels, before, after, strict=True) if a != b]
    return " and ".join(changed)
