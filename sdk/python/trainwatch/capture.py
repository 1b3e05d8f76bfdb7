"""Optional capture of the process's stdout and stderr as log entries (`capture_output=True`).

`OutputCapture` replaces sys.stdout and sys.stderr with tees: every write still goes to the original
stream first, unchanged, and each complete line is also handed to the logger as a log entry without a
level, so the server reads the level from the text as it does for pod logs. A Python traceback (from
"Traceback (most recent call last):" to its exception line) becomes one entry with level ERROR, as the
server makes it of pod logs. A carriage return without a newline (progress bars) replaces the line
being built, so only a bar's last state is sent. Writes made by the SDK's own threads are not captured.

It only sees writes through sys.stdout/sys.stderr: output of C extensions or child processes written
to the file descriptors directly is not captured. Do not turn it on for a job whose executor already
collects the output (local jobs, Kubernetes pod logs), or each line is stored twice.
"""

from __future__ import annotations

import sys
import threading
from typing import Callable, List, Optional, Tuple

TRACEBACK = "Traceback (most recent call last):"
_MAX_PARTIAL = 64 * 1024


class _LineSplitter:
    """Turns written text into entries (message, level or None); keeps the partial last line."""

    def __init__(self) -> None:
        self._partial = ""
        self._traceback: List[str] = []

    def feed(self, text: str) -> List[Tuple[str, Optional[str]]]:
        out: List[Tuple[str, Optional[str]]] = []
        data = self._partial + text
        lines = data.split("\n")
        self._partial = lines.pop()
        if "\r" in self._partial:
            self._partial = self._partial.rsplit("\r", 1)[1]
        if len(self._partial) > _MAX_PARTIAL:
            lines.append(self._partial)
            self._partial = ""
        for line in lines:
            if "\r" in line:
                line = line.rstrip("\r")
                if "\r" in line:
                    line = line.rsplit("\r", 1)[1]
            self._line(line, out)
        return out

    def _line(self, line: str, out: List[Tuple[str, Optional[str]]]) -> None:
        if self._traceback:
            self._traceback.append(line)
            if not line[:1].isspace():
                out.append(("\n".join(self._traceback), "ERROR"))
                self._traceback = []
            return
        if line.strip() == TRACEBACK:
            self._traceback = [line]
            return
        if line.strip():
            out.append((line, None))

    def finish(self) -> List[Tuple[str, Optional[str]]]:
        out: List[Tuple[str, Optional[str]]] = []
        if self._partial:
            self._line(self._partial, out)
            self._partial = ""
        if self._traceback:
            out.append(("\n".join(self._traceback), "ERROR"))
            self._traceback = []
        return out


class _Tee:
    """Stands in for a text stream: writes go to the original, lines also to `emit`. Everything else
    (encoding, fileno, isatty, buffer, ...) is the original's."""

    def __init__(self, original, emit: Callable[[str, Optional[str]], None], ignore: Callable[[], bool]) -> None:
        self._original = original
        self._emit = emit
        self._ignore = ignore
        self._splitter = _LineSplitter()
        self._lock = threading.Lock()

    def write(self, text):
        written = self._original.write(text)
        if isinstance(text, str) and text and not self._ignore():
            try:
                with self._lock:
                    entries = self._splitter.feed(text)
                for message, level in entries:
                    self._emit(message, level)
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
            entries = self._splitter.finish()
        for message, level in entries:
            self._emit(message, level)

    def __getattr__(self, name):
        return getattr(self._original, name)


class OutputCapture:
    """Installs the tees on sys.stdout and sys.stderr; `stop()` sends any partial line and puts the
    originals back (unless someone replaced our tee meanwhile, then that replacement stays)."""

    def __init__(self, emit: Callable[[str, Optional[str]], None], ignore: Callable[[], bool]) -> None:
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
