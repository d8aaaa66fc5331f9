"""Values shared by every module of the package."""

from __future__ import annotations

#: A filter value that matches any value of the field (the field must still be present in the message).
WILDCARD = "*"

#: Default bound of a consumer queue in normal mode: large enough to absorb bursts, small enough that a
#: stuck consumer makes its producer wait instead of eating the memory.
DEFAULT_QUEUE_SIZE = 4096

#: Combinations of filtered values a channel remembers the consumers of (it starts over past that).
ROUTE_CACHE_SIZE = 4096
