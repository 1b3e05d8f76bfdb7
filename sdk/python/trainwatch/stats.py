"""Counters of what a logger did with its items, and the one-time reports of problems.

Counts are of items (metric points and log entries), per kind: queued (accepted from training code),
sent (acknowledged by the server), spooled (written to the local spool), dropped (given up, with the
reason), dead_lettered (refused by the server for good and set aside in the dead-letter file), and the
number of retried requests and of set-aside batches. A problem is reported once per reason through the
`warnings` module (category `TrainwatchWarning`), never raised: with `-W error` the report is swallowed
rather than turned into an exception in training. It does not log every retry; `stats()` has the counts
and the last error.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any, Dict, Optional

from .kinds import KIND, KINDS

_MAX_REASONS = 50


class TrainwatchWarning(RuntimeWarning):
    """A problem the SDK reports instead of raising: configuration missing, items dropped."""


def report(message: str) -> None:
    """Issue `message` as a TrainwatchWarning; never raises."""
    try:
        warnings.warn(message, TrainwatchWarning, stacklevel=3)
    except Exception:
        pass


class Stats:
    """Thread-safe counters; `snapshot()` is what TrainingLogger.stats() returns."""

    def __init__(self, job_id: Optional[str] = None) -> None:
        self._lock = threading.Lock()
        self._job = job_id
        self._counts = {kind: {"queued": 0, "sent": 0, "spooled": 0, "dropped": 0, "dead_lettered": 0}
                        for kind in KINDS}
        self._retried = 0
        self._dead_lettered_batches = 0
        #: The dead-letter file, once a batch was set aside in it.
        self.dead_letter_path: Optional[str] = None
        self._reasons: Dict[str, int] = {}
        self._reported = set()
        self.last_error: Optional[str] = None

    def add(self, kind: str, what: str, items: int) -> None:
        with self._lock:
            self._counts[kind][what] += items

    def retried(self, reason: str) -> None:
        with self._lock:
            self._retried += 1
            self.last_error = reason

    def drop(self, kind: str, items: int, reason: str, detail: str = "") -> None:
        """Count `items` of `kind` as dropped for `reason` (a short stable text) and report the reason
        the first time it is seen; `detail` (e.g. the server's message) goes into that report."""
        first = False
        with self._lock:
            self._counts[kind]["dropped"] += items
            key = reason if reason in self._reasons or len(self._reasons) < _MAX_REASONS else "other"
            self._reasons[key] = self._reasons.get(key, 0) + items
            if detail:
                self.last_error = "%s: %s" % (reason, detail)
            if reason not in self._reported:
                self._reported.add(reason)
                first = True
        if first:
            what = KIND[kind].noun
            report("trainwatch: job %s: dropped %d %s: %s%s (further drops for this reason are only counted "
                   "in stats())" % (self._job, items, what, reason, " (%s)" % detail if detail else ""))

    def dead_lettered(self, kind: str, items: int, path: str, reason: str) -> None:
        """Count a batch of `items` of `kind` set aside in the dead-letter file `path` because of `reason`
        (e.g. "HTTP 400 bad_request: ..."); the first one is reported, naming the file and the reason."""
        with self._lock:
            self._counts[kind]["dead_lettered"] += items
            self._dead_lettered_batches += 1
            self.dead_letter_path = path
            self.last_error = "set aside: %s" % reason
            first = "dead letter" not in self._reported
            self._reported.add("dead letter")
        if first:
            what = KIND[kind].noun
            report("trainwatch: job %s: the server refused a batch of %d %s for good (%s); it was set aside in %s "
                   "and later batches go on (further batches set aside are only counted in stats())"
                   % (self._job, items, what, reason, path))

    def report_once(self, key: str, message: str) -> None:
        with self._lock:
            if key in self._reported:
                return
            self._reported.add(key)
        report(message)

    def snapshot(self, extra: Optional[Dict[str, Any]] = None, accepted: Optional[Dict[str, int]] = None
                 ) -> Dict[str, Any]:
        """The counts; `accepted` (per kind) adds the items the queues took, which the training thread
        does not count itself."""
        with self._lock:
            by_kind = {kind: dict(counts) for kind, counts in self._counts.items()}
            for kind, items in (accepted or {}).items():
                by_kind[kind]["queued"] += items
            result: Dict[str, Any] = {
                what: sum(by_kind[kind][what] for kind in KINDS)
                for what in ("queued", "sent", "spooled", "dropped", "dead_lettered")
            }
            result["dead_lettered_batches"] = self._dead_lettered_batches
            result["dead_letter_path"] = self.dead_letter_path
            result["retried"] = self._retried
            result["drop_reasons"] = dict(self._reasons)
            result["last_error"] = self.last_error
            result["by_kind"] = by_kind
        if extra:
            result.update(extra)
        return result
