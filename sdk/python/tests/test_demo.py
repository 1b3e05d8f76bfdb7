"""examples/demo_train.py run as a trainer would be: against the test server, and with no server at all."""

import math
import os
import subprocess
import sys
import unittest

from tests.support import ServerTestCase

DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples", "demo_train.py")
NAMES = {"loss", "accuracy", "val_loss", "val_accuracy"}


def environment(**extra):
    env = {name: value for name, value in os.environ.items() if not name.startswith("TRAINWATCH_")}
    env.pop("PYTHONPATH", None)  # the demo finds the SDK by itself
    env.update(extra)
    return env


class DemoTest(ServerTestCase):
    def run_demo(self, env, *args):
        return subprocess.run([sys.executable, DEMO, "--step-delay", "0", *args], env=env, capture_output=True,
                              text=True, timeout=60)

    def test_the_demo_reports_every_step_and_epoch(self):
        epochs, steps = 3, 4
        env = environment(TRAINWATCH_URL=self.server.url, TRAINWATCH_JOB_ID="1", TRAINWATCH_SPOOL_DIR=self.spool_dir)
        done = self.run_demo(env, "--epochs", str(epochs), "--steps-per-epoch", str(steps), "--seed", "3")
        self.assertEqual(done.returncode, 0, done.stderr)
        # The SDK's system metrics (every 10 s) are not the demo's: a slow machine may send a sample.
        points = [point for point in self.server.points() if not any(name.startswith("system/")
                                                                      for name in point["metrics"])]
        self.assertEqual(len(points), epochs * steps + epochs)
        step_points = [point for point in points if "step" in point]
        epoch_points = [point for point in points if "step" not in point]
        self.assertEqual([point["step"] for point in step_points], list(range(1, epochs * steps + 1)))
        self.assertEqual([point["epoch"] for point in epoch_points], list(range(1, epochs + 1)))
        names = set()
        for point in points:
            names.update(point["metrics"])
            for name, value in point["metrics"].items():
                self.assertTrue(math.isfinite(value), (name, value))
        self.assertEqual(names, NAMES)
        self.assertTrue(all(set(point["metrics"]) == NAMES for point in epoch_points))
        self.assertTrue(all(0.0 <= point["metrics"]["accuracy"] <= 1.0 for point in points))
        out = done.stdout.splitlines()
        self.assertIn("Epoch 3/3 ", "\n".join(out))
        self.assertTrue(any(line.startswith("WARNING") for line in out))
        self.assertEqual(self.server.logs(), [], "printed lines are left to the executor unless --send-logs")

    def test_send_logs_sends_the_printed_lines(self):
        env = environment(TRAINWATCH_URL=self.server.url, TRAINWATCH_JOB_ID="1", TRAINWATCH_SPOOL_DIR=self.spool_dir)
        done = self.run_demo(env, "--epochs", "2", "--steps-per-epoch", "2", "--send-logs")
        self.assertEqual(done.returncode, 0, done.stderr)
        messages = [entry["message"] for entry in self.server.logs()]
        self.assertTrue(any(message.startswith("Epoch 2/2 loss=") for message in messages), messages)
        self.assertTrue(any(message.startswith("WARNING") for message in messages), messages)

    def test_the_demo_trains_without_trainwatch(self):
        done = self.run_demo(environment(), "--epochs", "2", "--steps-per-epoch", "5")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("Epoch 2/2 loss=", done.stdout)
        self.assertIn("not set", done.stderr)
        self.assertEqual(self.server.requests, [])

    def test_epochs_default_to_what_the_executor_passes(self):
        done = self.run_demo(environment(TRAINWATCH_NUM_EPOCHS="2"), "--steps-per-epoch", "1")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("Epoch 2/2 loss=", done.stdout)


if __name__ == "__main__":
    unittest.main()
