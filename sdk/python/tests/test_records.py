"""records.py: what log_metrics and log turn their arguments into."""

import decimal
import json
import math
import re
import unittest
from datetime import datetime

from trainwatch.batching import build_batches
from trainwatch.records import (MAX_BODY_BYTES, MAX_MESSAGE_CHARS, MAX_MESSAGE_JSON_BYTES, fitting_length, java_length,
                                json_length, make_log, make_points, normalize_level, now_iso)

from tests.support import ServerTestCase

CUT = re.compile(r" \.\.\. \[(\d+) characters cut by trainwatch\]$")


def cut_count(message):
    """The number in a cut message's note, or None when the message was not cut."""
    match = CUT.search(message)
    return int(match.group(1)) if match else None


class FakeScalar:
    """Like a numpy scalar or a 0-d tensor: not a float, but float() works."""

    def __init__(self, value):
        self.value = value

    def __float__(self):
        return self.value


class MakePointsTest(unittest.TestCase):
    def test_a_single_point(self):
        points, problems = make_points(3, {"loss": 0.41, "accuracy": 0.87})
        self.assertEqual(problems, [])
        self.assertEqual(len(points), 1)
        point = points[0]
        self.assertEqual(point["epoch"], 3)
        self.assertEqual(point["metrics"], {"loss": 0.41, "accuracy": 0.87})
        self.assertNotIn("step", point)
        stamp = datetime.fromisoformat(point["timestamp"])
        self.assertIsNotNone(stamp.utcoffset(), "the timestamp carries its offset")

    def test_step_and_integral_floats(self):
        points, _ = make_points(2.0, {"loss": 1}, step=1200)
        self.assertEqual((points[0]["epoch"], points[0]["step"]), (2, 1200))
        self.assertIsInstance(points[0]["epoch"], int)

    def test_non_finite_values_are_kept(self):
        points, problems = make_points(0, {"a": float("nan"), "b": float("inf"), "c": float("-inf")})
        self.assertEqual(problems, [])
        metrics = points[0]["metrics"]
        self.assertTrue(math.isnan(metrics["a"]))
        self.assertEqual((metrics["b"], metrics["c"]), (math.inf, -math.inf))

    def test_number_like_values_are_converted(self):
        points, problems = make_points(0, {"a": FakeScalar(0.5), "b": True, "c": decimal.Decimal("0.25")})
        self.assertEqual(problems, [])
        self.assertEqual(points[0]["metrics"], {"a": 0.5, "b": 1, "c": 0.25})

    def test_a_bad_value_is_left_out_and_named(self):
        points, problems = make_points(1, {"loss": 0.3, "note": "high", "": 1.0})
        self.assertEqual(points[0]["metrics"], {"loss": 0.3})
        self.assertEqual(len(problems), 2)
        self.assertIn("'note'", problems[0])

    def test_invalid_calls_make_no_point(self):
        for epoch, metrics, step in [(-1, {"a": 1}, None), (2**31, {"a": 1}, None), (1.5, {"a": 1}, None),
                                     ("x", {"a": 1}, None), (1, {}, None), (1, {"a": "b"}, None),
                                     (1, [1, 2], None), (1, {"a": 1}, -3)]:
            points, problems = make_points(epoch, metrics, step)
            self.assertEqual(points, [], (epoch, metrics, step))
            self.assertTrue(problems)

    def test_more_than_200_metrics_are_split(self):
        metrics = {"m%03d" % i: float(i) for i in range(450)}
        points, problems = make_points(1, metrics, step=7)
        self.assertEqual(problems, [])
        self.assertEqual([len(p["metrics"]) for p in points], [200, 200, 50])
        merged = {}
        for point in points:
            self.assertEqual((point["epoch"], point["step"], point["timestamp"]),
                             (1, 7, points[0]["timestamp"]))
            merged.update(point["metrics"])
        self.assertEqual(merged, metrics)

    def test_the_callers_dict_is_copied(self):
        metrics = {"loss": 1.0}
        points, _ = make_points(1, metrics)
        metrics["loss"] = 2.0
        self.assertEqual(points[0]["metrics"]["loss"], 1.0)


class MakeLogTest(unittest.TestCase):
    def test_levels(self):
        self.assertEqual(normalize_level("warn"), "WARNING")
        self.assertEqual(normalize_level("CRITICAL"), "ERROR")
        self.assertEqual(normalize_level(10), "DEBUG")
        self.assertEqual(normalize_level(30), "WARNING")
        self.assertEqual(normalize_level("verbose"), "INFO")
        self.assertIsNone(normalize_level(None))

    def test_entry(self):
        entry = make_log("Epoch 3/10\n", "warning")
        self.assertEqual(entry["message"], "Epoch 3/10")
        self.assertEqual(entry["level"], "WARNING")
        self.assertIn("timestamp", entry)
        self.assertNotIn("level", make_log("x", None), "no level: the server reads it from the text")

    def test_the_limits_are_the_servers(self):
        self.assertEqual(MAX_MESSAGE_CHARS, 16_384 * 64, "LogText.MAX_LINE: 64 parts of 16,384 UTF-16 units")
        self.assertEqual(MAX_BODY_BYTES, 4 * 1024 * 1024, "trainwatch.http.max-body-bytes")
        self.assertLess(MAX_MESSAGE_JSON_BYTES, MAX_BODY_BYTES)

    def test_empty_and_blank_messages_make_no_entry(self):
        for text in ("", "  \n", "\r\n", "\t"):
            self.assertIsNone(make_log(text), repr(text))

    def test_a_message_keeps_up_to_the_longest_line_the_server_keeps(self):
        self.assertEqual(make_log("x" * MAX_MESSAGE_CHARS)["message"], "x" * MAX_MESSAGE_CHARS)
        self.assertEqual(make_log("x" * 70_000)["message"], "x" * 70_000, "no longer cut at 65,536")
        self.assertEqual(make_log("\U0001F600" * 349_000)["message"], "\U0001F600" * 349_000,
                         "4,188,000 bytes of JSON still fit")
        for text in ("x" * (MAX_MESSAGE_CHARS + 10), "x" * (3 * MAX_MESSAGE_CHARS), "abcd\U0001F600" * 200_000):
            message = make_log(text)["message"]
            units = java_length(message)
            self.assertLessEqual(units, MAX_MESSAGE_CHARS, "the longest line the server keeps, in UTF-16 units")
            self.assertGreater(units, MAX_MESSAGE_CHARS - 100)
            cut = cut_count(message)
            self.assertIsNotNone(cut, message[-60:])
            kept = CUT.sub("", message)
            self.assertTrue(text.startswith(kept))
            self.assertEqual(java_length(kept) + cut, java_length(text), "the note counts the UTF-16 units cut")

    def test_a_message_is_cut_further_when_its_json_would_not_fit_a_request(self):
        for text in ("\x01" * MAX_MESSAGE_CHARS, "é" * MAX_MESSAGE_CHARS, "\U0001F600" * MAX_MESSAGE_CHARS,
                     "日本語" * 400_000):
            message = make_log(text)["message"]
            size = json_length(message)
            self.assertLessEqual(size, MAX_MESSAGE_JSON_BYTES)
            self.assertGreater(size, MAX_MESSAGE_JSON_BYTES - 100)
            kept = CUT.sub("", message)
            self.assertTrue(text.startswith(kept))
            self.assertEqual(java_length(kept) + cut_count(message), java_length(text))
            body = build_batches("logs", [make_log(text, "WARNING")], 500, 10 ** 9)[0].body
            self.assertLessEqual(len(body), MAX_BODY_BYTES, "one entry always fits the server's body limit")
            self.assertEqual(json.loads(body)["logs"][0]["message"], message)
        quotes = '"' * MAX_MESSAGE_CHARS  # 2 bytes each escaped: 2 MiB, fits
        self.assertEqual(make_log(quotes)["message"], quotes)

    def test_fitting_length_never_splits_a_character(self):
        text = "a" + "\U0001F600" * 10
        self.assertEqual(fitting_length(text, most_chars=6, most_bytes=1000), 3, "a, then two of 2 units")
        self.assertEqual(fitting_length(text, most_chars=100, most_bytes=30), 3, "a, then two of 12 bytes")
        self.assertEqual(fitting_length(text), len(text))

    def test_timestamp_format(self):
        self.assertRegex(now_iso(), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")


class RequestSizeTest(unittest.TestCase):
    """What batching builds of log entries never exceeds the server's body limit."""

    def test_batches_stay_within_the_body_limit_whatever_is_asked(self):
        entries = [make_log("%d " % i + "x" * (MAX_MESSAGE_CHARS - 10)) for i in range(9)]
        batches = build_batches("logs", entries, 500, 10 ** 9)
        self.assertTrue(all(len(batch.body) <= MAX_BODY_BYTES for batch in batches), [len(b.body) for b in batches])
        self.assertEqual(sum(batch.count for batch in batches), 9)
        messages = [entry["message"] for batch in batches for entry in json.loads(batch.body)["logs"]]
        self.assertEqual(messages, [entry["message"] for entry in entries])

    def test_small_batches_are_cut_at_max_bytes_exactly(self):
        entries = [make_log("line %d" % i, None, "t") for i in range(100)]
        for most in (200, 1000, 1001):
            batches = build_batches("logs", entries, 500, most)
            self.assertTrue(all(len(batch.body) <= most for batch in batches), most)
            self.assertEqual(sum(batch.count for batch in batches), 100)

    def test_an_entry_not_made_by_make_log_is_cut_to_fit(self):
        entry = {"message": "\x01" * MAX_MESSAGE_CHARS, "level": "ERROR", "timestamp": "t"}
        batch, = build_batches("logs", [entry], 500, 10 ** 6)
        self.assertLessEqual(len(batch.body), MAX_BODY_BYTES)
        self.assertGreater(len(batch.body), MAX_BODY_BYTES - 100)
        message = json.loads(batch.body)["logs"][0]["message"]
        self.assertEqual(java_length(CUT.sub("", message)) + cut_count(message), MAX_MESSAGE_CHARS)
        self.assertEqual(entry["message"], "\x01" * MAX_MESSAGE_CHARS, "the item itself is left as it was")


class LongMessagesReachTheServerTest(ServerTestCase):
    def test_the_longest_messages_are_stored_not_refused(self):
        logger = self.logger()
        texts = ["x" * MAX_MESSAGE_CHARS, "\x01" * MAX_MESSAGE_CHARS, "é" * (2 * MAX_MESSAGE_CHARS), "short"]
        for text in texts:
            logger.log(text, None)
        stats = logger.finish()
        self.assertEqual(self.server.too_large, 0, "no body over 4 MiB")
        self.assertEqual((stats["sent"], stats["dead_lettered"], stats["dropped"]), (4, 0, 0))
        messages = [entry["message"] for entry in self.server.logs()]
        self.assertEqual(messages[0], texts[0])
        self.assertEqual(messages[3], "short")
        for text, message in zip(texts[1:3], messages[1:3]):
            self.assertEqual(java_length(CUT.sub("", message)) + cut_count(message), java_length(text))


if __name__ == "__main__":
    unittest.main()
