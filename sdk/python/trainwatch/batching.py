"""The hand-off from the training thread, and the cutting of what it handed over into request batches.

`ItemQueue` is the only thing the training thread touches: an append to a deque, never a lock held
during I/O, never a wait. When it is full the item is refused (the caller counts the drop) instead of
blocking training. `build_batches` runs on the batcher thread: it serializes each item once and cuts
the items into batches of at most `max_items` items and `max_bytes` bytes of body, each with its own
Idempotency-Key, made once and kept for every retry of that batch, also across processes via the spool.

No body it builds is over the server's limit of 4 MiB (records.MAX_BODY_BYTES = 4,194,304,
`trainwatch.http.max-body-bytes`; the server answers 413 to a larger one): `max_bytes` is taken as at
most that, and a single item is bounded by how records makes it. A log entry's message takes at most
records.MAX_MESSAGE_JSON_BYTES (4,190,208) bytes as written here, escapes included; should an entry
made otherwise still not fit, its message is cut here the same way (records.fit_message). A metric
point is at most 200 metrics of names of at most 200 characters (1,200 bytes escaped), under 2 MB.

It does not send anything and does not decide when to batch; that is the worker's job.
"""

from __future__ import annotations

import collections
import json
import threading
import uuid
from typing import Any, Deque, Dict, List

from .kinds import KIND
from .records import MAX_BODY_BYTES, fit_message, json_length



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
    return b'{"' + KIND[kind].body_field.encode() + b'":[' + b",".join(parts) + b"]}"


def _dumps(item: Dict[str, Any]) -> bytes:
    return json.dumps(item, separators=(",", ":"), allow_nan=True).encode("ascii")


def _part(kind: str, item: Dict[str, Any], envelope: int) -> bytes:
    """The item as JSON; a log entry whose body alone would be over MAX_BODY_BYTES gets its message cut."""
    part = _dumps(item)
    over = envelope + len(part) - MAX_BODY_BYTES
    message = item.get("message")
    if over > 0 and kind == "logs" and isinstance(message, str):
        item = dict(item, message=fit_message(message, most_bytes=max(0, json_length(message) - over)))
        part = _dumps(item)
    return part


def build_batches(kind: str, items: List[Dict[str, Any]], max_items: int, max_bytes: int) -> List[Batch]:
    """The items, in order, cut into batches of at most `max_items` items and at most `max_bytes` bytes
    of body (MAX_BODY_BYTES when more is asked), unless a single item's body is bigger: that item goes
    alone, and is still at most MAX_BODY_BYTES (see above). NaN and +/-Infinity are written bare, as
    Python's json does."""
    limit = min(max_bytes, MAX_BODY_BYTES)
    envelope = len(_body(kind, []))
    batches = []
    parts: List[bytes] = []
    size = envelope
    for item in items:
        part = _part(kind, item, envelope)
        if parts and (len(parts) >= max_items or size + 1 + len(part) > limit):
            batches.append(Batch(kind, str(uuid.uuid4()), _body(kind, parts), len(parts)))
            parts, size = [], envelope
        size += len(part) + (1 if parts else 0)
        parts.append(part)
    if parts:
        batches.append(Batch(kind, str(uuid.uuid4()), _body(kind, parts), len(parts)))
    return batches
