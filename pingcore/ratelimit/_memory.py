"""Fixed-window counters in one process's memory, bounded without evicting a live count."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from ._keys import KeyKind, key_kind
from ._store import RateLimitUnavailable

__all__ = ["MemoryStore"]


class MemoryStore:
    """Fixed-window counters in this process's memory, safe across threads.

    The bound: at most ``max_victim_keys`` counters about fetched hosts and
    addresses and at most ``max_client_keys`` about clients, each class in its
    own room (``max_keys`` sets both). A counter is dropped only when its
    window is over. When a class is full, a hit on a new key of that class
    raises ``RateLimitUnavailable`` (the ping is refused) until windows end and
    make room: a flood of clients can lock out new clients for a window, but
    never reset a victim's count. A counter takes some 270 bytes, so the
    defaults hold at most about 55 MB.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_victim_keys: int = 100_000,
        max_client_keys: int = 100_000,
        max_keys: int | None = None,
    ) -> None:
        if max_keys is not None:  # the one bound of earlier releases, now for each class
            max_victim_keys = max_client_keys = max_keys
        if max_victim_keys < 1 or max_client_keys < 1:
            raise ValueError("max_victim_keys and max_client_keys must be at least 1")
        self._clock = clock
        self._bounds = {KeyKind.VICTIM: max_victim_keys, KeyKind.CLIENT: max_client_keys}
        self._lock = threading.Lock()
        # key -> [window end, count], in the order the windows started, so the
        # ended windows are at the front (OrderedDict: its front is O(1) to reach).
        self._counters: dict[KeyKind, OrderedDict[str, list[float]]] = {
            kind: OrderedDict() for kind in KeyKind
        }

    def hit(self, key: str, window: float) -> int:
        kind = key_kind(key)
        now = self._clock()
        with self._lock:
            counters = self._counters[kind]
            counter = counters.get(key)
            if counter is not None and now < counter[0]:
                counter[1] += 1
                return int(counter[1])
            if counter is not None:
                del counters[key]  # its window is over; a new one starts at the back
            elif len(counters) >= self._bounds[kind]:
                self._drop_ended(counters, now)
                if len(counters) >= self._bounds[kind]:
                    raise RateLimitUnavailable(
                        f"the in-memory store holds {len(counters)} live {kind.value} "
                        "counters, its bound; new keys are refused until windows end"
                    )
            counters[key] = [now + window, 1]
            return 1

    def __len__(self) -> int:
        with self._lock:
            return sum(len(counters) for counters in self._counters.values())

    @staticmethod
    def _drop_ended(counters: OrderedDict[str, list[float]], now: float) -> None:
        # Windows end in the order they started (a limiter gives all its keys one
        # window length), so this pops from the front and stops at the first live
        # one: amortised constant time, however large the flood.
        while counters:
            key = next(iter(counters))
            if now < counters[key][0]:
                return
            del counters[key]
