"""The outbox: every batch not yet acknowledged, in the one order they must be sent in.

Its front lives in the spool (on disk), its back in memory; everything in the spool is older than
everything in memory, so the order holds when batches move from memory to disk. While the backend
answers, batches pass through memory only. When a try fails (`set_failing(True)`), when memory holds
more than `memory_budget` bytes, or when the logger finishes, the memory part is written to the spool
(`spill`), and while the backend is failing new batches go straight to the spool. The sender always
works on `head()` and calls `done()` when that batch is acknowledged, set aside or dropped, so one batch
is in flight at a time and batch N+1 never leaves before batch N. The one exception: when the server keeps
answering the head with the same 500 or 501, the sender tries `second()` once in its place, to tell a batch
the server cannot take from a failing server (transport.RetryPolicy); the head is then set aside or waits.

The spool is opened on first use (by the sender thread), so a large spool left by an earlier run is
read off the training thread; its batches come first. A spool that cannot be opened is replaced by
an in-memory one, with a warning. All methods are thread-safe; they hold the lock during spool I/O
but never during network I/O, and the training thread never calls them.
"""

from __future__ import annotations

import collections
import threading
from typing import Callable, Deque, Dict, Optional

from .batching import Batch
from .kinds import KINDS, zero_counts
from .spool import FileSpool, MemorySpool
from .stats import Stats


class Outbox:
    def __init__(self, open_spool: Callable[[], FileSpool], max_spool_bytes: int, memory_budget: int,
                 stats: Stats) -> None:
        self._open_spool = open_spool
        self._max_spool_bytes = max_spool_bytes
        self._memory_budget = memory_budget
        self._stats = stats
        self._lock = threading.Lock()
        self._memory: Deque[Batch] = collections.deque()
        self._memory_bytes = 0
        self._spool = None
        self._failing = False
        self._closed = False
        self._left = zero_counts()
        #: Set whenever a batch is added; the sender waits on it when the outbox is empty.
        self.added = threading.Event()

    # -- spool

    def _get_spool(self):
        if self._spool is None:
            try:
                self._spool = self._open_spool()
            except Exception as error:  # OSError, SpoolBusy, or no pread/pwrite on this platform
                self._spool = MemorySpool(self._max_spool_bytes)
                self._stats.report_once(
                    "spool", "trainwatch: cannot use a spool file (%s); unsent batches are kept in memory "
                    "only and are lost if the process ends before the backend answers" % (error,))
            for kind, items in self._spool.recovered:
                self._stats.add(kind, "queued", items)
            if self._spool.corrupt:
                self._stats.report_once("corrupt", "trainwatch: %d unreadable lines in %s were skipped"
                                        % (self._spool.corrupt, self._spool.path))
        return self._spool

    @property
    def path(self) -> Optional[str]:
        """The spool file, once the spool is open and if it is a file."""
        spool = self._spool
        return spool.path if spool is not None else None

    def _to_spool(self, batch: Batch) -> None:
        """Append to the spool, or drop (counted) when it is full or the disk refuses."""
        try:
            accepted = self._get_spool().append(batch)
            reason = "spool full (%d bytes)" % self._max_spool_bytes
        except OSError as error:
            accepted = False
            reason = "spool write failed: %s" % (error.strerror or error)
        if accepted:
            self._stats.add(batch.kind, "spooled", batch.count)
        else:
            self._stats.drop(batch.kind, batch.count, reason)

    def _spill_locked(self) -> None:
        while self._memory:
            batch = self._memory.popleft()
            self._memory_bytes -= len(batch.body)
            self._to_spool(batch)

    # -- used by the batcher

    def put(self, batch: Batch) -> None:
        with self._lock:
            if self._closed:
                self._stats.drop(batch.kind, batch.count, "logger finished")
                return
            if self._failing:
                self._spill_locked()
                self._to_spool(batch)
            else:
                self._memory.append(batch)
                self._memory_bytes += len(batch.body)
                if self._memory_bytes > self._memory_budget:
                    self._spill_locked()
        self.added.set()

    # -- used by the sender

    def head(self) -> Optional[Batch]:
        """The batch to send next, or None when nothing waits."""
        with self._lock:
            if self._closed:
                return None
            spool = self._get_spool()
            if spool.pending_batches:
                return spool.peek()
            return self._memory[0] if self._memory else None

    def second(self) -> Optional[Batch]:
        """The batch after the head, or None when fewer than two wait."""
        with self._lock:
            if self._closed:
                return None
            spool = self._get_spool()
            spooled = spool.pending_batches
            if spooled >= 2:
                return spool.peek(1)
            index = 1 - spooled
            return self._memory[index] if len(self._memory) > index else None

    def done(self, batch: Batch) -> None:
        """`batch`, the head or the one after it, was acknowledged, set aside or dropped: take it off."""
        with self._lock:
            if self._closed:
                return
            spool = self._get_spool()
            index = spool.find(batch.key)
            if index is not None:
                try:
                    spool.pop(index)
                except OSError as error:
                    self._stats.report_once("spool-pop", "trainwatch: cannot update the spool file: %s" % error)
                return
            for index in range(min(2, len(self._memory))):
                if self._memory[index] is batch:
                    del self._memory[index]
                    self._memory_bytes -= len(batch.body)
                    return

    def set_failing(self, failing: bool) -> None:
        """Record whether the backend is failing; on the first failure the memory part goes to the spool."""
        with self._lock:
            if failing and not self._failing and not self._closed:
                self._spill_locked()
            self._failing = failing

    # -- state

    def pending(self) -> Dict[str, int]:
        """Items waiting, per kind."""
        with self._lock:
            if self._closed:
                return dict(self._left)
            counts = zero_counts()
            for batch in self._memory:
                counts[batch.kind] += batch.count
            if self._spool is not None:
                for kind in counts:
                    counts[kind] += self._spool.pending_items(kind)
            return counts

    def empty(self) -> bool:
        with self._lock:
            if self._closed:
                return True
            return not self._memory and not self._get_spool().pending_batches

    def close(self) -> Dict[str, int]:
        """Write what is in memory to the spool and close it; answers the items left there, per kind."""
        with self._lock:
            if self._closed:
                return zero_counts()
            self._spill_locked()
            spool = self._get_spool()
            left = {kind: spool.pending_items(kind) for kind in KINDS}
            if isinstance(spool, MemorySpool):  # nothing can replay it: lost, so counted as dropped
                for batch in spool.batches():
                    self._stats.drop(batch.kind, batch.count, "not sent before finish() and no spool file")
                left = zero_counts()
            try:
                spool.close()
            except OSError:
                pass
            self._closed = True
            self._left = left
            return dict(left)
