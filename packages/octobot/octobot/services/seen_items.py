"""The ids of the items a feed already published, so that a source repeating its last items is quiet."""

from __future__ import annotations

from collections import OrderedDict

#: how many ids are remembered (an older item may come back once, when a source keeps more than this)
SEEN_ITEMS = 5000


class SeenItems:
    """A bounded set of ids, oldest forgotten first."""

    def __init__(self, size: int = SEEN_ITEMS) -> None:
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, item_id: str) -> bool:
        """Whether ``item_id`` is new (it is remembered from now on)."""
        if item_id in self._ids:
            return False
        self._ids[item_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True
