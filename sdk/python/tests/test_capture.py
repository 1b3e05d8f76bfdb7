"""capture.py: stdout and stderr lines still printed and also sent, as written and without a level."""

import io
import sys
import traceback
import unittest

from trainwatch.capture import MAX_PARTIAL, OutputCapture, _LineSplitter
from trainwatch.records import MAX_MESSAGE_CHARS, MAX_MESSAGE_JSON_BYTES, java_length, json_length, make_log

from tests.support import ServerTestCase


def chained_traceback():
    """A chained traceback ("During handling of the above exception ...") as traceback prints it."""
    try:
        try:
            {}["missing"]
        except KeyError:
            raise ValueError("bad value")
    except ValueError:
        return traceback.format_exc()


class LineSplitterTest(unittest.TestCase):
    def test_lines_are_split_at_newline_only_and_kept_as_written(self):
        splitter = _LineSplitter()
        self.assertEqual(splitter.feed("a\nb"), ["a"])
        self.assertEqual(splitter.feed("c\n\n"), ["bc", ""])
        self.assertEqual(splitter.feed("\r 10%\r 50%\r100%\n"), ["\r 10%\r 50%\r100%"],
                         "a progress bar's redraws stay in its line: the server keeps its last state")
        self.assertEqual(splitter.feed("x\x0by\x0cz\x1cw\x1dv\x1eu\x85t\u2028s\u2029r\r\n"),
                         ["x\x0by\x0cz\x1cw\x1dv\x1eu\x85t\u2028s\u2029r\r"],
                         "no split at the characters str.splitlines() splits at")
        self.assertEqual(splitter.feed("\x1b[31mERROR\x1b[0m red\n"), ["\x1b[31mERROR\x1b[0m red"])
        self.assertEqual(splitter.feed("tail "), [])
        self.assertEqual(splitter.feed("without newline"), [])
        self.assertEqual(splitter.finish(), ["tail without newline"])
        self.assertEqual(splitter.finish(), [])

    def test_a_traceback_is_not_joined_each_line_is_sent_as_written(self):
        text = chained_traceback()
        self.assertIn("During handling of the above exception", text)
        splitter = _LineSplitter()
        lines = []
        for line in text.splitlines(keepends=True):  # written a line at a time, as traceback.print_exc does
            lines += splitter.feed(line)
        lines += splitter.finish()
        self.assertEqual(lines, text.split("\n")[:-1])
        self.assertEqual(lines[0], "Traceback (most recent call last):")
        self.assertEqual(lines[-1], "ValueError: bad value")

    def test_a_long_partial_line_is_sent_in_pieces_nothing_lost(self):
        splitter = _LineSplitter()
        written, sent = [], []
        for i in range(12):  # a progress bar redrawn without a newline, 100,000 characters a write
            text = "\r%3d%% " % i + "#" * 99_995
            written.append(text)
            sent += splitter.feed(text)
        self.assertEqual([len(piece) for piece in sent], [MAX_PARTIAL], "memory is bounded: one piece went")
        self.assertEqual(MAX_PARTIAL, MAX_MESSAGE_CHARS)
        sent += splitter.feed("\r100% done\n")
        written.append("\r100% done")
        self.assertEqual("".join(sent), "".join(written))
        self.assertTrue(sent[-1].endswith("\r100% done"))
        self.assertEqual(splitter.finish(), [])

    def test_a_long_line_is_sent_in_pieces_that_each_fit_a_message(self):
        splitter = _LineSplitter()
        for line in ("x" * (2 * MAX_MESSAGE_CHARS + 5), "é" * 1_500_000, "\U0001F600" * 700_000):
            pieces = splitter.feed(line + "\n")
            self.assertGreater(len(pieces), 1)
            self.assertEqual("".join(pieces), line)
            for piece in pieces:
                self.assertLessEqual(java_length(piece), MAX_MESSAGE_CHARS)
                self.assertLessEqual(json_length(piece), MAX_MESSAGE_JSON_BYTES)
                self.assertEqual(make_log(piece, None)["message"], piece, "a piece is never cut")


class CaptureTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.saved = sys.stdout, sys.stderr
        self.out, self.err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = self.out, self.err

    def tearDown(self):
        sys.stdout, sys.stderr = self.saved
        super().tearDown()

    def test_lines_are_printed_and_sent_in_order_as_written_without_level(self):
        logger = self.logger(capture_output=True)
        self.assertIsNot(sys.stdout, self.out)
        print("Epoch 1/3 loss=0.5")
        print("WARNING learning rate is high")
        sys.stdout.write("progress\r 50%\r100%\n")
        try:
            try:
                {}["missing"]
            except KeyError:
                raise ValueError("bad value")
        except ValueError:
            printed = traceback.format_exc()
            traceback.print_exc()
        print("ERROR something", file=sys.stderr)
        sys.stdout.write("no newline at the end")
        self.assertEqual(sys.stdout.encoding, self.out.encoding)
        logger.finish()
        self.assertIs(sys.stdout, self.out, "the original streams are back")
        self.assertIs(sys.stderr, self.err)
        self.assertEqual(self.out.getvalue(), "Epoch 1/3 loss=0.5\nWARNING learning rate is high\n"
                                              "progress\r 50%\r100%\nno newline at the end")
        self.assertEqual(self.err.getvalue(), printed + "ERROR something\n")
        logs = self.server.logs()
        traceback_lines = printed.split("\n")[:-1]  # every line, the blank ones around the chain too
        self.assertIn("During handling of the above exception, another exception occurred:", traceback_lines)
        self.assertEqual([entry["message"] for entry in logs],
                         ["Epoch 1/3 loss=0.5", "WARNING learning rate is high", "progress\r 50%\r100%",
                          *traceback_lines, "ERROR something", "no newline at the end"])
        self.assertTrue(all("level" not in entry for entry in logs),
                        "no level: the server reads it, and joins the traceback, with the parser it uses for pod logs")

    def test_a_traceback_split_over_batches_is_sent_line_by_line(self):
        logger = self.logger(capture_output=True, batch_size=3)
        text = chained_traceback()
        sys.stderr.write(text)
        logger.finish()
        self.assertTrue(text.endswith("\n"))
        self.assertEqual([entry["message"] for entry in self.server.logs()], text.split("\n")[:-1])
        self.assertGreater(len(self.server.requests_of("logs")), 2, "the server joins it across requests")

    def test_ignored_writes_are_printed_not_sent(self):
        sent, ignore = [], [False]
        capture = OutputCapture(sent.append, lambda: ignore[0])  # the logger ignores its own threads' writes
        print("one")
        ignore[0] = True
        print("from an SDK thread")
        ignore[0] = False
        print("two", file=sys.stderr)
        capture.stop()
        self.assertEqual(sent, ["one", "two"])
        self.assertEqual(self.out.getvalue(), "one\nfrom an SDK thread\n")
        self.assertIs(sys.stderr, self.err)


if __name__ == "__main__":
    unittest.main()
