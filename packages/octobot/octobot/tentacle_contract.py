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
    "trading_mode": (
        "decide_state",
        "plan_orders",
        "plan_on_start",
        "plan_on_fill",
        "evaluation_from_candle",
    ),
}
#: the evaluations a trading mode's plan_orders is probed with (+1 strongest buy)
PROBE_EVALUATIONS = (-1.0, -0.5, 0.0, 0.5, 1.0)
#: filled orders of a mode its plan_on_fill is probed with
PROBED_FILLS = 5


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
        mismatch = jsonschema.exceptions.best_match(
            jsonschema.Draft202012Validator(schema).iter_errors(defaults)
        )
        if mismatch is not None:
            where = "/".join(str(part) for part in mismatch.absolute_path) or "<root>"
            problems.append(
                f"{name}.DEFAULT_CONFIG does not satisfy CONFIG_SCHEMA at {where!r}: {mismatch.message}"
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
    """Call the planning methods of a running mode: ``decide_state`` + ``plan_orders`` on each of its
    symbols with several evaluations, ``plan_on_start`` on each symbol and ``plan_on_fill`` on a few of its
    filled orders; each call must return a plan (or None for the hooks) and change nothing (portfolio, open
    orders, trades, the mode's own states)."""
    problems: list[str] = []
    calls: list[tuple[str, Any, bool]] = []  # (call text, thunk, None allowed)
    for symbol in mode.symbols:
        for evaluation in PROBE_EVALUATIONS:
            calls.append(
                (
                    f"plan_orders({symbol!r}, evaluation={evaluation})",
                    lambda s=symbol, e=evaluation: mode.plan_orders(s, mode.decide_state(s, e), e),
                    False,
                )
            )
        calls.append((f"plan_on_start({symbol!r})", lambda s=symbol: mode.plan_on_start(s), True))
    filled = [
        order
        for order in mode.exchange_manager.trader.closed_orders()
        if order.tag == mode.get_name() and order.status is ot.OrderStatus.FILLED
    ]
    for order in filled[:PROBED_FILLS]:
        calls.append((f"plan_on_fill({order!r})", lambda o=order: mode.plan_on_fill(o), True))
    for text, call, none_allowed in calls:
        problem = _probe(mode, text, call, none_allowed)
        if problem:
            problems.append(problem)
    return problems


def _probe(mode: ot.AbstractTradingMode, text: str, call: Any, none_allowed: bool) -> str | None:
    name = mode.get_name()
    before = _account_view(mode)
    try:
        plan = call()
    except ot.OctobotTradingError:
        plan = None  # a refusal (no price yet, nothing to sell): not a contract breach
        none_allowed = True
    except Exception as error:  # the mode logs these per symbol and keeps running: say it
        return f"{name}.{text} raised {type(error).__name__}: {error}"
    after = _account_view(mode)
    if after != before:
        return (
            f"{name}.{text} changed {_what_changed(before, after)}: it must only return an OrderPlan "
            "(the framework executes it)"
        )
    if not isinstance(plan, ot.OrderPlan) and not (plan is None and none_allowed):
        return (
            f"{name}.{text} returned {type(plan).__name__}, not an OrderPlan "
            "(return ot.OrderPlan(symbol) to do nothing)"
        )
    return None


def _what_changed(before: tuple[Any, ...], after: tuple[Any, ...]) -> str:
    labels = ("the portfolio", "the open orders", "the trades", "the mode's states", "the mode's evaluations")
    changed = [label for label, a, b in zip(labels, before, after, strict=True) if a != b]
    return " and ".join(changed)
