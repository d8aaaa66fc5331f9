"""Trading symbols in ccxt's unified form.

Why ccxt's form: every connector (live through ccxt, simulator, recorded data) speaks it, so a symbol
read from a profile, a data file or an exchange is the same string everywhere.

Forms accepted: ``BASE/QUOTE`` (spot), ``BASE/QUOTE:SETTLE`` (perpetual swap: linear when SETTLE is the
quote, inverse when it is the base) and ``BASE/QUOTE:SETTLE-SUFFIX`` (dated futures ``-211225`` and
options ``-211225-60000-C``; the suffix is kept verbatim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from octobot_trading.errors import InvalidSymbolError

# a currency code: letters, digits and the few signs ccxt codes use (e.g. "1000SHIB", "USDC.E", "BTC_OLD")
_CODE = r"[A-Za-z0-9][A-Za-z0-9._]*"
_SYMBOL_RE = re.compile(
    rf"^(?P<base>{_CODE})/(?P<quote>{_CODE})(?::(?P<settle>{_CODE})(?:-(?P<suffix>[A-Za-z0-9.\-]+))?)?$"
)
_CODE_RE = re.compile(rf"^{_CODE}$")

_HELP = (
    "expected ccxt's unified form 'BASE/QUOTE' (spot, e.g. 'BTC/USDT') "
    "or 'BASE/QUOTE:SETTLE' (e.g. 'BTC/USDT:USDT')"
)


@dataclass(frozen=True, slots=True)
class Symbol:
    """One market's symbol: hashable, comparable, formats back to the ccxt string with ``str()``."""

    base: str
    quote: str
    settle: str | None = None
    #: expiry / option part after the settle currency ("211225" or "211225-60000-C"), else None
    suffix: str | None = None

    def __post_init__(self) -> None:
        for name in ("base", "quote"):
            _check_code(getattr(self, name), name)
        if self.settle is not None:
            _check_code(self.settle, "settle")
        elif self.suffix is not None:
            raise InvalidSymbolError(
                f"symbol {self.base}/{self.quote} has an expiry suffix '{self.suffix}' "
                "but no settle currency; "
                "give the settle currency too (e.g. 'BTC/USDT:USDT-211225')"
            )

    def __str__(self) -> str:
        return format_symbol(self.base, self.quote, self.settle, self.suffix)

    @property
    def is_spot(self) -> bool:
        return self.settle is None

    @property
    def is_contract(self) -> bool:
        """Swap, future or option: any symbol with a settle currency."""
        return self.settle is not None

    @property
    def is_linear(self) -> bool:
        """A contract settled in its quote currency (``BTC/USDT:USDT``)."""
        return self.settle is not None and self.settle == self.quote

    @property
    def is_inverse(self) -> bool:
        """A contract settled in its base currency (``BTC/USD:BTC``)."""
        return self.settle is not None and self.settle == self.base

    @property
    def is_perpetual(self) -> bool:
        return self.settle is not None and self.suffix is None

    @property
    def spot(self) -> Symbol:
        """The spot symbol of the same pair (itself when spot)."""
        return self if self.is_spot else Symbol(self.base, self.quote)


def _check_code(code: object, role: str) -> None:
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise InvalidSymbolError(
            f"invalid {role} currency code {code!r}: use letters and digits only (e.g. 'BTC'); {_HELP}"
        )


def parse_symbol(text: str | Symbol) -> Symbol:
    """Read a ccxt unified symbol; a ``Symbol`` is returned unchanged."""
    if isinstance(text, Symbol):
        return text
    if not isinstance(text, str):
        raise InvalidSymbolError(f"a symbol must be a string, got {type(text).__name__} {text!r}; {_HELP}")
    return _parse_text(text)


@lru_cache(maxsize=8192)
def _parse_text(text: str) -> Symbol:
    """Cached: symbols are immutable and a bot reads the same few thousand strings all day."""
    match = _SYMBOL_RE.match(text)
    if match is None:
        hint = ""
        stripped = text.strip()
        if stripped != text:
            hint = " (remove the surrounding spaces)"
        elif "/" not in text and re.fullmatch(r"[A-Za-z0-9]+[-_][A-Za-z0-9]+", text):
            hint = f" (did you mean '{re.sub('[-_]', '/', text)}'?)"
        raise InvalidSymbolError(f"malformed symbol {text!r}{hint}: {_HELP}")
    return Symbol(match["base"], match["quote"], match["settle"], match["suffix"])


def format_symbol(base: str, quote: str, settle: str | None = None, suffix: str | None = None) -> str:
    """The ccxt unified string for these parts."""
    text = f"{base}/{quote}"
    if settle is not None:
        text += f":{settle}"
        if suffix is not None:
            text += f"-{suffix}"
    return text


def normalize_symbol(text: str | Symbol) -> str:
    """Validate a symbol and return its canonical string (raises ``InvalidSymbolError`` when malformed)."""
    return str(parse_symbol(text))
