"""The two background daemon threads of a logger.

The batcher wakes every `flush_interval` seconds (1 s by default), or as soon as `batch_size` (500) items
of a kind are waiting, takes the waiting items off the queues and puts them into the outbox as batches.
It does no network I/O, so the queues are emptied on time even while a request hangs.

The sender sends the outbox's head batch, one request at a time, and keeps retrying it (the wait from
the retry policy, Retry-After honoured) until it is acknowledged or refused for good; only then does it
move on, so each kind's batches reach the server in order and a retry reuses the batch's Idempotency-Key.
A batch refused for good is set aside in the dead-letter file (deadletter.py), counted, and the first
one reported; if it cannot be written there it is dropped and counted. Refused for good means a 4xx
other than 408/429 (or a redirect), or the same 500/501 `dead_letter_after` times in a row while the
server takes another batch tried in its place (see transport.RetryPolicy); an outage (connection errors,
timeouts, 502/503/504, or a 500 for every batch) never sets a batch aside. It stops when told to drain
and the outbox is empty, or at the drain deadline, whichever is first.

Neither thread ever lets an exception escape: an unexpected one is recorded in the stats and the loop
goes on after a short pause.
"""

from __future__ import annotations

import random
import threading
import time
import urllib.parse
from typing import Dict, Optional

from .batching import Batch, ItemQueue, build_batches
from .deadletter import DeadLetterFile
from .outbox import Outbox
from .stats import Stats
from .transport import BATCH_ERRORS, REJECT, SENT, HttpTransport, Outcome, RetryPolicy

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
                 request_timeout: float, rng: Optional[random.Random] = None,
                 dead_letters: Optional[DeadLetterFile] = None) -> None:
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
        self._dead_letters = dead_letters  # None: batches refused for good are dropped
        # The head's run of equal 500/501 answers: its key, the status, how many in a row, and whether the
        # server has since taken (or refused) the next batch, tried in the head's place.
        self._streak_key: Optional[str] = None
        self._streak_status: Optional[int] = None
        self._streak = 0
        self._vouched = False
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
        self._try(batch, self._request_timeout(deadline, now))
        return False

    def _request_timeout(self, deadline: Optional[float], now: float) -> float:
        return self._timeout if deadline is None else min(self._timeout, max(deadline - now, 0.01))

    def _try(self, batch: Batch, timeout: float) -> None:
        """One try of the head."""
        outcome = self._transport.send(batch, timeout)
        if outcome.status == SENT:
            self._outbox.done(batch)
            self._stats.add(batch.kind, "sent", batch.count)
            self._answered()
        elif outcome.status == REJECT:
            self._set_aside(batch, outcome, 1)
            self._answered()  # a refusal is an answer: the backend is up
        else:
            run = self._count(batch, outcome)
            if run >= self._policy.dead_letter_after and self._vouched:
                # The same 500 again, right after the server took the next batch: it cannot take this one.
                self._set_aside(batch, outcome, run)
                self._answered()
                return
            self._failed(outcome)
            if run >= self._policy.dead_letter_after:
                other = self._outbox.second()  # None: nothing to compare with yet; the head waits and retries
                deadline = self._deadline
                now = time.monotonic()
                if other is not None and (deadline is None or now < deadline):
                    self._compare(other, self._request_timeout(deadline, now))

    def _compare(self, other: Batch, timeout: float) -> None:
        """The head keeps getting the same 500/501: try the batch after it, at once, to tell a batch the
        server cannot take from a server that fails on everything. Sent right after the head's failure
        (not after the backoff wait), so an outage ending in between is unlikely to be mistaken for a
        bad head."""
        outcome = self._transport.send(other, timeout)
        if outcome.status == SENT:
            self._outbox.done(other)
            self._stats.add(other.kind, "sent", other.count)
        elif outcome.status == REJECT:
            self._set_aside(other, outcome, 1)
        else:
            # The server fails other batches too: it is failing, not the head, which waits (backoff
            # already set) and is compared again after its next equal failure.
            self._stats.retried(outcome.reason)
            return
        # The server takes other batches: the head is tried once more at once, and set aside if it gets
        # the same answer again. (Should it go through after all, a burst of 500s having ended between
        # the two requests, it arrives after this one batch: the only way the comparison changes order.)
        self._vouched = True
        self._next_try = 0.0

    def _count(self, batch: Batch, outcome: Outcome) -> int:
        """Count a failed try of the head towards its run of equal 500/501 answers; answers the run's length."""
        if outcome.http_status not in BATCH_ERRORS:
            self._start_run(None, None, 0)
        elif batch.key == self._streak_key and outcome.http_status == self._streak_status:
            self._streak += 1
        else:
            self._start_run(batch.key, outcome.http_status, 1)
        return self._streak

    def _start_run(self, key: Optional[str], status: Optional[int], length: int) -> None:
        self._streak_key, self._streak_status, self._streak, self._vouched = key, status, length, False

    def _answered(self) -> None:
        """The backend answered the head for good: the outage, if any, is over."""
        self._start_run(None, None, 0)
        if self._failures:
            self._failures = 0
            self._outbox.set_failing(False)

    def _failed(self, outcome: Outcome) -> None:
        self._failures += 1
        self._stats.retried(outcome.reason)
        if self._failures == UNREACHABLE_AFTER:
            self._stats.report_once(
                "unreachable", "trainwatch: %s does not take batches (%s); they are kept in the spool and "
                "retried" % (self._transport.base_url, outcome.reason))
        self._outbox.set_failing(True)
        delay = self._policy.delay(self._failures, outcome.retry_after, self._rng)
        self._next_try = time.monotonic() + delay

    def _set_aside(self, batch: Batch, outcome: Outcome, tries: int) -> None:
        """Write `batch` to the dead-letter file and take it off the outbox; when it cannot be written
        there, it is dropped (counted, reported once per reason). Never raises."""
        reason = outcome.reason if tries <= 1 else "%s, %d times in a row" % (outcome.reason, tries)
        letters = self._dead_letters
        dropped = "rejected: HTTP %s" % outcome.http_status
        if letters is not None:
            try:
                path = urllib.parse.urlsplit(self._transport.url(batch.kind)).path
                if letters.write(batch, path, outcome.http_status, tries, reason, outcome.body):
                    dropped = None
                else:
                    dropped += ", dead-letter file full (%d bytes)" % letters.max_bytes
            except Exception as error:  # OSError mostly: never into the loop, never retried forever
                dropped += ", dead-letter write failed: %s" % (getattr(error, "strerror", None) or error)
        self._outbox.done(batch)
        if dropped is None:
            self._stats.dead_lettered(batch.kind, batch.count, letters.path, reason)
        else:
            self._stats.drop(batch.kind, batch.count, dropped, reason)
