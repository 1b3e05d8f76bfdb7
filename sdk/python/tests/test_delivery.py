"""TrainingLogger against a FakeServer: what arrives, in which order, how often, and with what headers."""

import json
import math
import os
import threading
import time
import unittest
from unittest import mock

from trainwatch import TrainingLogger, TrainwatchWarning

from tests.support import ServerTestCase


def steps(points):
    return [point["step"] for point in points]


class DeliveryTest(ServerTestCase):
    def test_points_and_logs_arrive_in_order_exactly_once(self):
        logger = self.logger(token="s3cret")
        for i in range(2000):
            logger.log_metrics(i // 100, {"loss": 1.0 / (i + 1), "accuracy": i / 2000}, step=i)
            if i % 7 == 0:
                logger.log("line %d" % i)
        stats = logger.finish()
        self.assertEqual(steps(self.server.points()), list(range(2000)))
        self.assertEqual([entry["message"] for entry in self.server.logs()], ["line %d" % i for i in range(0, 2000, 7)])
        self.assertEqual(self.server.logs()[0]["level"], "INFO")
        point = self.server.points()[5]
        self.assertEqual(set(point), {"epoch", "step", "metrics", "timestamp"})
        self.assertEqual(point["epoch"], 0)
        requests = self.server.requests
        self.assertTrue(all(request.count <= 500 for request in requests))
        self.assertEqual(len({request.key for request in requests}), len(requests))
        for request in requests:
            self.assertEqual(request.headers["Content-Type"], "application/json")
            self.assertEqual(request.headers["Authorization"], "Bearer s3cret")
        self.assertEqual((stats["sent"], stats["queued"], stats["dropped"], stats["pending"]), (2286, 2286, 0, 0))
        self.assertEqual(stats["by_kind"]["metrics"]["sent"], 2000)
        self.assertEqual(os.listdir(self.spool_dir), [], "nothing left behind")

    def test_a_point_is_sent_within_the_flush_interval(self):
        logger = self.logger(flush_interval=1.0)
        started = time.monotonic()
        logger.log_metrics(1, {"loss": 0.5})
        self.assertTrue(self.server.wait_for(lambda: self.server.count() == 1, timeout=3))
        self.assertLess(time.monotonic() - started, 1.6)

    def test_500_waiting_points_are_sent_without_waiting_for_the_interval(self):
        logger = self.logger(flush_interval=30.0)
        for i in range(1200):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        self.assertTrue(self.server.wait_for(lambda: self.server.count() == 1000, timeout=3))
        time.sleep(0.2)
        self.assertEqual(self.server.count(), 1000, "the last 200 wait for the interval")
        logger.finish()
        self.assertEqual(steps(self.server.points()), list(range(1200)))

    def test_settings_from_the_environment(self):
        env = {"TRAINWATCH_JOB_ID": "1", "TRAINWATCH_URL": self.server.url, "TRAINWATCH_TOKEN": "from-env",
               "TRAINWATCH_SPOOL_DIR": self.spool_dir, "TRAINWATCH_SYSTEM_METRICS_INTERVAL": "0"}
        with mock.patch.dict(os.environ, env):
            logger = TrainingLogger(flush_interval=0.05)
            self.loggers.append(logger)
        self.assertTrue(logger.enabled)
        logger.log_metrics(2, {"loss": 0.1})
        logger.finish()
        self.assertEqual(self.server.count(), 1)
        self.assertEqual(self.server.requests[0].headers["Authorization"], "Bearer from-env")

    def test_without_job_or_url_it_does_nothing_and_warns_once(self):
        threads = threading.active_count()
        with mock.patch.dict(os.environ, {}, clear=True):
            logger = TrainingLogger()
        self.assertFalse(logger.enabled)
        self.assertEqual(threading.active_count(), threads, "no threads started")
        for i in range(100):
            logger.log_metrics(i, {"loss": 1.0})
            logger.log("x")
        stats = logger.finish()
        self.assertEqual((stats["queued"], stats["enabled"]), (0, False))
        warned = self.warnings_text()
        self.assertEqual(len(warned), 1)
        self.assertIn("TRAINWATCH_JOB_ID", warned[0])
        with mock.patch.dict(os.environ, {"TRAINWATCH_JOB_ID": "1", "TRAINWATCH_URL": "localhost:8081"}, clear=True):
            self.assertFalse(TrainingLogger().enabled, "a URL without http:// is refused")

    def test_a_warning_never_becomes_an_exception(self):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("error", TrainwatchWarning)
            with mock.patch.dict(os.environ, {}, clear=True):
                TrainingLogger().log_metrics(1, {"loss": 1})
            logger = self.logger()
            logger.log_metrics(-1, {"loss": 1.0})
            logger.finish()

    def test_non_finite_values_pass_through_bare(self):
        logger = self.logger()
        logger.log_metrics(1, {"loss": float("nan"), "up": float("inf"), "down": float("-inf"), "ok": 0.5}, step=3)
        logger.finish()
        raw = self.server.requests[0].raw
        for text in (b'"loss":NaN', b'"up":Infinity', b'"down":-Infinity'):
            self.assertIn(text, raw)
        metrics = self.server.points()[0]["metrics"]
        self.assertTrue(math.isnan(metrics["loss"]))
        self.assertEqual((metrics["up"], metrics["down"], metrics["ok"]), (math.inf, -math.inf, 0.5))

    def test_log_levels(self):
        logger = self.logger()
        logger.log("a")
        logger.log("b", level="warn")
        logger.log("ERROR c", level=None)
        logger.finish()
        logs = self.server.logs()
        self.assertEqual([entry.get("level") for entry in logs], ["INFO", "WARNING", None])
        self.assertNotIn("level", logs[2], "without a level the server reads it from the text")

    def test_context_manager(self):
        with self.logger() as logger:
            logger.log_metrics(1, {"loss": 0.3})
        self.assertEqual(self.server.count(), 1)
        logger.log_metrics(2, {"loss": 0.3})  # after finish: ignored, never raises
        self.assertEqual(logger.finish()["queued"], 1)

    def test_invalid_points_are_dropped_counted_and_reported_once(self):
        logger = self.logger()
        for _ in range(3):
            logger.log_metrics(-1, {"loss": 1.0})
        logger.log_metrics(1, {"loss": 1.0, "note": "text"})
        stats = logger.finish()
        self.assertEqual(stats["dropped"], 3)
        self.assertEqual(stats["drop_reasons"], {"invalid point": 3})
        self.assertEqual(self.server.points()[0]["metrics"], {"loss": 1.0})
        texts = self.warnings_text()
        self.assertEqual(sum("invalid point" in text for text in texts), 1)
        self.assertEqual(sum("'note'" in text for text in texts), 1)


class RetryTest(ServerTestCase):
    def test_5xx_is_retried_with_the_same_key_and_order_is_kept(self):
        self.server.fail_next(3, ("status", 500, {}, {"error": "boom"}))
        logger = self.logger(batch_size=100)
        for i in range(1000):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        stats = logger.finish()
        self.assertEqual(steps(self.server.points()), list(range(1000)))
        keys = [request.key for request in self.server.requests]
        self.assertEqual(keys[0], keys[1])
        self.assertEqual(keys[0], keys[3], "every retry of a batch reuses its Idempotency-Key")
        self.assertEqual(stats["retried"], 3)
        self.assertEqual(stats["dropped"], 0)

    def test_a_lost_answer_stores_the_batch_once(self):
        self.server.fail_next(2, ("store_then_drop",))
        logger = self.logger()
        for i in range(300):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        logger.finish()
        self.assertEqual(steps(self.server.points()), list(range(300)))
        keys = [request.key for request in self.server.requests_of("metrics")]
        self.assertGreater(len(keys), len(set(keys)), "the same batch was sent more than once")

    def test_retry_after_is_honoured(self):
        self.server.fail_next(1, ("status", 429, {"Retry-After": "0.4"}, {"error": "slow down"}))
        logger = self.logger()
        logger.log_metrics(0, {"loss": 1.0})
        logger.finish()
        first, second = self.server.requests[:2]
        self.assertEqual(first.key, second.key)
        self.assertGreaterEqual(second.at - first.at, 0.38)
        self.assertEqual(self.server.count(), 1)

    def test_refused_batches_are_set_aside_counted_and_reported_once(self):
        refused = ("status", 400, {}, {"error": "bad_request", "message": "points[0]: metric 'x' is bad"})
        self.server.rule = lambda kind, number: refused if number in (1, 3) else None
        logger = self.logger(batch_size=10, flush_interval=30)
        for i in range(50):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        stats = logger.finish()
        self.assertEqual(steps(self.server.points()), [s for s in range(50) if not 10 <= s < 20 and not 30 <= s < 40])
        self.assertEqual((stats["dropped"], stats["dead_lettered"], stats["dead_lettered_batches"]), (0, 20, 2))
        self.assertEqual(stats["drop_reasons"], {})
        texts = [text for text in self.warnings_text() if "HTTP 400" in text]
        self.assertEqual(len(texts), 1)
        self.assertIn("points[0]: metric 'x' is bad", texts[0])
        self.assertIn(stats["dead_letter_path"], texts[0])
        self.assertEqual(len(self.server.requests), 5, "a refused batch is not retried")
        with open(stats["dead_letter_path"]) as lines:
            self.assertEqual([[point["step"] for point in json.loads(line)["body"]["points"]] for line in lines],
                             [list(range(10, 20)), list(range(30, 40))])

    def test_an_unknown_job_sets_everything_aside_and_says_so_once(self):
        logger = self.logger(job_id="99")
        for i in range(20):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
            logger.log("x")
        stats = logger.finish()
        self.assertEqual((stats["dead_lettered"], stats["dropped"], stats["sent"]), (40, 0, 0))
        self.assertEqual(len([text for text in self.warnings_text() if "HTTP 404" in text]), 1)

    def test_batch_n_plus_1_never_leaves_before_batch_n(self):
        import random
        rng = random.Random(5)
        lock = threading.Lock()

        def flaky(kind, number):
            with lock:
                roll = rng.random()
            if roll < 0.25:
                return ("status", 503, {}, {"error": "unavailable"})
            if roll < 0.35:
                return ("store_then_drop",)
            return None

        self.server.rule = flaky
        logger = self.logger(batch_size=20)
        for i in range(600):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
            if i % 3 == 0:
                logger.log("m%d" % i)
        stats = logger.finish(timeout=20)
        self.assertEqual(steps(self.server.points()), list(range(600)))
        self.assertEqual([entry["message"] for entry in self.server.logs()], ["m%d" % i for i in range(0, 600, 3)])
        for kind in ("metrics", "logs"):
            keys = [request.key for request in self.server.requests_of(kind)]
            finished = set()
            previous = None
            for key in keys:
                if key != previous:
                    self.assertNotIn(key, finished, "a batch was sent again after a later one")
                    if previous is not None:
                        finished.add(previous)
                previous = key
        self.assertEqual((stats["dropped"], stats["pending"]), (0, 0))
        self.assertGreater(stats["retried"], 0)


if __name__ == "__main__":
    unittest.main()
