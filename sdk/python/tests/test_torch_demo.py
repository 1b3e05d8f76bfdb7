"""examples/torch_digits.py, the PyTorch demo, run as a trainer would be, against the test server.

It needs PyTorch and scikit-learn under /usr/bin/python3 (Debian's python3-torch and python3-sklearn); without
them these tests are skipped.
"""

import functools
import os
import subprocess
import unittest

from tests.support import ServerTestCase

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
DEMO = os.path.join(ROOT, "examples", "torch_digits.py")
PYTHON = "/usr/bin/python3"
NAMES = {"loss", "accuracy", "val_loss", "val_accuracy"}


@functools.lru_cache(maxsize=None)
def torch_missing():
    """None when /usr/bin/python3 imports torch and sklearn, else why not."""
    if not os.access(PYTHON, os.X_OK):
        return "no %s" % PYTHON
    try:
        probe = subprocess.run([PYTHON, "-c", "import torch, sklearn"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return "%s: %s" % (PYTHON, error)
    if probe.returncode != 0:
        return "%s cannot import torch and sklearn (apt-get install python3-torch python3-sklearn)" % PYTHON
    return None


def environment(**extra):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("TRAINWATCH_") and name not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(extra)
    return env


class TorchDemoTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        reason = torch_missing()
        if reason:
            raise unittest.SkipTest(reason)

    def run_demo(self, env, *args):
        return subprocess.run([PYTHON, DEMO, *args], env=env, capture_output=True, text=True, timeout=300)

    def test_it_trains_and_reports_steps_epochs_and_system_metrics(self):
        env = environment(TRAINWATCH_URL=self.server.url, TRAINWATCH_JOB_ID="1", TRAINWATCH_SPOOL_DIR=self.spool_dir)
        done = self.run_demo(env, "--epochs", "2", "--batch-size", "64", "--system-metrics-interval", "0.2")
        self.assertEqual(done.returncode, 0, done.stderr)
        points = self.server.points()
        system = [point for point in points if any(name.startswith("system/") for name in point["metrics"])]
        trained = [point for point in points if point not in system]
        steps = [point for point in trained if "step" in point]
        epochs = [point for point in trained if "step" not in point]
        per_epoch = -(-1437 // 64)  # 1,437 training digits (80% of 1,797)
        self.assertEqual([point["step"] for point in steps], list(range(1, 2 * per_epoch + 1)))
        self.assertEqual([point["epoch"] for point in epochs], [1, 2])
        self.assertTrue(all(set(point["metrics"]) == NAMES for point in epochs))
        first, second = (point["metrics"] for point in epochs)
        self.assertGreater(second["accuracy"], first["accuracy"], "the accuracy rises")
        self.assertLess(second["loss"], first["loss"], "the loss falls")
        self.assertGreater(second["val_accuracy"], 0.5)
        self.assertTrue(system, "no system metrics")
        self.assertIn("system/cpu_percent", {name for point in system for name in point["metrics"]})
        self.assertIn("Epoch 2/2 loss=", done.stdout)
        self.assertIn("0 dropped", done.stdout)

    def test_it_trains_without_trainwatch(self):
        done = self.run_demo(environment(), "--epochs", "1", "--model", "mlp")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("Epoch 1/1 loss=", done.stdout)
        self.assertIn("not set", done.stderr)
        self.assertEqual(self.server.requests, [])


if __name__ == "__main__":
    unittest.main()
