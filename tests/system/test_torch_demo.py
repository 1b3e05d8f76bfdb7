"""System test: the PyTorch demo (examples/torch_digits.py) runs as a local job under /usr/bin/python3, trains,
and its per-step, per-epoch and system metrics are stored.

Runs against the test system that `./trainwatch test` starts (FUNCTIONS_URL, default http://localhost:18081, and
TRAINWATCH_API_TOKEN), as test_sdk_outage.py does. Skipped unless /usr/bin/python3 imports torch and sklearn
(Debian's python3-torch and python3-sklearn; `./trainwatch demo --torch` installs them). Standard library only.
"""

import os
import subprocess
import time
import unittest

from system_api import TOKEN, request, stored_points

PYTHON = "/usr/bin/python3"
EPOCHS = 3
FINAL = ("completed", "failed", "cancelled")


def torch_missing():
    """None when /usr/bin/python3 imports torch and sklearn, else why not."""
    if not os.access(PYTHON, os.X_OK):
        return "no %s" % PYTHON
    try:
        probe = subprocess.run([PYTHON, "-c", "import torch, sklearn"], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return "%s: %s" % (PYTHON, error)
    return None if probe.returncode == 0 else "%s cannot import torch and sklearn" % PYTHON


class TorchDemoJobTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = torch_missing()
        if reason:
            raise unittest.SkipTest(reason)
        if not TOKEN:
            raise unittest.SkipTest("TRAINWATCH_API_TOKEN is not set (./trainwatch test sets it)")

    def test_the_torch_demo_trains_as_a_local_job_and_its_metrics_are_stored(self):
        job = request("POST", "/api/v1/training/jobs", {
            "model_name": "torch-digits-check", "framework": "pytorch", "dataset_path": "sklearn://digits",
            "num_epochs": EPOCHS, "batch_size": 64, "executor_type": "local",
            "command": [PYTHON, "examples/torch_digits.py", "--epochs", str(EPOCHS),
                        "--system-metrics-interval", "0.5"]})
        job_id = job["job_id"]
        deadline = time.monotonic() + 300
        while job["status"] not in FINAL and time.monotonic() < deadline:
            time.sleep(1)
            job = request("GET", "/api/v1/training/jobs/%d" % job_id)
        self.assertEqual(job["status"], "completed", job)

        points = stored_points(job_id)
        system = [point for point in points if any(name.startswith("system/") for name in point["metrics"])]
        epochs = [point for point in points if point not in system and point.get("step") is None]
        steps = [point for point in points if point not in system and point.get("step") is not None]
        self.assertEqual([point["epoch"] for point in epochs], list(range(1, EPOCHS + 1)))
        self.assertEqual({name for point in epochs for name in point["metrics"]},
                         {"loss", "accuracy", "val_loss", "val_accuracy"})
        self.assertEqual([point["step"] for point in steps], list(range(1, len(steps) + 1)))
        self.assertGreater(epochs[-1]["metrics"]["accuracy"], epochs[0]["metrics"]["accuracy"], "the accuracy rises")
        self.assertGreater(epochs[-1]["metrics"]["val_accuracy"], 0.5)
        names = {name for point in system for name in point["metrics"]}
        self.assertIn("system/cpu_percent", names)
        self.assertIn("system/process_rss_mb", names)
        for point in system:  # reported at the trainer's last epoch, so the job's progress never goes back
            self.assertLessEqual(point["epoch"], EPOCHS)

        logs = request("GET", "/api/v1/training/jobs/%d/logs?limit=5000" % job_id)["logs"]
        self.assertTrue(any(entry["message"].startswith("Epoch %d/%d " % (EPOCHS, EPOCHS)) for entry in logs),
                        [entry["message"] for entry in logs][-10:])


if __name__ == "__main__":
    unittest.main()
