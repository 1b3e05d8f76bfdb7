"""Turns what training code passes in into the items Trainwatch stores: metric points and log entries.

This runs on the training thread, so it only checks and copies values; it never does I/O, never raises,
and serializes nothing but a log message longer than 349,184 characters, to measure it. A value the
server would refuse is left out here, with a note saying why, because the server refuses a whole batch
for one bad point: one bad value must not cost 499 good ones.

What it checks mirrors the server's rules (docs/protocol.md): `epoch` an integer from 0 to 2**31-1,
`step` an integer of 0 or more, metric names 1 to 200 characters, values numbers (NaN and +/-Infinity
included, passed on as they are), at most 200 metrics a point (more are split into several points with
the same epoch, step and time). A name starting with `system/` is left out of what training reports too:
that prefix is the SDK's own system metrics' (vitals.py). It does not decide the level of a log line that
has none: the server reads it from the text.

A log message has no limit of its own on the server, only the request body's (docs/protocol.md,
"Reporting logs, and retries" and "Text"), so a message keeps what the server would keep of a line and what
fits one request:

- at most MAX_MESSAGE_CHARS = 1,048,576 UTF-16 units, the longest line the server keeps
  (`LogText.MAX_LINE` in functions: 64 parts of 16,384 units; past that it cuts the line itself);
- at most MAX_MESSAGE_JSON_BYTES = 4,190,208 bytes as batching writes it into JSON (ASCII only, so
  up to 6 bytes a UTF-16 unit: `\\u0001`, `\\u00e9`, `\\ud83d\\ude00`), so that a request holding just this
  entry stays within the server's body limit of 4 MiB (MAX_BODY_BYTES = 4,194,304,
  `trainwatch.http.max-body-bytes`, over it the server answers 413). ENTRY_ROOM = 4,096 bytes are left
  for the rest of such a body (`{"logs":[{"message":"","level":"WARNING","timestamp":"..."}]}` is
  under 100). Only a message of control or non-ASCII characters reaches this bound before the first:
  1,048,576 units of them take up to 6 MiB of JSON.

A longer message is cut to the longest start that fits both with a note, ` ... [N characters cut by
trainwatch]`, N counting the UTF-16 units cut.
"""

from __future__ import annotations

import json
import numbers
import operator
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

MAX_EPOCH = 2**31 - 1
MAX_STEP = 2**63 - 1
MAX_METRICS_PER_POINT = 200
MAX_NAME_LENGTH = 200
#: The most UTF-16 units a log message keeps: the longest line the server keeps (LogText.MAX_LINE,
#: 64 parts of 16,384; docs/protocol.md "Text"). Longer messages are cut, with a note.
MAX_MESSAGE_CHARS = 1_048_576
#: The server's request body limit (`trainwatch.http.max-body-bytes`, 4 MiB; over it: 413 payload_too_large).
MAX_BODY_BYTES = 4_194_304
#: Bytes left, in a body holding one log entry, for all but the message's text (envelope, level, timestamp:
#: under 100 bytes).
ENTRY_ROOM = 4_096
#: The most bytes a log message's text takes in the JSON that batching writes; longer ones are cut, with a
#: note, so that one entry always fits a request.
MAX_MESSAGE_JSON_BYTES = MAX_BODY_BYTES - ENTRY_ROOM
#: What a cut message ends with; %d is the number of UTF-16 units cut.
CUT_NOTE = " ... [%d characters cut by trainwatch]"
#: The most JSON bytes one character (code point) takes: a character outside the BMP is written as two
#: escaped surrogates, 12 bytes ("\ud83d\ude00"). So a text of at most `bytes // 12` characters fits.
_MOST_BYTES_PER_CHAR = 12

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_LEVEL_ALIASES = {
    "WARN": "WARNING",
    "CRITICAL": "ERROR",
    "FATAL": "ERROR",
    "TRACE": "DEBUG",
    "NOTSET": "DEBUG",
}


def java_length(text: str) -> int:
    """The length of `text` as the server (Java) counts it: characters outside the BMP count twice."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def json_length(text: str) -> int:
    """The bytes `text` takes inside a JSON string as batching writes it (json.dumps, ASCII only)."""
    return len(json.dumps(text)) - 2


def now_iso() -> str:
    """The current time as ISO-8601 with microseconds and a UTC offset, e.g. 2026-11-28T10:00:00.123456+00:00."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _as_int(value: Any) -> Optional[int]:
    """An integer from an int, an integral float or anything with __index__ (numpy integers); else None."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _as_number(value: Any) -> Optional[float]:
    """A JSON number from a metric value: ints and floats as they are, bools as 0/1, other numbers
    (numpy scalars, 0-d tensors, Decimal) through float(); None when it is not a number."""
    if type(value) is float or type(value) is int:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Integral):
        try:
            return int(value)
        except (TypeError, ValueError, OverflowError):
            return None
    if isinstance(value, (str, bytes)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return None


def make_points(
    epoch: Any, metrics: Any, step: Any = None, timestamp: Optional[str] = None, reserved: Optional[str] = None
) -> Tuple[List[Dict[str, Any]], List[str]]:
    """The points for one log_metrics call, and the problems found.

    Usually one point; none when the call cannot make a valid point (the problems say why); several when
    it has more than 200 metrics. A metric that is not a number or has a bad name is left out and named
    in the problems, the rest of the point is kept; so is one whose name starts with `reserved` (log_metrics
    passes "system/", the prefix of the SDK's own system metrics, vitals.py).
    """
    problems: List[str] = []
    epoch_value = _as_int(epoch)
    if epoch_value is None or not 0 <= epoch_value <= MAX_EPOCH:
        return [], ["epoch must be an integer from 0 to %d, not %r" % (MAX_EPOCH, epoch)]
    step_value = None
    if step is not None:
        step_value = _as_int(step)
        if step_value is None or not 0 <= step_value <= MAX_STEP:
            return [], ["step must be an integer of 0 or more, not %r" % (step,)]
    if not isinstance(metrics, Mapping):
        return [], ["metrics must be a mapping of name to number, not %s" % type(metrics).__name__]
    values: Dict[str, Any] = {}
    for name, value in metrics.items():
        name = name if isinstance(name, str) else str(name)
        if not name.strip() or java_length(name) > MAX_NAME_LENGTH:
            problems.append("metric names must be 1 to %d characters: %r" % (MAX_NAME_LENGTH, name[:50]))
            continue
        if reserved and name.startswith(reserved):
            problems.append("metric names starting with %r are reserved for the system metrics trainwatch samples "
                            "itself: %r" % (reserved, name[:50]))
            continue
        number = _as_number(value)
        if number is None:
            problems.append("metric %r must be a number, not %s" % (name, type(value).__name__))
            continue
        values[name] = number
    if not values:
        problems.append("a point needs at least one metric that is a number")
        return [], problems
    when = timestamp or now_iso()
    names = list(values)
    points = []
    for start in range(0, len(names), MAX_METRICS_PER_POINT):
        chunk = {name: values[name] for name in names[start : start + MAX_METRICS_PER_POINT]}
        point: Dict[str, Any] = {"epoch": epoch_value, "metrics": chunk, "timestamp": when}
        if step_value is not None:
            point["step"] = step_value
        points.append(point)
    return points, problems


def normalize_level(level: Any) -> Optional[str]:
    """DEBUG, INFO, WARNING or ERROR from a name (any case, WARN, CRITICAL, ...) or a logging level
    number; None for None (the server then reads the level from the text). Anything else is INFO."""
    if level is None:
        return None
    if isinstance(level, numbers.Integral) and not isinstance(level, bool):
        number = int(level)
        if number >= 40:
            return "ERROR"
        if number >= 30:
            return "WARNING"
        if number >= 20:
            return "INFO"
        return "DEBUG"
    name = str(level).strip().upper()
    name = _LEVEL_ALIASES.get(name, name)
    return name if name in LEVELS else "INFO"


def _fits(text: str, most_chars: int, most_bytes: int) -> bool:
    if len(text) <= min(most_chars // 2, most_bytes // _MOST_BYTES_PER_CHAR):
        return True  # no need to measure: at most 2 units and 12 bytes a character
    return java_length(text) <= most_chars and json_length(text) <= most_bytes


def fitting_length(text: str, most_chars: int = MAX_MESSAGE_CHARS, most_bytes: int = MAX_MESSAGE_JSON_BYTES) -> int:
    """How many characters (code points) from the start of `text` fit in at most `most_chars` UTF-16
    units and `most_bytes` bytes of JSON; all of them when the whole text fits. Never splits a character
    outside the BMP. A binary search, each step measured by C code (encode, json.dumps): about 0.1 s
    for a message of a million characters, none for one under 349,184."""
    if _fits(text, most_chars, most_bytes):
        return len(text)
    low = min(most_chars // 2, most_bytes // _MOST_BYTES_PER_CHAR)  # this many always fit
    high = min(len(text) - 1, most_chars)  # more than most_chars characters are over most_chars units
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(text[:middle], most_chars, most_bytes):
            low = middle
        else:
            high = middle - 1
    return low


def fit_message(text: str, most_chars: int = MAX_MESSAGE_CHARS, most_bytes: int = MAX_MESSAGE_JSON_BYTES) -> str:
    """`text` itself when it fits in `most_chars` UTF-16 units and `most_bytes` bytes of JSON; else its
    longest start that fits together with CUT_NOTE saying how many UTF-16 units were cut."""
    if _fits(text, most_chars, most_bytes):
        return text
    units = java_length(text)
    reserve = len(CUT_NOTE % units)  # the note is ASCII without escapes: as many bytes as characters
    kept = text[:fitting_length(text, max(0, most_chars - reserve), max(0, most_bytes - reserve))]
    return kept + CUT_NOTE % (units - java_length(kept))


def make_log(message: Any, level: Any = "INFO", timestamp: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """The log entry for one message. A trailing newline is removed, and a message over MAX_MESSAGE_CHARS
    UTF-16 units or MAX_MESSAGE_JSON_BYTES bytes of JSON is cut, saying how much was cut (fit_message).
    None for a blank message given a level: the server would store nothing for it. A blank captured line
    (level None) is sent, since inside a chained traceback it is part of the traceback the server joins
    (docs/protocol.md, "Text")."""
    text = message if isinstance(message, str) else str(message)
    text = text.rstrip("\r\n")
    if not text.strip() and level is not None:
        return None
    text = fit_message(text)
    entry: Dict[str, Any] = {"message": text}
    name = normalize_level(level)
    if name is not None:
        entry["level"] = name
    entry["timestamp"] = timestamp or now_iso()
    return entry

