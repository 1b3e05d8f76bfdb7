"""capture.py: stdout and stderr lines still printed and also sent as log entries."""

import io
import sys
import traceback
import unittest

from trainwatch.capture import _LineSplitter

from tests.support import ServerTestCase


class LineSplitterTest(unittest.TestCase):
    def test_lines_partials_progress_bars_and_tracebacks(self):
        splitter = _LineSplitter()
        self.assertEqual(splitter.feed("a\nb"), [("a", None)])
        self.assertEqual(splitter.feed("c\n\n"), [("bc", None)])
        self.assertEqual(splitter.feed("\r 10%\r 50%\r100%\n"), [("100%", None)])
        self.assertEqual(splitter.feed("Traceback (most recent call last):\n  File \"x\", line 1\n"), [])
        self.assertEqual(splitter.feed("ValueError: bad\nnext\n"),
                         [("Traceback (most recent call last):\n  File \"x\", line 1\nValueError: bad", "ERROR"),
                          ("next", None)])
        splitter.feed("tail without newline")
        self.assertEqual(splitter.finish(), [("tail without newline", None)])


class CaptureTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.saved = sys.stdout, sys.stderr
        self.out, self.err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = self.out, self.err

    def tearDown(self):
        sys.stdout, sys.stderr = self.saved
        super().tearDown()

    def test_lines_are_printed_and_sent(self):
        logger = self.logger(capture_output=True)
        self.assertIsNot(sys.stdout, self.out)
        print("Epoch 1/3 loss=0.5")
        print("WARNING learning rate is high")
        sys.stdout.write("progress\r 50%\r100%\n")
        try:
            raise ValueError("bad value")
        except ValueError:
            traceback.print_exc()
        print("ERROR something", file=sys.stderr)
        sys.stdout.write("no newline at the end")
        self.assertEqual(sys.stdout.encoding, self.out.encoding)
        logger.finish()
        self.assertIs(sys.stdout, self.out, "the original streams are back")
        self.assertIs(sys.stderr, self.err)
        self.assertEqual(self.out.getvalue(), "Epoch 1/3 loss=0.5\nWARNING learning rate is high\n"
                                              "progress\r 50%\r100%\nno newline at the end")
        self.assertIn("ValueError: bad value", self.err.getvalue())
        logs = self.server.logs()
        messages = [entry["message"] for entry in logs]
        self.assertEqual(messages[:3], ["Epoch 1/3 loss=0.5", "WARNING learning rate is high", "100%"])
        self.assertTrue(all("level" not in entry for entry in logs if not entry["message"].startswith("Traceback")),
                        "ordinary lines carry no level: the server reads it from the text")
        tracebacks = [entry for entry in logs if entry["message"].startswith("Traceback")]
        self.assertEqual(len(tracebacks), 1)
        self.assertEqual(tracebacks[0]["level"], "ERROR")
        self.assertTrue(tracebacks[0]["message"].endswith("ValueError: bad value"))
        self.assertIn("ERROR something", messages)
        self.assertEqual(messages[-1], "no newline at the end")


if __name__ == "__main__":
    unittest.main()
