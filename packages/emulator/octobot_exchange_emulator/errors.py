"""Errors of the exchange emulator.

``EmulatorError`` is for misuse of the emulator itself (bad data file, unknown symbol in a fault);
``ApiError`` is what the emulated exchange answers a client with: it carries Binance's HTTP status,
error code and message so that ccxt maps it to the same exception a real Binance answer would give.
"""

from __future__ import annotations


class EmulatorError(Exception):
    """Base of every error of the exchange emulator (the root of this package's errors)."""


class EmulatorDataError(EmulatorError, ValueError):
    """A price-path data file or array cannot be used."""


class ApiError(EmulatorError):
    """An error answer of the emulated Binance API (``{"code": code, "msg": msg}`` with ``status``)."""

    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(f"{status} {code} {msg}")
        self.code = code
        self.msg = msg
        self.status = status

    def body(self) -> dict:
        return {"code": self.code, "msg": self.msg}


# Binance's own codes and messages (spot REST API documentation, "Error codes")
def invalid_symbol() -> ApiError:
    return ApiError(-1121, "Invalid symbol.")


def unknown_order() -> ApiError:
    return ApiError(-2013, "Order does not exist.")


def cancel_rejected() -> ApiError:
    return ApiError(-2011, "Unknown order sent.")


def insufficient_balance() -> ApiError:
    return ApiError(-2010, "Account has insufficient balance for requested action.")


def duplicate_order() -> ApiError:
    return ApiError(-2010, "Duplicate order sent.")


def filter_failure(name: str) -> ApiError:
    return ApiError(-1013, f"Filter failure: {name}")


def mandatory(param: str) -> ApiError:
    return ApiError(-1102, f"Mandatory parameter '{param}' was not sent, was empty/null, or malformed.")
