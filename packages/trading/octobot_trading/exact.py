"""Exact addition and subtraction of money amounts.

Why: Decimal's default context keeps 28 significant digits, so adding amounts of different magnitudes
(0.9 + 0.08912091355535731009957360462) rounds. Balances and reservations that are built by adding and
subtracting such amounts would drift by a hair from the amounts later released, and an unlock of exactly
what an order locked would be refused. Every balance or reservation update goes through ``EXACT``, whose
100 digits hold any two amounts of this domain without rounding.
"""

from __future__ import annotations

from decimal import Context, DivisionByZero, InvalidOperation, Overflow

EXACT = Context(prec=100, traps=[InvalidOperation, DivisionByZero, Overflow])
