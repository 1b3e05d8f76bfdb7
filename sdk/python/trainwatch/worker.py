"""The two background daemon threads of a logger.

The batcher wakes every `flush_interval` seconds (1 s by default), or as soon as `batch_size` (500) items
of a kind are waiting, takes the waiting items off the queues and puts them into the outbox as batches.
It does no network I/O, so the queues are emptied on time even while a request hangs.

The sender sends the outbox's head batch, one request at a time, and keeps retrying it (the wait from
the retry policy, Retry-After honoured) until it is acknowledged or rejected; only then does it move on,
so each kind's batches reach the server in order and a retry reuses the batch's Idempotency-Key. A
rejected batch (4xx other than 408/429) is dropped and counted. It stops when told to drain and the
outbox is empty, or at the drain deadline, whichever is first.

Neither thread ever lets an exception escape: an unexpected one is recorded in the stats and the loop
goes on after a short pause.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Dict, Optional

from .batching import ItemQueue, build_batches
from .outbox import Outbox
from .stats import Stats
from .transport import REJECT, SENT, HttpTransport, RetryPolicy

#: Failed tries in a row after which the backend is reported (once) as not taking batches.
UNREACHABLE_AFTER = 5


class Batcher(threading.Thread):
    def __init__(self, name: str, queues: Dict[str, ItemQueue], wake: threading.Event, outbox: Outbox,
                 stats: Stats, flush_interval: float, batch_size: int, max_batch_bytes: int) -> None:
        super().__init__(name=name, daemon=True)
        self._queues = queues
        self._wake = wake
        self._outbox = outbox
        self._stats = stats
        self._interval = flush_interval
        self._batch_size = batch_size
        self._max_bytes = max_batch_bytes
        self._stop_requested = threading.Event()
        self._flush_requested = threading.Event()

    def flush_now(self) -> None:
        """Batch everything waiting at once, without waiting for the next tick."""
        self._flush_requested.set()
        self._wake.set()

    def stop(self) -> None:
        """Batch everything waiting, then end."""
        self._stop_requested.set()
        self._wake.set()

    def _move(self, everything: bool) -> None:
        for kind, queue in self._queues.items():
            while len(queue) >= self._batch_size or (everything and len(queue)):
                items = queue.take(self._batch_size)
                for batch in build_batches(kind, items, self._batch_size, self._max_bytes):
                    self._outbox.put(batch)

    def run(self) -> None:
        next_tick = time.monotonic() + self._interval
        while True:
            try:
                self._wake.wait(max(0.0, next_tick - time.monotonic()))
                self._wake.clear()
                stopping = self._stop_requested.is_set()
                now = time.monotonic()
                everything = stopping or now >= next_tick or self._flush_requested.is_set()
                self._flush_requested.clear()
                self._move(everything)
                if everything:
                    next_tick = now + self._interval
                if stopping and not any(len(queue) for queue in self._queues.values()):
                    return
            except Exception as error:  # keep the thread alive whatever happens
                self._stats.report_once("batcher", "trainwatch: batcher error: %r" % (error,))
                time.sleep(0.05)


class Sender(threading.Thread):
    def __init__(self, name: str, outbox: Outbox, transport: HttpTransport, policy: RetryPolicy, stats: Stats,
                 request_timeout: float, rng: Optional[random.Random] = None) -> None:
        super().__init__(name=name, daemon=True)
        self._outbox = outbox
        self._transport = transport
        self._policy = policy
        self._stats = stats
        self._timeout = request_timeout
        self._rng = rng or random.Random()
        self._failures = 0
        self._next_try = 0.0
        self._deadline: Optional[float] = None
        self._drain = threading.Event()  # set once nothing more will be added
        self._interrupt = threading.Event()

    def drain(self, deadline: float) -> None:
        """Send what is left, then end; end at `deadline` (time.monotonic()) at the latest."""
        self._deadline = deadline
        self._drain.set()
        self._interrupt.set()
        self._outbox.added.set()

    def retry_now(self) -> None:
        """Skip the current backoff wait (used by flush)."""
        self._next_try = 0.0
        self._interrupt.set()

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._interrupt.wait(seconds)
        self._interrupt.clear()

    def run(self) -> None:
        while True:
            try:
                if self._step():
                    return
            except Exception as error:  # keep the thread alive whatever happens
                self._stats.report_once("sender", "trainwatch: sender error: %r" % (error,))
                time.sleep(0.05)

    def _step(self) -> bool:
        """One turn of the loop; True when the thread should end."""
        deadline = self._deadline
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            return True
        batch = self._outbox.head()
        if batch is None:
            if self._drain.is_set():
                return True
            self._outbox.added.wait(0.5 if deadline is None else min(0.5, deadline - now))
            self._outbox.added.clear()
            return False
        if now < self._next_try:
            if deadline is not None and self._next_try >= deadline:
                return True  # the next try would come too late
            self._wait(self._next_try - now)
            return False
        timeout = self._timeout if deadline is None else min(self._timeout, max(deadline - now, 0.01))
        outcome = self._transport.send(batch, timeout)
        if outcome.status == SENT:
            self._outbox.done(batch)
            self._stats.add(batch.kind, "sent", batch.count)
            if self._failures:
                self._failures = 0
                self._outbox.set_failing(False)
        elif outcome.status == REJECT:
            self._outbox.done(batch)
            self._stats.drop(batch.kind, batch.count, "rejected: HTTP %s" % outcome.http_status, outcome.reason)
            # A refusal is an answer: the backend is up.
            if self._failures:
                self._failures = 0
                self._outbox.set_failing(False)
        else:
            self._failures += 1
            self._stats.retried(outcome.reason)
            if self._failures == UNREACHABLE_AFTER:
                self._stats.report_once(
                    "unreachable", "trainwatch: %s does not take batches (%s); they are kept in the spool and "
                    "retried" % (self._transport.base_url, outcome.reason))
            self._outbox.set_failing(True)
            delay = self._policy.delay(self._failures, outcome.retry_after, self._rng)
            self._next_try = time.monotonic() + delay
        return False
