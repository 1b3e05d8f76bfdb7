"""`TrainingLogger`: what training code calls to report metrics and log lines to Trainwatch.

Every call made from training returns at once: it checks the values, appends them to an in-memory
queue and goes back to training. Two daemon threads (worker.py) batch the queue every second (or at 500
waiting items) and send the batches in order, retrying with backoff and spooling to disk while the
backend cannot take them (outbox.py, spool.py); a batch the server refuses for good is set aside in a
dead-letter file beside the spool (deadletter.py) and later ones go on. Nothing here raises into training:
bad values, a full queue, a missing backend, a refused batch are counted in `stats()` and reported once as
a `TrainwatchWarning`.

A third daemon thread (vitals.py) samples the process's CPU and memory, the machine's memory and each
GPU every 10 seconds (`system_metrics_interval`, TRAINWATCH_SYSTEM_METRICS_INTERVAL; 0 turns it off), and
the process and machine once more when finish() begins, and queues them as metrics named `system/...`, the
same way as log_metrics.

Without a job id or backend URL (from the arguments or TRAINWATCH_JOB_ID / TRAINWATCH_URL) the logger
does nothing but warn once, so the same training script runs anywhere.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import urllib.parse
from typing import Any, Dict, Mapping, Optional

from .batching import ItemQueue
from .capture import OutputCapture
from .deadletter import DeadLetterFile, dead_letter_path
from .kinds import KIND, KINDS
from .outbox import Outbox
from .records import make_log, make_points, now_iso
from .spool import default_directory, open_spool
from .stats import Stats, report
from .transport import HttpTransport, RetryPolicy
from .vitals import PREFIX as SYSTEM_PREFIX
from .vitals import Sampler, VitalSigns, parse_interval
from .worker import Batcher, Sender

MIB = 1024 * 1024


def _setting(value: Optional[Any], variable: str) -> Optional[str]:
    if value is None:
        value = os.environ.get(variable)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class TrainingLogger:
    """Reports one training job's metrics and log lines to Trainwatch.

    Arguments left out are read from the environment: `job_id` from TRAINWATCH_JOB_ID, `backend_url`
    from TRAINWATCH_URL (e.g. http://localhost:8081), `token` from TRAINWATCH_TOKEN (sent as
    `Authorization: Bearer <token>`), `spool_dir` from TRAINWATCH_SPOOL_DIR. The keyword-only arguments
    tune batching, retries, the spool and how long `finish()` waits; the defaults suit training. A request
    body is at most `max_batch_bytes` (1 MiB), and never over the server's limit of 4 MiB (batching.py).
    `capture_output=True` also sends every line written to stdout and stderr, as written and without a
    level, for the server to read levels and join tracebacks (capture.py).

    `system_metrics_interval` (else TRAINWATCH_SYSTEM_METRICS_INTERVAL, else 10): every so many seconds a
    daemon thread samples the process's CPU and resident memory, the machine's memory and, with nvidia-smi,
    each GPU, and reports them as metrics named `system/...` (vitals.py), and the process and machine once
    more when finish() begins; 0 (or "off") turns it off. The prefix is reserved: log_metrics leaves out a
    metric whose name starts with `system/`, and reports that once.

    A batch the server refuses for good (a 4xx other than 408/429, or the same 500/501
    `retry.dead_letter_after` times in a row while the server takes other batches) is set aside in
    `<spool_dir>/job-<id>-<8 hex>-dead-letters.jsonl`, at most `dead_letter_max_bytes` bytes (50 MiB), one
    JSON line per batch with its body, status, the server's answer and its Idempotency-Key (see
    deadletter.py); stats() counts it in `dead_lettered`. What does not fit, or cannot be written, is
    dropped and counted.

    Use it as a context manager, or call `finish()` at the end (it is also called at interpreter exit).
    """

    def __init__(
        self,
        job_id: Optional[Any] = None,
        backend_url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        capture_output: bool = False,
        flush_interval: float = 1.0,
        batch_size: int = 500,
        max_queue: int = 100_000,
        max_batch_bytes: int = 1 * MIB,
        spool_dir: Optional[str] = None,
        spool_max_bytes: int = 50 * MIB,
        dead_letter_max_bytes: int = 50 * MIB,
        memory_budget: int = 8 * MIB,
        finish_timeout: float = 30.0,
        request_timeout: float = 10.0,
        retry: Optional[RetryPolicy] = None,
        system_metrics_interval: Optional[float] = None,
    ) -> None:
        self.job_id = _setting(job_id, "TRAINWATCH_JOB_ID")
        self.backend_url = _setting(backend_url, "TRAINWATCH_URL")
        self.finish_timeout = float(finish_timeout)
        self._stats = Stats(self.job_id)
        self._pid = os.getpid()
        self._finish_lock = threading.Lock()
        self._finished = False
        self._accepting = False
        self._capture: Optional[OutputCapture] = None
        self._batcher: Optional[Batcher] = None
        self._sender: Optional[Sender] = None
        self._outbox: Optional[Outbox] = None
        self._vitals: Optional[VitalSigns] = None
        self._system_interval: Optional[float] = None
        # The epoch and step of the last point training reported: what system metrics are reported at.
        self._position = (0, None)

        missing = [name for name, value in (("TRAINWATCH_JOB_ID", self.job_id), ("TRAINWATCH_URL", self.backend_url))
                   if value is None]
        if missing:
            report("trainwatch: %s not set; metrics and logs of this run are not reported" % " and ".join(missing))
            return
        parts = urllib.parse.urlsplit(self.backend_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            report("trainwatch: TRAINWATCH_URL %r is not an http(s) URL; metrics and logs of this run are not "
                   "reported" % self.backend_url)
            return

        try:
            self._start(token, capture_output, flush_interval, batch_size, max_queue, max_batch_bytes, spool_dir,
                        spool_max_bytes, dead_letter_max_bytes, memory_budget, request_timeout, retry)
        except Exception as error:  # a logger that cannot start must not stop training
            self._accepting = False
            self._outbox = None
            report("trainwatch: cannot start (%r); metrics and logs of this run are not reported" % (error,))
            return
        try:
            self._start_vitals(system_metrics_interval)
        except Exception as error:  # without system metrics, the rest goes on
            self._vitals = None
            self._system_interval = None
            self._stats.report_once("vitals", "trainwatch: job %s: cannot sample system metrics (%r)"
                                    % (self.job_id, error))

    def _start(self, token, capture_output, flush_interval, batch_size, max_queue, max_batch_bytes, spool_dir,
               spool_max_bytes, dead_letter_max_bytes, memory_budget, request_timeout, retry) -> None:
        batch_size = max(1, min(int(batch_size), 10_000))
        token = _setting(token, "TRAINWATCH_TOKEN")
        directory = spool_dir or default_directory()
        job, url, limit = self.job_id, self.backend_url, int(spool_max_bytes)
        self._outbox = Outbox(lambda: open_spool(directory, job, url, limit), limit, int(memory_budget), self._stats)
        wake = threading.Event()
        self._queues = {kind: ItemQueue(int(max_queue), batch_size, wake) for kind in KINDS}
        self._batcher = Batcher("trainwatch-batcher-%s" % job, self._queues, wake, self._outbox, self._stats,
                                float(flush_interval), batch_size, int(max_batch_bytes))
        transport = HttpTransport(self.backend_url, job, token)
        dead_letters = DeadLetterFile(dead_letter_path(directory, job, url), job, int(dead_letter_max_bytes))
        self._sender = Sender("trainwatch-sender-%s" % job, self._outbox, transport, retry or RetryPolicy(),
                              self._stats, float(request_timeout), dead_letters=dead_letters)
        self._accepting = True
        self._batcher.start()
        self._sender.start()
        atexit.register(self._at_exit)
        if capture_output:
            self._capture = OutputCapture(self._captured, self._is_own_thread)

    def _start_vitals(self, interval_argument) -> None:
        """Start the system metrics thread, unless the interval (argument, else environment) turns it off."""
        from_environment = interval_argument is None
        value = os.environ.get("TRAINWATCH_SYSTEM_METRICS_INTERVAL") if from_environment else interval_argument
        interval, problem = parse_interval(value)
        if problem:
            self._stats.report_once("vitals interval", "trainwatch: %s %s" % (
                "TRAINWATCH_SYSTEM_METRICS_INTERVAL" if from_environment else "system_metrics_interval", problem))
        if interval is None:
            return
        sampler = Sampler(on_failure=self._vitals_failed)
        self._vitals = VitalSigns("trainwatch-vitals-%s" % self.job_id, sampler, interval, self._record_vitals,
                                  now_iso, self._vitals_error)
        self._system_interval = interval
        self._vitals.start()

    def _vitals_failed(self, source: str, reason: str) -> None:
        self._stats.report_once("vitals " + source, "trainwatch: job %s: system metrics: %s; skipped (reported "
                                "once, see stats()['system_metrics'])" % (self.job_id, reason))

    def _vitals_error(self, error: Exception) -> None:
        self._stats.report_once("vitals error", "trainwatch: job %s: system metrics error: %r" % (self.job_id, error))

    def _record_vitals(self, values: Mapping[str, float], timestamp: str) -> None:
        """Queue one sample of system metrics (vitals thread), as log_metrics queues a point.

        A sample is reported at the epoch and step of the last point training reported (epoch 0 and no step
        before the first): Trainwatch takes the epoch of a job's latest point as its progress, so a sample
        must not move it (back to 0, or ahead); and a chart puts a point at its step, or at its epoch when
        the job reports no steps, so a sample lands where training was when it was taken, on the same axis
        as the trainer's own metrics. Several samples may so share an epoch or a step; their timestamps
        tell them apart. A sample taken after finish() began is dropped without a word.
        """
        if not self._accepting or os.getpid() != self._pid:
            return
        epoch, step = self._position
        points, _ = make_points(epoch, values, step, timestamp)
        if points:
            self._enqueue("metrics", points)

    # -- what training calls

    @property
    def enabled(self) -> bool:
        """Whether this logger reports anything (False when the job id or URL is missing)."""
        return self._outbox is not None

    def log_metrics(self, epoch: int, metrics: Mapping[str, float], step: Optional[int] = None) -> None:
        """Report `metrics` (name to number) for `epoch`, and `step` when given, stamped with the time now.

        Sent as `{"epoch": 3, "metrics": {"loss": 0.41}, "timestamp": "<iso>", "step": 1200}`. NaN and
        +/-Infinity are sent as they are. Never blocks and never raises; a value that is not a number is
        left out and reported once.
        """
        if not self._accepting or os.getpid() != self._pid:
            self._ignored()
            return
        try:
            points, problems = make_points(epoch, metrics, step, reserved=SYSTEM_PREFIX)
            if not points:
                self._stats.add("metrics", "queued", 1)
                self._stats.drop("metrics", 1, "invalid point", problems[0] if problems else "")
                return
            if problems:
                self._stats.report_once("metric left out", "trainwatch: job %s: left out of a point: %s (further "
                                        "values left out are not reported)" % (self.job_id, problems[0]))
            self._position = (points[0]["epoch"], points[0].get("step", self._position[1]))
            self._enqueue("metrics", points)
        except Exception as error:  # never into training
            self._stats.report_once("log_metrics", "trainwatch: log_metrics failed: %r" % (error,))

    def log(self, message: str, level: Optional[str] = "INFO") -> None:
        """Report a log line. `level` is DEBUG, INFO, WARNING or ERROR (WARN, CRITICAL and logging's numbers
        are mapped); None lets the server read the level from the text. A message over 1,048,576 characters,
        or over what fits a request, is cut, saying how much (records.py). Never blocks and never raises."""
        if not self._accepting or os.getpid() != self._pid:
            self._ignored()
            return
        try:
            entry = make_log(message, level)
            if entry is not None:
                self._enqueue("logs", [entry])
        except Exception as error:
            self._stats.report_once("log", "trainwatch: log failed: %r" % (error,))

    def _ignored(self) -> None:
        if self._finished and self._outbox is not None:
            self._stats.report_once("after finish", "trainwatch: job %s: log_metrics/log called after finish(); "
                                    "ignored" % self.job_id)

    def _enqueue(self, kind: str, items) -> None:
        # No lock here: items accepted are counted as queue.taken + len(queue); only refusals count now.
        queue = self._queues[kind]
        for item in items:
            if not queue.put(item):
                self._stats.add(kind, "queued", 1)
                self._stats.drop(kind, 1, "queue full (%d waiting)" % len(queue))

    def _captured(self, line: str) -> None:
        """A line of captured output: sent without a level, the server reads it (capture.py)."""
        if not self._accepting or os.getpid() != self._pid:
            return
        entry = make_log(line, None, now_iso())
        if entry is not None:
            self._enqueue("logs", [entry])

    def _is_own_thread(self) -> bool:
        current = threading.current_thread()
        return current is self._batcher or current is self._sender or current is self._vitals

    # -- ending

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Send what is waiting now and wait until it is acknowledged, at most `timeout` seconds
        (default finish_timeout). True when nothing is left waiting. Blocks the caller; optional."""
        if self._outbox is None or self._finished:
            return True
        deadline = time.monotonic() + (self.finish_timeout if timeout is None else timeout)
        self._batcher.flush_now()
        self._sender.retry_now()
        while time.monotonic() < deadline:
            if not any(len(queue) for queue in self._queues.values()) and self._outbox.empty():
                return True
            time.sleep(0.01)
        return False

    def finish(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Stop taking new items, send what is waiting, and stop the threads, within `timeout` seconds
        (default finish_timeout, 30 s) plus at most half a second. What could not be sent stays in the
        spool file, and a later logger of the same job sends it first. Safe to call more than once.
        Answers `stats()`."""
        with self._finish_lock:
            if self._finished:
                return self.stats()
            self._finished = True
        if self._outbox is None or os.getpid() != self._pid:
            self._accepting = False
            return self.stats()
        try:
            atexit.unregister(self._at_exit)
        except Exception:
            pass
        try:
            self._finish(time.monotonic() + (self.finish_timeout if timeout is None else float(timeout)))
        except Exception as error:  # never into training
            self._accepting = False
            report("trainwatch: job %s: finish() failed: %r" % (self.job_id, error))
        return self.stats()

    def _finish(self, deadline: float) -> None:
        if self._vitals is not None:
            # A last sample of the process and machine (not the GPUs): a running nvidia-smi is killed, and
            # a sample under way is not queued. It takes milliseconds; finish() waits for it 0.5 s at most.
            self._vitals.stop(final=True)
            self._vitals.join(min(0.5, max(0.0, deadline - time.monotonic())))
        if self._capture is not None:
            self._capture.stop()
        self._accepting = False
        self._batcher.stop()
        self._batcher.join(max(0.0, deadline - time.monotonic()))
        self._sender.drain(deadline)
        self._sender.join(max(0.0, deadline - time.monotonic()) + 0.5)
        left = self._outbox.close()
        for kind, queue in self._queues.items():  # only when the batcher could not finish in time
            rest = len(queue)
            if rest:
                queue.take(rest)
                self._stats.drop(kind, rest, "not batched before finish() timed out")
        if any(left.values()):
            path = self._outbox.path
            if path:
                counts = " and ".join("%d %s" % (left[kind], KIND[kind].noun) for kind in KINDS)
                report("trainwatch: job %s: %s were not sent in time; they are kept in %s and the next logger of "
                       "this job sends them first" % (self.job_id, counts, path))

    def _at_exit(self) -> None:
        if not self._finished:
            self.finish()

    def __enter__(self) -> "TrainingLogger":
        return self

    def __exit__(self, *exc_info) -> None:
        self.finish()

    # -- state

    def stats(self) -> Dict[str, Any]:
        """Counts of items, per kind and in total: `queued` (accepted), `sent` (acknowledged), `spooled`
        (written to the spool), `dropped` (given up, with `drop_reasons`: reason to count), `dead_lettered`
        (refused by the server for good and set aside in the dead-letter file), `pending` (not yet
        acknowledged), plus `dead_lettered_batches` (batches set aside), `dead_letter_path` (the file,
        once a batch was set aside there, else None), `retried` (failed tries that were retried),
        `last_error`, `spool_path`, `enabled`, and `system_metrics`: `interval` (seconds; None when off),
        `samples` taken and `unavailable` (each source that could not be read, with the first reason: "cpu",
        "process_memory", "memory", "gpu"). Every queued item ends up sent, dropped, dead-lettered or
        pending; system metrics count as metrics."""
        vitals = self._vitals
        system = {"interval": self._system_interval, "samples": vitals.samples if vitals else 0,
                  "unavailable": vitals.sampler.unavailable if vitals else {}}
        if self._outbox is None:
            return self._stats.snapshot({"pending": 0, "spool_path": None, "enabled": False,
                                         "system_metrics": system})
        accepted = {kind: queue.taken + len(queue) for kind, queue in self._queues.items()}
        pending = sum(self._outbox.pending().values()) + sum(len(queue) for queue in self._queues.values())
        return self._stats.snapshot({"pending": pending, "spool_path": self._outbox.path, "enabled": True,
                                     "system_metrics": system}, accepted=accepted)

    def __repr__(self) -> str:
        return "TrainingLogger(job_id=%r, backend_url=%r, enabled=%r)" % (self.job_id, self.backend_url, self.enabled)
