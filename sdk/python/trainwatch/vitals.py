"""Vital signs: the training process's CPU and memory, the machine's memory and each GPU, sampled every few
seconds on a daemon thread of their own and reported as metrics named `system/...`.

`Sampler` reads the sources; `VitalSigns` is the thread that asks it every `interval` seconds (and, without
the GPUs, once more when the logger finishes) and hands the values to the logger, which queues them as
metric points like any others (so they are batched, retried and spooled with the rest). What is read, and the names it is reported under (MB is MiB, 1,048,576 bytes, as
nvidia-smi counts):

- `system/cpu_percent`: the process's CPU time (all its threads, user and system) over the wall time since
  the last sample, in percent of one core (so 250 is two and a half cores busy). From `<proc>/self/stat`
  (fields utime and stime, in clock ticks), or from `os.times()` where there is no /proc (macOS). The first
  value comes one interval after the start.
- `system/process_rss_mb`: the process's resident memory, `VmRSS` of `<proc>/self/status` (else the second
  field of `<proc>/self/statm` times the page size).
- `system/memory_used_mb` and `system/memory_available_mb`: the machine's memory, from `<proc>/meminfo`:
  `MemAvailable`, and `MemTotal - MemAvailable` as used (what the kernel could not hand to a new program
  without swapping; caches are not counted as used).
- per GPU N (nvidia-smi's index): `system/gpuN/utilization_percent`, `system/gpuN/memory_used_mb`,
  `system/gpuN/memory_total_mb`, `system/gpuN/temperature_c`, from one run of `nvidia-smi
  --query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu --format=csv,noheader,nounits`
  when `nvidia-smi` is on PATH, killed (with anything it started) after `gpu_timeout` seconds. A field it
  answers `[N/A]` or `[Not Supported]` for is left out.

A source that is not there (no /proc, no nvidia-smi) is skipped without a word; one that is there but fails
(nvidia-smi timing out or exiting with an error, a line that cannot be read) is skipped too, and reported
once as a TrainwatchWarning. Either way the first reason per source is kept in `unavailable`, which
`TrainingLogger.stats()` shows under `system_metrics`, and the other sources go on. Nothing here raises
into training, and none of it runs on the training thread.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import threading
import time
from typing import Callable, Dict, List, Optional, Tuple

#: Metric names starting with this are the SDK's own; log_metrics leaves out a user's (records.py).
PREFIX = "system/"
#: Seconds between samples unless set otherwise.
DEFAULT_INTERVAL = 10.0
#: The shortest interval taken; a shorter one (but over 0) is raised to this.
MIN_INTERVAL = 0.01
#: Seconds nvidia-smi may take before it is killed and the GPUs skipped for that sample.
GPU_TIMEOUT = 5.0
GPU_QUERY = ("--query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu",
             "--format=csv,noheader,nounits")
#: The names of nvidia-smi's answer's fields after the index, in the order queried.
GPU_FIELDS = ("utilization_percent", "memory_used_mb", "memory_total_mb", "temperature_c")

KIB_PER_MIB = 1024.0


class _Absent(Exception):
    """A source that is not there: skipped, kept in `unavailable`, never warned about."""


class _Failed(Exception):
    """A source that is there but failed: skipped, kept in `unavailable`, warned about once."""


def _number(text: str) -> Optional[float]:
    """A finite number from nvidia-smi's field, or None for [N/A], [Not Supported] and other text."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _round(value: float) -> float:
    return round(value, 1)


class Sampler:
    """Reads the vital signs from `proc` (a /proc tree; tests give a directory of their own) and from the
    `nvidia_smi` program found on `search_path` (PATH by default, looked up at every sample).

    `start()` takes the CPU reading the first `cpu_percent` is measured from; `read_host()` answers the
    process's and machine's values, `read_gpus()` the GPUs', `sample()` both. Each answers what it could
    read, possibly nothing, and never raises: a source it cannot read is noted in `unavailable` (source to
    the first reason: "cpu", "process_memory", "memory", "gpu") and `on_failure(source, reason)` is called
    the first time a source that is there fails. `cancel()` (from another thread) kills a running nvidia-smi
    and stops further runs.
    """

    def __init__(self, proc: str = "/proc", nvidia_smi: str = "nvidia-smi", search_path: Optional[str] = None,
                 gpu_timeout: float = GPU_TIMEOUT, clock: Callable[[], float] = time.monotonic,
                 on_failure: Optional[Callable[[str, str], None]] = None) -> None:
        self.proc = proc
        self.nvidia_smi = nvidia_smi
        self.search_path = search_path
        self.gpu_timeout = float(gpu_timeout)
        self._clock = clock
        self._on_failure = on_failure
        self._lock = threading.Lock()
        self._unavailable: Dict[str, str] = {}
        self._cpu_source: Optional[Callable[[], float]] = None
        self._last_cpu: Optional[Tuple[float, float]] = None  # (cpu seconds, clock)
        self._process: Optional[subprocess.Popen] = None
        self._cancelled = False
        try:
            self._ticks = float(os.sysconf("SC_CLK_TCK"))
        except (AttributeError, ValueError, OSError):
            self._ticks = 100.0
        try:
            self._page_size = float(os.sysconf("SC_PAGE_SIZE"))
        except (AttributeError, ValueError, OSError):
            self._page_size = 4096.0

    # -- what the thread and the tests call

    @property
    def unavailable(self) -> Dict[str, str]:
        """Each source that could not be read at least once, with the first reason."""
        with self._lock:
            return dict(self._unavailable)

    def start(self) -> None:
        """Take the CPU reading the first `system/cpu_percent` is measured from."""
        self._cpu_source = self._choose_cpu_source()
        self._last_cpu = self._cpu_reading()

    def sample(self) -> Dict[str, float]:
        """Everything that can be read now: read_host() and read_gpus() together."""
        values = self.read_host()
        values.update(self.read_gpus())
        return values

    def read_host(self) -> Dict[str, float]:
        """The process's CPU and memory and the machine's memory, as far as they can be read."""
        values: Dict[str, float] = {}
        for source, read in (("cpu", self._cpu_percent), ("process_memory", self._process_rss),
                             ("memory", self._memory)):
            self._guarded(source, read, values)
        return values

    def read_gpus(self) -> Dict[str, float]:
        """Each GPU's utilisation, memory and temperature, from one run of nvidia-smi; none without it."""
        values: Dict[str, float] = {}
        self._guarded("gpu", self._gpus, values)
        return values

    def cancel(self) -> None:
        """Kill a running nvidia-smi and run no more (the logger is finishing). Any thread; never raises."""
        with self._lock:
            self._cancelled = True
            process = self._process
            if process is not None and process.returncode is None:  # not reaped: its pid is still its own
                _signal(process)  # the thread running it reaps it and closes its pipes

    # -- the sources

    def _guarded(self, source: str, read: Callable[[Dict[str, float]], None], values: Dict[str, float]) -> None:
        try:
            read(values)
        except _Absent as absent:
            self._note(source, str(absent), failed=False)
        except _Failed as failure:
            self._note(source, str(failure), failed=True)
        except Exception as error:  # anything unforeseen: skipped like a failure, never raised
            self._note(source, "%s: %r" % (source, error), failed=True)

    def _note(self, source: str, reason: str, failed: bool) -> None:
        with self._lock:
            if source in self._unavailable:
                return
            self._unavailable[source] = reason
        if failed and self._on_failure is not None:
            try:
                self._on_failure(source, reason)
            except Exception:
                pass

    def _path(self, *parts: str) -> str:
        return os.path.join(self.proc, *parts)

    def _read(self, *parts: str) -> str:
        path = self._path(*parts)
        try:
            with open(path, encoding="ascii", errors="replace") as file:
                return file.read()
        except FileNotFoundError:
            raise _Absent("%s not found" % path) from None
        except OSError as error:
            raise _Absent("%s cannot be read: %s" % (path, error.strerror or error)) from None

    # CPU

    def _stat_seconds(self) -> float:
        """The process's user and system CPU seconds from <proc>/self/stat (fields 14 and 15, counted after
        the command name, which may hold spaces and parentheses)."""
        text = self._read("self", "stat")
        fields = text[text.rfind(")") + 1:].split()
        try:
            return (int(fields[11]) + int(fields[12])) / self._ticks
        except (IndexError, ValueError):
            raise _Failed("%s cannot be read: %r" % (self._path("self", "stat"), text[:100])) from None

    @staticmethod
    def _times_seconds() -> float:
        times = os.times()
        return times.user + times.system

    def _choose_cpu_source(self) -> Callable[[], float]:
        """<proc>/self/stat when it can be read, else os.times() (the same numbers, without /proc)."""
        try:
            self._stat_seconds()
            return self._stat_seconds
        except Exception:
            return self._times_seconds

    def _cpu_reading(self) -> Optional[Tuple[float, float]]:
        try:
            return self._cpu_source(), self._clock()
        except Exception:
            return None

    def _cpu_percent(self, values: Dict[str, float]) -> None:
        if self._cpu_source is None:
            self.start()
            return  # the first reading: nothing to measure from yet
        before, now = self._last_cpu, self._cpu_source()
        at = self._clock()
        self._last_cpu = (now, at)
        if before is None or at <= before[1]:
            return
        values[PREFIX + "cpu_percent"] = _round(max(0.0, now - before[0]) / (at - before[1]) * 100.0)

    # memory

    def _process_rss(self, values: Dict[str, float]) -> None:
        try:
            status = self._read("self", "status")
        except _Absent:
            status = ""
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit():
                    values[PREFIX + "process_rss_mb"] = _round(int(parts[1]) / KIB_PER_MIB)
                    return
                raise _Failed("%s: cannot read %r" % (self._path("self", "status"), line[:100]))
        statm = self._read("self", "statm").split()  # absent when neither is there
        if len(statm) < 2 or not statm[1].isdigit():
            raise _Failed("%s cannot be read: %r" % (self._path("self", "statm"), " ".join(statm)[:100]))
        values[PREFIX + "process_rss_mb"] = _round(int(statm[1]) * self._page_size / (1024.0 * 1024.0))

    def _memory(self, values: Dict[str, float]) -> None:
        fields: Dict[str, int] = {}
        for line in self._read("meminfo").splitlines():
            name, _, rest = line.partition(":")
            parts = rest.split()
            if parts and parts[0].isdigit():
                fields[name.strip()] = int(parts[0])  # kB
        if "MemTotal" not in fields or "MemAvailable" not in fields:
            raise _Failed("%s has no MemTotal and MemAvailable" % self._path("meminfo"))
        available = fields["MemAvailable"]
        values[PREFIX + "memory_used_mb"] = _round(max(0, fields["MemTotal"] - available) / KIB_PER_MIB)
        values[PREFIX + "memory_available_mb"] = _round(available / KIB_PER_MIB)

    # GPUs

    def _gpus(self, values: Dict[str, float]) -> None:
        program = shutil.which(self.nvidia_smi, path=self.search_path)
        if program is None:
            raise _Absent("%s not found on PATH" % self.nvidia_smi)
        output = self._run(program)
        malformed: List[str] = []
        for line in output.splitlines():
            if not line.strip():
                continue
            fields = [field.strip() for field in line.split(",")]
            if len(fields) != 1 + len(GPU_FIELDS) or not fields[0].isdigit():
                malformed.append(line)
                continue
            for name, text in zip(GPU_FIELDS, fields[1:]):
                number = _number(text)
                if number is not None:
                    values["%sgpu%d/%s" % (PREFIX, int(fields[0]), name)] = number
        if malformed:
            self._note("gpu", "%s answered a line that cannot be read: %r" % (self.nvidia_smi, malformed[0][:100]),
                       failed=True)

    def _run(self, program: str) -> str:
        """nvidia-smi's output; killed, with whatever it started, after gpu_timeout seconds."""
        with self._lock:
            if self._cancelled:
                return ""
            process = subprocess.Popen([program, *GPU_QUERY], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, start_new_session=True)
            self._process = process
        try:
            out, err = process.communicate(timeout=self.gpu_timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            if self._cancelled:
                return ""
            raise _Failed("%s timed out after %g s" % (self.nvidia_smi, self.gpu_timeout)) from None
        except BaseException:
            _kill(process)
            raise
        finally:
            with self._lock:
                self._process = None
        if self._cancelled:
            return ""
        if process.returncode != 0:
            first = (err or out or b"").decode("utf-8", "replace").strip().splitlines()
            raise _Failed("%s exited with %s%s" % (self.nvidia_smi, process.returncode,
                                                   ": " + first[0][:200] if first else ""))
        return out.decode("utf-8", "replace")


def _signal(process: subprocess.Popen) -> None:
    """Kill `process` and its process group (it was started in a session of its own). Never raises."""
    try:
        killpg = getattr(os, "killpg", None)
        if killpg is not None:
            try:
                killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()
        else:
            process.kill()
    except Exception:
        pass


def _kill(process: subprocess.Popen) -> None:
    """Kill `process` and its process group, reap it and close its pipes (only from the thread that runs
    it). Never raises, never waits more than a second."""
    _signal(process)
    try:
        process.wait(timeout=1.0)
    except Exception:
        pass
    for pipe in (process.stdout, process.stderr):
        try:
            if pipe is not None:
                pipe.close()
        except Exception:
            pass


def parse_interval(value) -> Tuple[Optional[float], Optional[str]]:
    """The sampling interval in seconds from an argument or TRAINWATCH_SYSTEM_METRICS_INTERVAL's text, and
    a problem to report (or None). None or blank: DEFAULT_INTERVAL. 0, a negative number, False, "off",
    "false", "no" or "none": off (None). Anything else that is not a number: the default, with a problem."""
    if value is None or value is True:
        return DEFAULT_INTERVAL, None
    if value is False:
        return None, None
    text = str(value).strip().lower()
    if not text:
        return DEFAULT_INTERVAL, None
    if text in ("off", "false", "no", "none"):
        return None, None
    try:
        seconds = float(text)
    except ValueError:
        return DEFAULT_INTERVAL, "%r is not a number of seconds; sampling every %g s" % (value, DEFAULT_INTERVAL)
    if math.isnan(seconds) or seconds <= 0 or math.isinf(seconds):
        return None, None
    return max(seconds, MIN_INTERVAL), None


class VitalSigns(threading.Thread):
    """The daemon thread that samples every `interval` seconds and hands each sample's values to
    `record(values, timestamp)`: first the process's and machine's, then, in a second call, the GPUs'
    (so that a slow nvidia-smi never holds back the others). Missed ticks (a sample that took longer than
    the interval) are skipped, not made up. `stop()` ends it at once, killing a running nvidia-smi;
    `stop(final=True)` has it record the process's and machine's values once more before it ends (no
    nvidia-smi: that could take seconds), so that even a run shorter than the interval gets a sample,
    its CPU measured over the whole run."""

    def __init__(self, name: str, sampler: Sampler, interval: float,
                 record: Callable[[Dict[str, float], str], None], now: Callable[[], str],
                 on_error: Callable[[Exception], None]) -> None:
        super().__init__(name=name, daemon=True)
        self.sampler = sampler
        self.interval = interval
        self.samples = 0
        self._record = record
        self._now = now
        self._on_error = on_error
        self._stopping = threading.Event()
        self._final = False

    def stop(self, final: bool = False) -> None:
        self._final = final
        self._stopping.set()
        self.sampler.cancel()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        try:
            self.sampler.start()
        except Exception as error:
            self._on_error(error)
        next_tick = time.monotonic() + self.interval
        while not self._stopping.wait(max(0.0, next_tick - time.monotonic())):
            next_tick += self.interval
            now = time.monotonic()
            if next_tick <= now:
                next_tick = now + self.interval
            try:
                self._sample()
            except Exception as error:  # keep the thread alive whatever happens
                self._on_error(error)
                time.sleep(0.05)
        if self._final:
            try:
                when = self._now()
                host = self.sampler.read_host()
                if host:
                    self._record(host, when)
                self.samples += 1
            except Exception as error:
                self._on_error(error)

    def _sample(self) -> None:
        when = self._now()
        host = self.sampler.read_host()
        if host and not self.stopping:
            self._record(host, when)
        gpus = self.sampler.read_gpus()
        if gpus and not self.stopping:
            self._record(gpus, when)
        self.samples += 1
