"""System metrics (vitals.py): read from a fake /proc tree and a fake nvidia-smi on PATH, skipped when absent,
never holding up training, and sent by the logger as `system/...` metrics."""

import os
import shutil
import stat
import tempfile
import textwrap
import threading
import time
import unittest
from unittest import mock

from trainwatch.records import make_points
from trainwatch.vitals import DEFAULT_INTERVAL, GPU_QUERY, Sampler, parse_interval

from tests.support import ServerTestCase

POSIX = os.name == "posix"
HAS_PROC = os.path.exists("/proc/self/status") and os.path.exists("/proc/meminfo")
TICKS = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0

MEMINFO = """MemTotal:       16384000 kB
MemFree:         1024000 kB
MemAvailable:   12288000 kB
Buffers:          204800 kB
Cached:          8192000 kB
"""
STATUS = """Name:\tpython3
State:\tR (running)
VmPeak:\t 2000000 kB
VmRSS:\t  524288 kB
Threads:\t4
"""
TWO_GPUS = "0, 35, 1024, 16384, 45\n1, [N/A], 8192, 16384, 61\n"


def stat_line(utime, stime, name="python3 (worker) x"):
    """A /proc/<pid>/stat line: pid (comm) state, then fields 4 to 52; utime and stime are 14 and 15."""
    rest = ["S", "1", "1", "1", "0", "-1", "4194560", "100", "0", "0", "0", str(utime), str(stime)] + ["0"] * 37
    return "4242 (%s) %s\n" % (name, " ".join(rest))


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as file:
        file.write(text)


def fake_proc(root, utime=100, stime=50, status=STATUS, meminfo=MEMINFO):
    write(os.path.join(root, "self", "stat"), stat_line(utime, stime))
    if status is not None:
        write(os.path.join(root, "self", "status"), status)
    if meminfo is not None:
        write(os.path.join(root, "meminfo"), meminfo)


def fake_program(directory, body, name="nvidia-smi"):
    """An executable shell script `name` in `directory`; it answers only nvidia-smi's query (exit 2 else)."""
    path = os.path.join(directory, name)
    query = " ".join(GPU_QUERY)
    with open(path, "w") as file:
        file.write("#!/bin/sh\n")
        file.write('[ "$*" = "%s" ] || { echo "unexpected arguments: $*" >&2; exit 2; }\n' % query)
        file.write(textwrap.dedent(body))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for this purpose
        with open("/proc/%d/stat" % pid) as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class TempDirTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tw-vitals-")
        self.proc = os.path.join(self.dir, "proc")
        self.bin = os.path.join(self.dir, "bin")
        os.makedirs(self.proc)
        os.makedirs(self.bin)
        self.failures = []

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def sampler(self, **options):
        settings = dict(proc=self.proc, search_path=self.bin, on_failure=lambda *failure: self.failures.append(failure))
        settings.update(options)
        return Sampler(**settings)


class ProcTest(TempDirTestCase):
    def test_samples_from_a_fake_proc_tree(self):
        fake_proc(self.proc, utime=100, stime=50)
        clock = FakeClock()
        sampler = self.sampler(clock=clock)
        sampler.start()
        fake_proc(self.proc, utime=100 + int(TICKS), stime=50 + int(TICKS // 2))  # 1.5 s of CPU ...
        clock.now += 2.0  # ... in 2 s
        values = sampler.read_host()
        self.assertEqual(values, {
            "system/cpu_percent": 75.0,
            "system/process_rss_mb": 512.0,
            "system/memory_used_mb": 4000.0,
            "system/memory_available_mb": 12000.0,
        })
        self.assertEqual(self.failures, [])
        self.assertEqual(sampler.unavailable, {})

    def test_the_first_cpu_value_needs_a_reading_before_it(self):
        fake_proc(self.proc)
        clock = FakeClock()
        sampler = self.sampler(clock=clock)
        self.assertNotIn("system/cpu_percent", sampler.read_host(), "no start(): nothing to measure from")
        clock.now += 1.0
        self.assertEqual(sampler.read_host()["system/cpu_percent"], 0.0)

    def test_several_busy_threads_count_over_100_percent(self):
        fake_proc(self.proc, utime=0, stime=0)
        clock = FakeClock()
        sampler = self.sampler(clock=clock)
        sampler.start()
        fake_proc(self.proc, utime=int(5 * TICKS), stime=0)
        clock.now += 2.0
        self.assertEqual(sampler.read_host()["system/cpu_percent"], 250.0)

    def test_without_vmrss_the_resident_memory_comes_from_statm(self):
        fake_proc(self.proc, status="Name:\tkworker\n")
        write(os.path.join(self.proc, "self", "statm"), "5000 2560 300 1 0 400 0\n")
        pages = 2560 * os.sysconf("SC_PAGE_SIZE") / (1024.0 * 1024.0)
        self.assertEqual(self.sampler().read_host()["system/process_rss_mb"], round(pages, 1))

    def test_a_malformed_meminfo_is_skipped_and_reported_once(self):
        fake_proc(self.proc, meminfo="MemTotal: lots\nnonsense\n")
        sampler = self.sampler()
        sampler.start()
        for _ in range(3):
            values = sampler.read_host()
            self.assertNotIn("system/memory_used_mb", values)
            self.assertIn("system/process_rss_mb", values)
        self.assertEqual(len(self.failures), 1)
        self.assertEqual(self.failures[0][0], "memory")
        self.assertIn("MemAvailable", sampler.unavailable["memory"])

    def test_without_proc_only_the_cpu_is_sampled_from_os_times_and_nothing_is_reported(self):
        sampler = self.sampler(proc=os.path.join(self.dir, "no-proc"))
        sampler.start()
        end = time.process_time() + 0.05
        while time.process_time() < end:
            pass
        values = sampler.sample()
        self.assertEqual(set(values), {"system/cpu_percent"})
        self.assertGreater(values["system/cpu_percent"], 0.0)
        self.assertEqual(self.failures, [], "an absent source is skipped silently")
        self.assertEqual(set(sampler.unavailable), {"process_memory", "memory", "gpu"})
        self.assertIn("not found", sampler.unavailable["memory"])

    @unittest.skipUnless(HAS_PROC, "needs Linux's /proc")
    def test_the_real_proc(self):
        sampler = Sampler()
        sampler.start()
        values = sampler.read_host()
        self.assertLessEqual({"system/process_rss_mb", "system/memory_used_mb", "system/memory_available_mb"},
                             set(values))
        self.assertGreater(values["system/process_rss_mb"], 1.0)
        time.sleep(0.02)
        self.assertGreaterEqual(sampler.read_host()["system/cpu_percent"], 0.0)


@unittest.skipUnless(POSIX, "the fake nvidia-smi is a shell script")
class GpuTest(TempDirTestCase):
    def test_two_gpus_from_a_fake_nvidia_smi_on_path(self):
        fake_program(self.bin, "printf '%s'\n" % TWO_GPUS.replace("\n", "\\n"))
        with mock.patch.dict(os.environ, {"PATH": self.bin + os.pathsep + os.environ.get("PATH", "")}):
            values = self.sampler(search_path=None).read_gpus()
        self.assertEqual(values, {
            "system/gpu0/utilization_percent": 35.0,
            "system/gpu0/memory_used_mb": 1024.0,
            "system/gpu0/memory_total_mb": 16384.0,
            "system/gpu0/temperature_c": 45.0,
            # gpu1's utilisation is [N/A]: left out, the rest kept
            "system/gpu1/memory_used_mb": 8192.0,
            "system/gpu1/memory_total_mb": 16384.0,
            "system/gpu1/temperature_c": 61.0,
        })
        self.assertEqual(self.failures, [])

    def test_a_malformed_line_is_skipped_and_reported_once(self):
        fake_program(self.bin, "echo '0, 10, 100, 1000, 40'\necho 'garbage'\necho 'x, 1, 2, 3, 4'\n")
        sampler = self.sampler()
        for _ in range(2):
            self.assertEqual(sampler.read_gpus()["system/gpu0/utilization_percent"], 10.0)
        self.assertEqual(len(self.failures), 1)
        self.assertIn("garbage", sampler.unavailable["gpu"])

    def test_without_nvidia_smi_gpus_are_skipped_silently(self):
        sampler = self.sampler()
        self.assertEqual(sampler.read_gpus(), {})
        self.assertEqual(sampler.read_gpus(), {})
        self.assertEqual(self.failures, [])
        self.assertEqual(sampler.unavailable, {"gpu": "nvidia-smi not found on PATH"})

    def test_an_nvidia_smi_that_fails_is_skipped_and_reported_once(self):
        fake_program(self.bin, "echo 'NVIDIA-SMI has failed because it could not communicate with the driver'\n"
                               "exit 9\n")
        sampler = self.sampler()
        self.assertEqual(sampler.read_gpus(), {})
        self.assertEqual(sampler.read_gpus(), {})
        self.assertEqual(len(self.failures), 1)
        self.assertIn("exited with 9: NVIDIA-SMI has failed", self.failures[0][1])

    def test_an_nvidia_smi_that_hangs_is_killed_at_the_timeout_with_what_it_started(self):
        pid_file = os.path.join(self.dir, "sleep.pid")
        fake_program(self.bin, "sleep 30 &\necho $! > %s\nwait\n" % pid_file)
        sampler = self.sampler(gpu_timeout=0.3)
        started = time.monotonic()
        self.assertEqual(sampler.read_gpus(), {})
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertEqual(len(self.failures), 1)
        self.assertIn("timed out after 0.3 s", self.failures[0][1])
        with open(pid_file) as file:
            sleeper = int(file.read())
        self.assertTrue(wait_until(lambda: not alive(sleeper)), "the process nvidia-smi started still runs")

    def test_cancel_kills_a_running_nvidia_smi_at_once(self):
        fake_program(self.bin, "exec sleep 30\n")
        sampler = self.sampler(gpu_timeout=30)
        answers = []
        thread = threading.Thread(target=lambda: answers.append(sampler.read_gpus()))
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        sampler.cancel()
        thread.join(5)
        self.assertFalse(thread.is_alive())
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertEqual(answers, [{}])
        self.assertEqual(self.failures, [], "cancelled, not failed")


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class IntervalTest(unittest.TestCase):
    def test_parse_interval(self):
        self.assertEqual(parse_interval(None), (DEFAULT_INTERVAL, None))
        self.assertEqual(parse_interval(""), (DEFAULT_INTERVAL, None))
        self.assertEqual(parse_interval(" 2.5 "), (2.5, None))
        self.assertEqual(parse_interval(30), (30.0, None))
        self.assertEqual(parse_interval(0.0001), (0.01, None))
        for off in (0, "0", -1, "off", "False", "no", False, "inf"):
            self.assertEqual(parse_interval(off), (None, None), off)
        interval, problem = parse_interval("often")
        self.assertEqual(interval, DEFAULT_INTERVAL)
        self.assertIn("'often' is not a number", problem)

    def test_system_names_can_be_reserved(self):
        points, problems = make_points(1, {"system/cpu_percent": 5.0, "loss": 0.5}, reserved="system/")
        self.assertEqual(points[0]["metrics"], {"loss": 0.5})
        self.assertIn("reserved", problems[0])
        points, _ = make_points(1, {"system/cpu_percent": 5.0})
        self.assertEqual(points[0]["metrics"], {"system/cpu_percent": 5.0})


def system_points(server):
    return [point for point in server.points() if any(name.startswith("system/") for name in point["metrics"])]


def names(points):
    return {name for point in points for name in point["metrics"]}


class LoggerVitalsTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.bin = tempfile.mkdtemp(prefix="tw-vitals-bin-")
        path = mock.patch.dict(os.environ, {"PATH": self.bin + os.pathsep + os.environ.get("PATH", "")})
        path.start()
        self.addCleanup(path.stop)
        self.addCleanup(shutil.rmtree, self.bin, True)
        self.environment = mock.patch.dict(os.environ)
        self.environment.start()
        self.addCleanup(self.environment.stop)
        os.environ.pop("TRAINWATCH_SYSTEM_METRICS_INTERVAL", None)

    @unittest.skipUnless(POSIX, "the fake nvidia-smi is a shell script")
    def test_the_logger_sends_system_metrics_at_the_last_epoch_and_step(self):
        fake_program(self.bin, "printf '%s'\n" % TWO_GPUS.replace("\n", "\\n"))
        logger = self.logger(system_metrics_interval=0.05)
        logger.log_metrics(3, {"loss": 0.5}, step=7)
        logger.log_metrics(3, {"val_loss": 0.6})  # an epoch's point without a step keeps the last step
        self.assertTrue(self.server.wait_for(
            lambda: any(point["epoch"] == 3 and "system/gpu1/temperature_c" in point["metrics"]
                        for point in system_points(self.server))))
        self.assertTrue(self.server.wait_for(
            lambda: any("system/cpu_percent" in point["metrics"] and point["epoch"] == 3
                        for point in system_points(self.server))))
        stats = logger.finish()
        points = system_points(self.server)
        expected = {"system/gpu0/utilization_percent", "system/gpu0/memory_used_mb", "system/gpu0/memory_total_mb",
                    "system/gpu0/temperature_c", "system/gpu1/memory_used_mb", "system/gpu1/memory_total_mb",
                    "system/gpu1/temperature_c", "system/cpu_percent"}
        if HAS_PROC:
            expected |= {"system/process_rss_mb", "system/memory_used_mb", "system/memory_available_mb"}
        self.assertEqual(names(points), expected)
        for point in points:
            # before the first log_metrics: epoch 0, no step; after: the trainer's last epoch and step
            self.assertIn((point["epoch"], point.get("step")), {(0, None), (3, 7)}, point)
            self.assertTrue(point["timestamp"])
        user = [point for point in self.server.points() if point not in points]
        self.assertEqual([point["metrics"] for point in user], [{"loss": 0.5}, {"val_loss": 0.6}])
        self.assertEqual(stats["system_metrics"]["interval"], 0.05)
        self.assertGreater(stats["system_metrics"]["samples"], 0)
        self.assertNotIn("gpu", stats["system_metrics"]["unavailable"])
        self.assertEqual((stats["dropped"], stats["pending"]), (0, 0))
        self.assertEqual(stats["sent"], len(self.server.points()))
        self.assertEqual(self.warnings_text(), [])

    @unittest.skipUnless(POSIX, "the fake nvidia-smi is a shell script")
    def test_a_hanging_nvidia_smi_never_holds_up_training_or_finish(self):
        pid_file = os.path.join(self.bin, "sleep.pid")
        fake_program(self.bin, "sleep 30 &\necho $! > %s\nwait\n" % pid_file)
        logger = self.logger(system_metrics_interval=0.05)
        slowest = 0.0
        deadline = time.monotonic() + 1.0
        step = 0
        while time.monotonic() < deadline:
            started = time.monotonic()
            logger.log_metrics(1, {"loss": 1.0 / (step + 1)}, step=step)
            slowest = max(slowest, time.monotonic() - started)
            step += 1
            time.sleep(0.001)
        self.assertLess(slowest, 0.5, "log_metrics waited (for nvidia-smi, which hangs 30 s)")
        self.assertTrue(os.path.exists(pid_file), "nvidia-smi was not run")
        if HAS_PROC:  # the process's and machine's values do not wait for the GPUs
            self.assertTrue(self.server.wait_for(lambda: "system/memory_used_mb" in names(system_points(self.server))))
        started = time.monotonic()
        stats = logger.finish()
        self.assertLess(time.monotonic() - started, 2.0, "finish() waited for nvidia-smi")
        with open(pid_file) as file:
            sleeper = int(file.read())
        self.assertTrue(wait_until(lambda: not alive(sleeper)), "the hanging nvidia-smi was left running")
        self.assertEqual([point["step"] for point in self.server.points() if "loss" in point["metrics"]],
                         list(range(step)))
        self.assertEqual(stats["pending"], 0)
        self.assertFalse(any("gpu" in name for name in names(system_points(self.server))))

    @unittest.skipUnless(POSIX, "the fake nvidia-smi is a shell script")
    def test_a_run_shorter_than_the_interval_gets_one_last_sample_of_the_process_and_machine(self):
        fake_program(self.bin, "printf '%s'\n" % TWO_GPUS.replace("\n", "\\n"))
        logger = self.logger(system_metrics_interval=10)
        logger.log_metrics(2, {"loss": 0.5}, step=5)
        time.sleep(0.1)
        stats = logger.finish()
        points = system_points(self.server)
        self.assertEqual(len(points), 1)
        self.assertEqual((points[0]["epoch"], points[0]["step"]), (2, 5))
        expected = {"system/cpu_percent"} | ({"system/process_rss_mb", "system/memory_used_mb",
                                              "system/memory_available_mb"} if HAS_PROC else set())
        self.assertEqual(set(points[0]["metrics"]), expected, "no GPUs: nvidia-smi may take seconds")
        self.assertEqual(stats["system_metrics"]["samples"], 1)

    def test_off_by_the_argument(self):
        logger = self.logger(system_metrics_interval=0)
        logger.log_metrics(1, {"loss": 1.0})
        time.sleep(0.3)
        stats = logger.finish()
        self.assertEqual(system_points(self.server), [])
        self.assertEqual(stats["system_metrics"], {"interval": None, "samples": 0, "unavailable": {}})
        self.assertFalse(any(thread.name.startswith("trainwatch-vitals") for thread in threading.enumerate()))

    def test_off_and_on_by_the_environment(self):
        os.environ["TRAINWATCH_SYSTEM_METRICS_INTERVAL"] = "off"
        logger = self.logger(system_metrics_interval=None)
        time.sleep(0.3)
        self.assertEqual(logger.finish()["system_metrics"]["interval"], None)
        self.assertEqual(system_points(self.server), [])

        os.environ["TRAINWATCH_SYSTEM_METRICS_INTERVAL"] = "0.05"
        logger = self.logger(system_metrics_interval=None)
        self.assertTrue(self.server.wait_for(lambda: "system/cpu_percent" in names(system_points(self.server))))
        self.assertEqual(logger.finish()["system_metrics"]["interval"], 0.05)

        os.environ["TRAINWATCH_SYSTEM_METRICS_INTERVAL"] = "often"
        logger = self.logger(system_metrics_interval=None)
        self.assertEqual(logger.finish()["system_metrics"]["interval"], DEFAULT_INTERVAL)
        self.assertEqual(sum("TRAINWATCH_SYSTEM_METRICS_INTERVAL 'often' is not a number" in text
                             for text in self.warnings_text()), 1)

    def test_the_argument_wins_over_the_environment(self):
        os.environ["TRAINWATCH_SYSTEM_METRICS_INTERVAL"] = "0.05"
        logger = self.logger(system_metrics_interval=0)
        time.sleep(0.3)
        logger.finish()
        self.assertEqual(system_points(self.server), [])

    def test_on_by_default_every_10_seconds(self):
        logger = self.logger(system_metrics_interval=None)
        self.assertEqual(logger.stats()["system_metrics"]["interval"], 10.0)
        self.assertTrue(any(thread.name == "trainwatch-vitals-1" for thread in threading.enumerate()))
        logger.finish()
        self.assertTrue(wait_until(lambda: not any(thread.name == "trainwatch-vitals-1"
                                                   for thread in threading.enumerate())))

    def test_user_metrics_named_system_are_left_out_and_reported_once(self):
        logger = self.logger()
        logger.log_metrics(1, {"system/cpu_percent": 99.0, "loss": 0.5})
        logger.log_metrics(2, {"system/gpu0/temperature_c": 80.0, "loss": 0.4})
        logger.log_metrics(3, {"system/anything": 1.0})
        stats = logger.finish()
        self.assertEqual([point["metrics"] for point in self.server.points()], [{"loss": 0.5}, {"loss": 0.4}])
        self.assertEqual(stats["dropped"], 1)
        reports = [text for text in self.warnings_text() if "reserved" in text]
        self.assertEqual(len(reports), 2, reports)  # once as left out of a point, once as a dropped point

    def test_without_a_backend_nothing_is_sampled(self):
        with mock.patch.dict(os.environ, {"TRAINWATCH_SYSTEM_METRICS_INTERVAL": "0.05"}):
            logger = self.logger(job_id="", backend_url="", system_metrics_interval=None)
        self.assertFalse(logger.enabled)
        self.assertEqual(logger.stats()["system_metrics"]["interval"], None)


if __name__ == "__main__":
    unittest.main()
