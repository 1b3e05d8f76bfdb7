"""Batches the server refuses for good go to the dead-letter file beside the spool, and later ones go on:
a 4xx at once, the same 500 after RetryPolicy.dead_letter_after tries while other batches go through;
an outage (503, or a 500 for everything) sets nothing aside."""

import json
import os
import shutil
import tempfile
import threading
import unittest
from datetime import datetime, timedelta, timezone

from trainwatch import RetryPolicy
from trainwatch.batching import build_batches
from trainwatch.deadletter import DeadLetterFile, dead_letter_path
from trainwatch.spool import open_spool

from tests.support import ServerTestCase


def steps(points):
    return [point["step"] for point in points]


def first_step(raw):
    """The step of the first point in a metrics request body, or None for any other body."""
    points = json.loads(raw).get("points")
    return points[0]["step"] if points else None


class DeadLetterTest(ServerTestCase):
    def dead_letters(self, path):
        with open(path) as lines:
            return [json.loads(line) for line in lines]

    def set_aside_warnings(self):
        return [text for text in self.warnings_text() if "set aside" in text]

    def test_a_batch_refused_with_400_is_set_aside_and_later_telemetry_flows_in_order(self):
        refusal = {"error": "bad_request", "message": "points[3]: metric 'loss' must be a number"}

        def refuse_steps_10_to_19(kind, number):
            raw = self.server.requests[number].raw
            return ("status", 400, {}, refusal) if kind == "metrics" and first_step(raw) == 10 else None

        self.server.rule = refuse_steps_10_to_19
        started = datetime.now(timezone.utc)
        logger = self.logger(batch_size=10, flush_interval=30)
        for i in range(50):
            logger.log_metrics(0, {"loss": 1.0, "lr": float("nan")}, step=i)
            if i % 2 == 0:
                logger.log("line %d" % i)
        stats = logger.finish()

        self.assertEqual(steps(self.server.points()), list(range(10)) + list(range(20, 50)))
        self.assertEqual([entry["message"] for entry in self.server.logs()], ["line %d" % i for i in range(0, 50, 2)])
        refused = [request for request in self.server.requests if request.kind == "metrics"
                   and first_step(request.raw) == 10]
        self.assertEqual(len(refused), 1, "a 400 is not retried")

        path = dead_letter_path(self.spool_dir, "1", self.server.url)
        self.assertEqual(stats["dead_letter_path"], path)
        self.assertEqual(os.path.dirname(path), self.spool_dir, "beside the spool")
        self.assertTrue(os.path.basename(path).endswith("-dead-letters.jsonl"))
        [line] = self.dead_letters(path)
        self.assertEqual((line["job_id"], line["kind"], line["path"], line["status"], line["tries"], line["n"]),
                         ("1", "metrics", "/api/v1/training/jobs/1/metrics", 400, 1, 10))
        self.assertEqual(line["key"], refused[0].key, "the batch's Idempotency-Key, to resend it")
        self.assertEqual(json.loads(line["error"]), refusal, "the server's answer as it came")
        self.assertIn("HTTP 400 bad_request: points[3]", line["reason"])
        self.assertEqual(steps(line["body"]["points"]), list(range(10, 20)))
        self.assertEqual(json.dumps(line["body"], separators=(",", ":")).encode(), refused[0].raw,
                         "the body exactly as it was sent")
        when = datetime.fromisoformat(line["time"])
        self.assertLessEqual(abs(when - started), timedelta(seconds=30))

        self.assertEqual((stats["dead_lettered"], stats["dead_lettered_batches"], stats["dropped"]), (10, 1, 0))
        self.assertEqual(stats["by_kind"]["metrics"]["dead_lettered"], 10)
        self.assertEqual(stats["by_kind"]["logs"]["dead_lettered"], 0)
        self.assertEqual((stats["sent"], stats["pending"]), (40 + 25, 0))
        self.assertEqual(stats["queued"], stats["sent"] + stats["dead_lettered"])
        [warning] = self.set_aside_warnings()
        self.assertIn(path, warning)
        self.assertIn("HTTP 400 bad_request", warning)

    def test_a_batch_the_server_fails_on_every_time_is_set_aside_after_the_bound(self):
        def crash_on_steps_10_to_19(kind, number):
            if first_step(self.server.requests[number].raw) == 10:
                return ("status", 500, {}, {"error": "internal_error", "message": "the request failed"})
            return None

        self.server.rule = crash_on_steps_10_to_19
        logger = self.logger(batch_size=10, flush_interval=30,
                             retry=RetryPolicy(base=0.01, cap=0.05, dead_letter_after=5))
        for i in range(50):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        self.assertTrue(self.server.wait_for(lambda: self.server.count() == 40))
        for i in range(50, 60):
            logger.log_metrics(1, {"loss": 1.0}, step=i)
        stats = logger.finish()

        self.assertEqual(steps(self.server.points()), list(range(10)) + list(range(20, 60)))
        firsts = [first_step(request.raw) for request in self.server.requests]
        self.assertEqual(firsts[0], 0)
        compared = firsts.index(20)
        self.assertGreaterEqual(compared, 1 + 5)
        self.assertEqual(set(firsts[1:compared]), {10}, "retried alone until the bound")
        self.assertEqual(firsts[compared + 1], 10, "tried once more right after the next batch went through")
        self.assertEqual(firsts[compared + 2:], [30, 40, 50], "then never again")

        [line] = self.dead_letters(stats["dead_letter_path"])
        self.assertEqual((line["status"], line["tries"], line["n"]), (500, firsts.count(10), 10))
        self.assertEqual(steps(line["body"]["points"]), list(range(10, 20)))
        self.assertIn("internal_error", line["error"])
        self.assertEqual((stats["dead_lettered"], stats["dead_lettered_batches"], stats["dropped"]), (10, 1, 0))
        self.assertEqual(stats["pending"], 0)
        [warning] = self.set_aside_warnings()
        self.assertIn("HTTP 500", warning)
        self.assertIn("times in a row", warning)

    def test_a_503_outage_is_retried_and_spooled_and_sets_nothing_aside(self):
        self.server.rule = lambda kind, number: ("status", 503, {}, {"error": "database_unavailable"})
        logger = self.logger(batch_size=10, retry=RetryPolicy(base=0.01, cap=0.05, dead_letter_after=2))
        for i in range(30):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        logger.log("during the outage")
        self.assertTrue(self.server.wait_for(lambda: len(self.server.requests) >= 20))
        stats = logger.stats()
        self.assertEqual((stats["dead_lettered"], stats["dropped"]), (0, 0))
        self.assertEqual(stats["spooled"], 31, "everything waits in the spool")
        self.assertEqual(len({request.key for request in self.server.requests}), 1, "only the head is tried")
        self.server.rule = None
        stats = logger.finish()
        self.assertEqual(steps(self.server.points()), list(range(30)))
        self.assertEqual(len(self.server.logs()), 1)
        self.assertEqual((stats["dead_lettered"], stats["dead_lettered_batches"], stats["dead_letter_path"]),
                         (0, 0, None))
        self.assertFalse(os.path.exists(dead_letter_path(self.spool_dir, "1", self.server.url)))
        self.assertEqual(self.set_aside_warnings(), [])

    def test_a_500_for_every_batch_is_a_failing_server_and_sets_nothing_aside(self):
        lock = threading.Lock()
        state = {"failed": 0, "recovered": False}

        def fail_everything_for_a_while(kind, number):
            head = first_step(self.server.requests[number].raw) == 0
            with lock:
                # Recovers before a try of the head, as an outage ends while the sender waits.
                if not state["recovered"] and state["failed"] >= 20 and head:
                    state["recovered"] = True
                if state["recovered"]:
                    return None
                state["failed"] += 1
            return ("status", 500, {}, {"error": "internal_error", "message": "the request failed"})

        self.server.rule = fail_everything_for_a_while
        logger = self.logger(batch_size=10, flush_interval=30,
                             retry=RetryPolicy(base=0.01, cap=0.05, dead_letter_after=3))
        for i in range(30):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        self.assertTrue(self.server.wait_for(lambda: state["recovered"]))
        stats = logger.finish()
        self.assertEqual(steps(self.server.points()), list(range(30)))
        firsts = [first_step(request.raw) for request in self.server.requests]
        self.assertIn(10, firsts[:20], "the next batch was tried in the head's place, and failed too")
        self.assertEqual((stats["dead_lettered"], stats["dropped"], stats["pending"]), (0, 0, 0))
        self.assertFalse(os.path.exists(dead_letter_path(self.spool_dir, "1", self.server.url)))
        self.assertEqual(self.set_aside_warnings(), [])

    def test_what_the_dead_letter_file_cannot_take_is_dropped_and_counted(self):
        refused = ("status", 422, {}, {"error": "bad_request", "message": "no"})
        self.server.rule = lambda kind, number: refused if number in (0, 2) else None
        logger = self.logger(batch_size=10, flush_interval=30, dead_letter_max_bytes=100)
        for i in range(40):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        stats = logger.finish()
        self.assertEqual(steps(self.server.points()), list(range(10, 20)) + list(range(30, 40)))
        self.assertEqual(len(self.dead_letters(stats["dead_letter_path"])), 1, "an empty file takes one batch")
        self.assertEqual((stats["dead_lettered"], stats["dropped"]), (10, 10))
        self.assertEqual(stats["drop_reasons"], {"rejected: HTTP 422, dead-letter file full (100 bytes)": 10})

    def test_a_dead_letter_file_that_cannot_be_written_never_stops_the_run(self):
        not_a_directory = os.path.join(self.spool_dir, "file")
        open(not_a_directory, "w").close()
        refused = ("status", 400, {}, {"error": "bad_request", "message": "no"})
        self.server.rule = lambda kind, number: refused if number == 1 else None
        logger = self.logger(batch_size=10, flush_interval=30, spool_dir=not_a_directory)
        for i in range(30):
            logger.log_metrics(0, {"loss": 1.0}, step=i)
        stats = logger.finish()
        self.assertEqual(steps(self.server.points()), list(range(10)) + list(range(20, 30)))
        self.assertEqual((stats["dead_lettered"], stats["dropped"], stats["dead_letter_path"]), (0, 10, None))
        [reason] = stats["drop_reasons"]
        self.assertTrue(reason.startswith("rejected: HTTP 400, dead-letter write failed: "), reason)
        self.assertEqual(sum("dead-letter write failed" in text for text in self.warnings_text()), 1)

    def test_a_later_run_appends_and_the_spool_leaves_the_file_alone(self):
        path = dead_letter_path(self.spool_dir, "1", self.server.url)
        for run in range(2):
            self.server.rule = lambda kind, number: ("status", 400, {}, {"error": "bad_request", "message": "no"})
            logger = self.logger()
            logger.log_metrics(run, {"loss": 1.0})
            logger.finish()
            spool = open_spool(self.spool_dir, "1", self.server.url, 10 ** 6)
            spool.close()
        self.assertEqual([line["body"]["points"][0]["epoch"] for line in self.dead_letters(path)], [0, 1])
        self.assertEqual(os.listdir(self.spool_dir), [os.path.basename(path)])
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)


class DeadLetterFileTest(unittest.TestCase):
    def test_lines_start_on_a_new_line_and_keep_the_body_as_sent(self):
        directory = tempfile.mkdtemp(prefix="tw-dead-")
        self.addCleanup(shutil.rmtree, directory, True)
        path = os.path.join(directory, "sub", "x-dead-letters.jsonl")
        letters = DeadLetterFile(path, "7", 10 ** 6)
        batch = build_batches("logs", [{"message": "é \u2028", "timestamp": "t"}], 500, 10 ** 6)[0]
        self.assertTrue(letters.write(batch, "/api/v1/training/jobs/7/logs", 413, 1, "HTTP 413", "too big"))
        with open(path, "ab") as out:
            out.write(b'{"torn')  # a line a full disk cut short
        self.assertTrue(letters.write(batch, "/api/v1/training/jobs/7/logs", 413, 1, "HTTP 413", "too big"))
        with open(path, "rb") as data:
            lines = data.read().split(b"\n")
        self.assertEqual((lines[1], lines[3]), (b'{"torn', b""))
        for raw in (lines[0], lines[2]):
            line = json.loads(raw)
            self.assertEqual((line["job_id"], line["status"], line["error"], line["key"]),
                             ("7", 413, "too big", batch.key))
            self.assertTrue(raw.endswith(b',"body":' + batch.body + b"}"))
            self.assertEqual(line["body"]["logs"][0]["message"], "é \u2028")


if __name__ == "__main__":
    unittest.main()
