"""The hand-off from the training thread, and the cutting of what it handed over into request batches.

`ItemQueue` is the only thing the training thread touches: an append to a deque, never a lock held
during I/O, never a wait. When it is full the item is refused (the caller counts the drop) instead of
blocking training. `build_batches` runs on the batcher thread: it serializes each item once and cuts
the items into batches of at most `max_items` items and about `max_bytes` bytes, each with its own
Idempotency-Key, made once and kept for every retry of that batch, also across processes via the spool.

It does not send anything and does not decide when to batch; that is the worker's job.
"""

from __future__ import annotations

import collections
import json
import threading
import uuid
from typing import Any, Deque, Dict, List

#: The two kinds of item, and the field holding the list in a request body.
BODY_FIELD = {"metrics": "points", "logs": "logs"}


class Batch:
    """One request's worth of items of one kind: the body as sent, its Idempotency-Key, its item count."""

    __slots__ = ("kind", "key", "body", "count")

    def __init__(self, kind: str, key: str, body: bytes, count: int) -> None:
        self.kind = kind
        self.key = key
        self.body = body
        self.count = count

    def __repr__(self) -> str:
        return "Batch(%s, %s, %d items, %d bytes)" % (self.kind, self.key, self.count, len(self.body))


class ItemQueue:
    """A bounded FIFO of one kind's items: many training threads put, the batcher thread takes.

    `put` never blocks and takes no lock: it appends, or answers False when `maxlen` items are already
    waiting. When `wake_at` items are waiting it sets `wake`, so the batcher makes a full batch without
    waiting for its next tick. `taken` counts the items taken out (only the batcher writes it), so
    accepted items = taken + len(queue) without a counter on the training thread.
    """

    def __init__(self, maxlen: int, wake_at: int, wake: threading.Event) -> None:
        self._items: Deque[Dict[str, Any]] = collections.deque()
        self._maxlen = maxlen
        self._wake_at = wake_at
        self._wake = wake
        self.taken = 0

    def put(self, item: Dict[str, Any]) -> bool:
        items = self._items
        if len(items) >= self._maxlen:
            return False
        items.append(item)
        if len(items) >= self._wake_at and not self._wake.is_set():
            self._wake.set()
        return True

    def take(self, most: int) -> List[Dict[str, Any]]:
        """Up to `most` items, oldest first, removed from the queue."""
        taken = []
        popleft = self._items.popleft
        for _ in range(min(most, len(self._items))):
            taken.append(popleft())
        self.taken += len(taken)
        return taken

    def __len__(self) -> int:
        return len(self._items)


def _body(kind: str, parts: List[bytes]) -> bytes:
    return b'{"' + BODY_FIELD[kind].encode() + b'":[' + b",".join(parts) + b"]}"


def build_batches(kind: str, items: List[Dict[str, Any]], max_items: int, max_bytes: int) -> List[Batch]:
    """The items, in order, cut into batches of at most `max_items` items and, unless a single item is
    bigger, at most `max_bytes` bytes of body. NaN and +/-Infinity are written bare, as Python's json does."""
    batches = []
    parts: List[bytes] = []
    size = 0
    for item in items:
        part = json.dumps(item, separators=(",", ":"), allow_nan=True).encode("ascii")
        if parts and (len(parts) >= max_items or size + len(part) + 1 > max_bytes):
            batches.append(Batch(kind, str(uuid.uuid4()), _body(kind, parts), len(parts)))
            parts, size = [], 0
        parts.append(part)
        size += len(part) + 1
    if parts:
        batches.append(Batch(kind, str(uuid.uuid4()), _body(kind, parts), len(parts)))
    return batches
