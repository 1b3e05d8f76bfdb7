"""transport.py and batching.py: one request's outcome, the retry waits, how items become batches."""

import json
import math
import random
import threading
import time
import unittest
import uuid

from trainwatch.batching import ItemQueue, build_batches
from trainwatch.transport import ERROR_BODY_BYTES, REJECT, RETRY, SENT, HttpTransport, RetryPolicy, parse_retry_after

from tests.fakeserver import FakeServer


class RetryPolicyTest(unittest.TestCase):
    def test_full_jitter_within_the_exponential_ceiling(self):
        policy = RetryPolicy(base=0.5, cap=30.0)
        rng = random.Random(1)
        self.assertEqual([policy.ceiling(n) for n in range(1, 9)], [0.5, 1, 2, 4, 8, 16, 30, 30])
        for failures in range(1, 12):
            delays = [policy.delay(failures, rng=rng) for _ in range(300)]
            self.assertTrue(all(0.0 <= d <= policy.ceiling(failures) for d in delays))
            self.assertLess(min(delays), policy.ceiling(failures) * 0.2, "jitter reaches down to 0")
            self.assertGreater(max(delays), policy.ceiling(failures) * 0.8)
        self.assertEqual(policy.ceiling(10_000), 30.0)

    def test_dead_letter_after(self):
        self.assertEqual(RetryPolicy().dead_letter_after, 8)
        self.assertIn("dead_letter_after=3", repr(RetryPolicy(dead_letter_after=3)))
        with self.assertRaises(ValueError):
            RetryPolicy(dead_letter_after=0)

    def test_retry_after_is_honoured_up_to_a_bound(self):
        policy = RetryPolicy(base=0.5, cap=30.0, max_retry_after=120)
        self.assertEqual(policy.delay(1, retry_after=7), 7)
        self.assertEqual(policy.delay(5, retry_after=1000), 120)

    def test_parse_retry_after(self):
        self.assertEqual(parse_retry_after("3"), 3.0)
        self.assertEqual(parse_retry_after(" 0.5 "), 0.5)
        self.assertIsNone(parse_retry_after(None))
        self.assertIsNone(parse_retry_after("soon"))
        self.assertIsNone(parse_retry_after("-1"))
        later = parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0)  # 10 s before that date
        self.assertAlmostEqual(later, 10.0, places=3)


class BatchingTest(unittest.TestCase):
    def test_batches_keep_order_and_respect_limits(self):
        items = [{"epoch": 0, "step": i, "metrics": {"loss": float(i)}, "timestamp": "t"} for i in range(1234)]
        batches = build_batches("metrics", items, 500, 10 ** 9)
        self.assertEqual([b.count for b in batches], [500, 500, 234])
        steps = [p["step"] for b in batches for p in json.loads(b.body)["points"]]
        self.assertEqual(steps, list(range(1234)))
        self.assertEqual(len({b.key for b in batches}), 3)
        for batch in batches:
            uuid.UUID(batch.key)

    def test_batches_are_cut_by_size(self):
        items = [{"message": "x" * 1000, "timestamp": "t"} for _ in range(50)]
        batches = build_batches("logs", items, 500, 10_000)
        self.assertTrue(all(len(b.body) <= 10_000 for b in batches))
        self.assertEqual(sum(b.count for b in batches), 50)
        self.assertEqual(sum(len(json.loads(b.body)["logs"]) for b in batches), 50)

    def test_non_finite_values_are_written_bare(self):
        batch = build_batches("metrics", [{"epoch": 1, "metrics": {"a": math.nan, "b": math.inf, "c": -math.inf}}],
                              500, 10 ** 6)[0]
        self.assertIn(b'"a":NaN', batch.body)
        self.assertIn(b'"b":Infinity', batch.body)
        self.assertIn(b'"c":-Infinity', batch.body)

    def test_queue_is_bounded_and_wakes_the_batcher(self):
        wake = threading.Event()
        queue = ItemQueue(maxlen=3, wake_at=2, wake=wake)
        self.assertTrue(queue.put({"i": 1}))
        self.assertFalse(wake.is_set())
        self.assertTrue(queue.put({"i": 2}))
        self.assertTrue(wake.is_set())
        self.assertTrue(queue.put({"i": 3}))
        self.assertFalse(queue.put({"i": 4}))
        self.assertEqual([item["i"] for item in queue.take(10)], [1, 2, 3])
        self.assertEqual(len(queue), 0)


class HttpTransportTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeServer(jobs=("1",))
        self.transport = HttpTransport(self.server.url + "/", "1", token="secret")
        self.batch = build_batches("metrics", [{"epoch": 1, "metrics": {"loss": 0.5}}], 500, 10 ** 6)[0]

    def tearDown(self):
        self.server.stop()

    def test_sent_with_headers(self):
        outcome = self.transport.send(self.batch, timeout=2)
        self.assertEqual(outcome.status, SENT)
        request = self.server.requests[0]
        self.assertEqual(request.headers["Content-Type"], "application/json")
        self.assertEqual(request.headers["Authorization"], "Bearer secret")
        self.assertEqual(request.headers["Idempotency-Key"], self.batch.key)
        self.assertEqual(self.server.points(), [{"epoch": 1, "metrics": {"loss": 0.5}}])

    def test_logs_go_to_the_logs_path(self):
        logs = build_batches("logs", [{"message": "hi", "timestamp": "t"}], 500, 10 ** 6)[0]
        self.assertEqual(self.transport.send(logs, timeout=2).status, SENT)
        self.assertEqual(self.server.logs(), [{"message": "hi", "timestamp": "t"}])
        self.assertTrue(self.transport.url("logs").endswith("/api/v1/training/jobs/1/logs"))

    def test_classification(self):
        cases = [
            (("status", 500, {}, {"error": "x"}), RETRY, None),
            (("status", 503, {"Retry-After": "2"}, {}), RETRY, 2.0),
            (("status", 429, {"Retry-After": "1.5"}, {}), RETRY, 1.5),
            (("status", 408, {}, {}), RETRY, None),
            (("status", 400, {}, {"error": "bad_request", "message": "points[0]: bad"}), REJECT, None),
            (("status", 413, {}, {"error": "payload_too_large", "message": "big"}), REJECT, None),
            (("store_then_drop",), RETRY, None),
        ]
        for action, status, retry_after in cases:
            self.server.fail_next(1, action)
            outcome = self.transport.send(self.batch, timeout=2)
            self.assertEqual((outcome.status, outcome.retry_after), (status, retry_after), action)
            if action[0] == "status":
                self.assertEqual(outcome.http_status, action[1])

    def test_a_redirect_is_not_followed_but_rejected(self):
        self.server.fail_next(1, ("status", 302, {"Location": "https://elsewhere/api"}, {}))
        outcome = self.transport.send(self.batch, timeout=2)
        self.assertEqual((outcome.status, outcome.http_status), (REJECT, 302))
        self.assertIn("https://elsewhere/api", outcome.reason)
        self.assertEqual(len(self.server.requests), 1, "no second request to the new place")

    def test_a_refusal_carries_the_servers_message(self):
        self.server.fail_next(1, ("status", 400, {}, {"error": "bad_request", "message": "points[0]: bad"}))
        outcome = self.transport.send(self.batch, timeout=2)
        self.assertEqual(outcome.reason, "HTTP 400 bad_request: points[0]: bad")
        self.assertEqual(json.loads(outcome.body), {"error": "bad_request", "message": "points[0]: bad"})

    def test_the_error_body_kept_is_bounded(self):
        self.server.fail_next(1, ("status", 500, {}, {"error": "internal_error", "message": "x" * 10_000}))
        outcome = self.transport.send(self.batch, timeout=2)
        self.assertEqual(len(outcome.body), ERROR_BODY_BYTES)
        self.assertTrue(outcome.body.startswith('{"error": "internal_error"'))
        self.assertEqual(self.transport.send(self.batch, timeout=2).body, "", "no error body for a success")

    def test_unknown_job_is_rejected(self):
        outcome = HttpTransport(self.server.url, "99").send(self.batch, timeout=2)
        self.assertEqual((outcome.status, outcome.http_status), (REJECT, 404))
        self.assertIn("not_found", outcome.reason)

    def test_refused_and_timed_out_connections_are_retried(self):
        self.server.fail_next(1, ("hang", 1.0))
        started = time.monotonic()
        outcome = self.transport.send(self.batch, timeout=0.2)
        self.assertEqual(outcome.status, RETRY)
        self.assertLess(time.monotonic() - started, 0.9)
        self.server.stop()
        outcome = self.transport.send(self.batch, timeout=0.5)
        self.assertEqual(outcome.status, RETRY)
        self.assertIn("Connection", outcome.reason)


if __name__ == "__main__":
    unittest.main()
