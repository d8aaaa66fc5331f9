"""'Did you mean ...?' hints for names typed by hand in profiles and on the command line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), or None when nothing is close enough."""
    options = list(candidates)
    by_lower: dict[str, str] = {}
    for option in options:
        by_lower.setdefault(option.lower(), option)
    if word.lower() in by_lower and word not in options:
        return by_lower[word.lower()]
    match = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[match[0]] if match else None


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """ "; did you mean 'x'?" or an empty string."""
    if not isinstance(word, str):
        return ""
    found = closest(word, candidates)
    return f"; did you mean '{found}'?" if found else ""
