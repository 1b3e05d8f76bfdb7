"""Optional capture of the process's stdout and stderr as log entries (`capture_output=True`).

`OutputCapture` replaces sys.stdout and sys.stderr with tees: every write still goes to the original
stream first, unchanged, and each complete line is also handed to the logger as written (without its
"\\n") and without a level, in the order each thread wrote them. The server reads captured lines as it
reads a pod's or a local process's output (docs/protocol.md, "Text" and "Events"), so none of that is
done here: it reads each line's level from the text, joins a Python traceback's lines into one ERROR
entry (chained tracebacks included, and also when its lines come in different batches: a traceback
still open at the end of a request goes on with the next one), stores a line redrawn with "\\r" (a
progress bar) as its last state and drops lines that show nothing. One parser, the server's, serves
captured output and pod logs alike.

What is done here is only capturing:

- Lines are split at "\\n" only, as the server splits a process's output: "\\r", "\\x0b", "\\x0c",
  "\\x1c", "\\u2028" and the other characters str.splitlines() would split at stay in the line as
  written. (records.make_log drops a "\\r" at the very end, a Windows line end's, as the server would.)
- A partial line (a write without "\\n") waits for the rest of its line. A line longer than one message
  (records.fitting_length: 1,048,576 UTF-16 units, the longest line the server keeps, and what fits one
  request) is sent in pieces of that size, in order, so that nothing is cut; a partial line waiting
  for its "\\n" is sent in such pieces as soon as it grows past 1,048,576 characters (a progress bar
  redrawn for a long time), which bounds what waits in memory. What still waits when capture stops is
  sent then.
- Writes made by the SDK's own threads are not captured. A blank line is sent too: the server stores
  nothing for it, but keeps it inside a chained traceback (records.make_log).

It only sees writes through sys.stdout/sys.stderr: output of C extensions or child processes written
to the file descriptors directly is not captured. Do not turn it on for a job whose executor already
collects the output (local jobs, Kubernetes pod logs), or each line is stored twice.
"""

from __future__ import annotations

import sys
import threading
from typing import Callable, List

from .records import MAX_MESSAGE_CHARS, fitting_length

#: The most characters of a partial line kept waiting for its "\n"; past this it is sent in pieces.
MAX_PARTIAL = MAX_MESSAGE_CHARS
_MAX_WAITING_WRITES = 1024


def _pieces(line: str) -> List[str]:
    """`line` in pieces that each fit one message (records.fitting_length); usually just `line`."""
    pieces = []
    while True:
        size = max(1, fitting_length(line))
        if size >= len(line):
            pieces.append(line)
            return pieces
        pieces.append(line[:size])
        line = line[size:]


class _LineSplitter:
    """Cuts written text into lines at "\\n" only, keeping the partial last line until its "\\n" comes."""

    def __init__(self) -> None:
        self._waiting: List[str] = []  # the partial line, as the writes that made it (no copying per write)
        self._waiting_size = 0

    def feed(self, text: str) -> List[str]:
        """The lines that `text` completes, each as written without its "\\n", in order (a long one in
        pieces); also the start of a partial line that grew past MAX_PARTIAL characters."""
        out: List[str] = []
        if "\n" in text:
            lines = text.split("\n")
            text = lines.pop()
            if self._waiting:
                self._waiting.append(lines[0])
                lines[0] = "".join(self._waiting)
                self._waiting, self._waiting_size = [], 0
            for line in lines:
                out.extend(_pieces(line))
        if text:
            self._waiting.append(text)
            self._waiting_size += len(text)
            if len(self._waiting) >= _MAX_WAITING_WRITES:  # many small writes: keep one string, not many
                self._waiting = ["".join(self._waiting)]
            if self._waiting_size > MAX_PARTIAL:
                # Over MAX_PARTIAL characters is over one message: at least two pieces. The last one,
                # at most MAX_PARTIAL characters, goes on waiting for the rest of its line.
                pieces = _pieces("".join(self._waiting))
                last = pieces.pop()
                out.extend(pieces)
                self._waiting, self._waiting_size = [last], len(last)
        return out

    def finish(self) -> List[str]:
        """The partial line, if any, in pieces as above."""
        if not self._waiting:
            return []
        partial = "".join(self._waiting)
        self._waiting, self._waiting_size = [], 0
        return _pieces(partial)


class _Tee:
    """Stands in for a text stream: writes go to the original, lines also to `emit`. Everything else
    (encoding, fileno, isatty, buffer, ...) is the original's."""

    def __init__(self, original, emit: Callable[[str], None], ignore: Callable[[], bool]) -> None:
        self._original = original
        self._emit = emit
        self._ignore = ignore
        self._splitter = _LineSplitter()
        # Held only while splitting: `emit` may warn, and a warning may be written to a stream.
        self._lock = threading.Lock()

    def write(self, text):
        written = self._original.write(text)
        if isinstance(text, str) and text and not self._ignore():
            try:
                with self._lock:
                    lines = self._splitter.feed(text)
                for line in lines:
                    self._emit(line)
            except Exception:
                pass
        return written

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._original.flush()

    def finish(self) -> None:
        with self._lock:
            lines = self._splitter.finish()
        for line in lines:
            self._emit(line)

    def __getattr__(self, name):
        return getattr(self._original, name)


class OutputCapture:
    """Installs the tees on sys.stdout and sys.stderr; `stop()` sends any partial line and puts the
    originals back (unless someone replaced our tee meanwhile, then that replacement stays)."""

    def __init__(self, emit: Callable[[str], None], ignore: Callable[[], bool]) -> None:
        self._tees = {}
        for name in ("stdout", "stderr"):
            original = getattr(sys, name)
            if original is None:
                continue
            tee = _Tee(original, emit, ignore)
            self._tees[name] = tee
            setattr(sys, name, tee)

    def stop(self) -> None:
        for name, tee in self._tees.items():
            try:
                tee.finish()
            except Exception:
                pass
            if getattr(sys, name) is tee:
                setattr(sys, name, tee._original)
        self._tees = {}
