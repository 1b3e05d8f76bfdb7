"""records.py: what log_metrics and log turn their arguments into."""

import decimal
import math
import unittest
from datetime import datetime

from trainwatch.records import MAX_MESSAGE_CHARS, java_length, make_log, make_points, normalize_level, now_iso


class FakeScalar:
    """Like a numpy scalar or a 0-d tensor: not a float, but float() works."""

    def __init__(self, value):
        self.value = value

    def __float__(self):
        return self.value


class MakePointsTest(unittest.TestCase):
    def test_the_guides_point(self):
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

    def test_empty_and_long_messages(self):
        self.assertIsNone(make_log("  \n"))
        self.assertEqual(make_log("x" * MAX_MESSAGE_CHARS)["message"], "x" * MAX_MESSAGE_CHARS)
        for text in ("x" * (MAX_MESSAGE_CHARS + 10), "\U0001F600" * 40000, "a\U0001F600" * 30000):
            message = make_log(text)["message"]
            self.assertLessEqual(java_length(message), MAX_MESSAGE_CHARS, "the server's limit, in UTF-16 units")
            self.assertGreater(java_length(message), MAX_MESSAGE_CHARS - 100)
            self.assertRegex(message, r" \.\.\. \[\d+ characters cut by trainwatch\]$")

    def test_timestamp_format(self):
        self.assertRegex(now_iso(), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")


if __name__ == "__main__":
    unittest.main()
