"""Binance's request authentication: API key header, HMAC-SHA256 signature, timestamp window."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from urllib.parse import parse_qsl

from octobot_exchange_emulator.errors import ApiError

#: Binance refuses timestamps more than this ahead of its clock
MAX_AHEAD_MS = 1000
DEFAULT_RECV_WINDOW_MS = 5000
MAX_RECV_WINDOW_MS = 60_000


def sign(payload: str, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def strip_signature(params: str) -> tuple[str, str | None]:
    """(the payload without its ``signature`` parameter, the signature) of a query string or body."""
    if not params:
        return "", None
    parts = params.split("&")
    kept = [p for p in parts if not p.startswith("signature=")]
    signature = next((p.split("=", 1)[1] for p in parts if p.startswith("signature=")), None)
    return "&".join(kept), signature


def check_api_key(headers_key: str | None, api_key: str) -> None:
    if not headers_key:
        raise ApiError(-2014, "API-key format invalid.", 401)
    if not hmac.compare_digest(headers_key, api_key):
        raise ApiError(-2015, "Invalid API-key, IP, or permissions for action.", 401)


def check_signed(
    query: str, body: str, secret: str, server_ms: int | Sequence[int] | None = None
) -> dict[str, str]:
    """Verify a SIGNED request; its parameters (query and body) when valid."""
    # Binance signs "totalParams": the query string and the body concatenated as they are
    query_payload, query_signature = strip_signature(query)
    body_payload, body_signature = strip_signature(body)
    payload = query_payload + body_payload
    signature = query_signature or body_signature
    params = dict(parse_qsl(query_payload, keep_blank_values=True))
    params.update(parse_qsl(body_payload, keep_blank_values=True))
    if "timestamp" not in params:
        raise ApiError(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.")
    if signature is None:
        raise ApiError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")
    if not hmac.compare_digest(signature.lower(), sign(payload, secret)):
        raise ApiError(-1022, "Signature for this request is not valid.")
    check_timestamp(params, server_ms)
    return params


def check_timestamp(params: dict, server_ms: int | Sequence[int] | None = None) -> None:
    """Binance's -1021: the request's timestamp must be within recvWindow of the server's clock.

    The emulator has several: the machine's wall clock (what a plain ccxt client signs with) and
    ``server_ms``, the clock(s) a client may have learnt from /api/v3/time (see
    ``ExchangeEmulator.accepted_clocks``); a timestamp valid against any of them is accepted."""
    try:
        timestamp = int(params["timestamp"])
        window = int(params.get("recvWindow", DEFAULT_RECV_WINDOW_MS))
    except (KeyError, ValueError) as error:
        raise ApiError(-1100, "Illegal characters found in parameter 'timestamp'.") from error
    if window > MAX_RECV_WINDOW_MS:
        raise ApiError(-1131, "recvWindow must be less than 60000")
    others = [] if server_ms is None else [server_ms] if isinstance(server_ms, int) else list(server_ms)
    clocks = [int(time.time() * 1000), *others]
    if not any(-window <= timestamp - now <= MAX_AHEAD_MS for now in clocks):
        raise ApiError(-1021, "Timestamp for this request is outside of the recvWindow.")
