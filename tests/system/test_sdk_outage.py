"""System tests: a trainer keeps logging while the functions stop and start again, or while PostgreSQL does;
afterwards the stored history equals what the trainer logged, point for point, with nothing lost and nothing twice.

Runs against the test system that `./trainwatch test` starts (FUNCTIONS_URL, default http://localhost:18081) and
restarts its functions with `./trainwatch restart functions` (TRAINWATCH_RUN and the ports come from that
environment). Standard library only, like the SDK.
"""

import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "sdk" / "python"))

from trainwatch import TrainingLogger  # noqa: E402

from system_api import FUNCTIONS, TOKEN, request, stored_points  # noqa: E402


def postgres_restart():
    """Stops the local PostgreSQL cluster for a few seconds and starts it again (the test system's database)."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop", "-m", "fast"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ready_within(seconds):
    """Whether the functions report ready again within `seconds` (their pools reconnect by themselves)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(FUNCTIONS + "/q/health/ready", timeout=5) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def functions_restart():
    subprocess.run([str(ROOT / "trainwatch"), "restart", "functions"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class SdkThroughOutagesTest(unittest.TestCase):
    def test_through_a_functions_restart_the_stored_history_equals_what_was_logged(self):
        self.train_through(functions_restart)

    @unittest.skipUnless(os.path.isdir("/etc/postgresql") and os.geteuid() == 0,
                         "needs the local PostgreSQL cluster and the right to stop it")
    def test_through_a_postgresql_restart_the_stored_history_equals_what_was_logged(self):
        self.train_through(postgres_restart)
        self.assertTrue(ready_within(30), "the functions' readiness did not come back after PostgreSQL did")

    def train_through(self, outage):
        job = request("POST", "/api/v1/training/jobs", {
            "model_name": "outage-check", "framework": "python", "dataset_path": "generated",
            "num_epochs": 1, "batch_size": 1, "executor_type": "kubernetes"})
        job_id = job["job_id"]
        logged = []
        spool = tempfile.mkdtemp(prefix="trainwatch-outage-")
        restarted = threading.Event()

        def restart():
            time.sleep(1.5)
            outage()
            restarted.set()

        restarter = threading.Thread(target=restart)
        # System metrics off: the stored history is compared with what this loop logged, point for point.
        with TrainingLogger(job_id=job_id, backend_url=FUNCTIONS, token=TOKEN, spool_dir=spool, finish_timeout=60,
                            system_metrics_interval=0) as logger:
            restarter.start()
            step = 0
            # Train through the outage and a little past it.
            while not restarted.is_set() or step < 400:
                step += 1
                loss = 1.0 / step
                logger.log_metrics(step // 50, {"loss": loss}, step=step)
                logged.append((step, loss))
                time.sleep(0.01)
            restarter.join()
        stats = logger.stats()

        stored = stored_points(job_id)
        self.assertEqual([(p["step"], p["metrics"]["loss"]) for p in stored], logged,
                         "stored history differs from what was logged; SDK stats: %s" % stats)
        self.assertEqual([p["seq"] for p in stored], sorted({p["seq"] for p in stored}))


if __name__ == "__main__":
    unittest.main()
