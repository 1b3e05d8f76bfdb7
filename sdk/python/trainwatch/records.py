"""Turns what training code passes in into the items Trainwatch stores: metric points and log entries.

This runs on the training thread, so it only checks and copies values; it never serializes, never does
I/O and never raises. A value the server would refuse is left out here, with a note saying why, because
the server refuses a whole batch for one bad point: one bad value must not cost 499 good ones.

What it checks mirrors the server's rules (docs/protocol.md): `epoch` an integer from 0 to 2**31-1,
`step` an integer of 0 or more, metric names 1 to 200 characters, values numbers (NaN and +/-Infinity
included, passed on as they are), at most 200 metrics a point (more are split into several points with
the same epoch, step and time). It does not decide the level of a log line that has none: the server
reads it from the text.
"""

from __future__ import annotations

import numbers
import operator
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

MAX_EPOCH = 2**31 - 1
MAX_STEP = 2**63 - 1
MAX_METRICS_PER_POINT = 200
MAX_NAME_LENGTH = 200
#: The server's limit on a log message, in UTF-16 units as Java counts; longer messages are cut to fit.
MAX_MESSAGE_CHARS = 65_536

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
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


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
    epoch: Any, metrics: Any, step: Any = None, timestamp: Optional[str] = None
) -> Tuple[List[Dict[str, Any]], List[str]]:
    """The points for one log_metrics call, and the problems found.

    Usually one point; none when the call cannot make a valid point (the problems say why); several when
    it has more than 200 metrics. A metric that is not a number or has a bad name is left out and named
    in the problems, the rest of the point is kept.
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


def _cut(text: str) -> str:
    """`text` cut so that, with a note saying how much was cut, it is at most MAX_MESSAGE_CHARS long."""
    note = " ... [%d characters cut by trainwatch]"
    budget = MAX_MESSAGE_CHARS - len(note % len(text))
    keep, units = len(text), 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > budget:
            keep = index
            break
    return text[:keep] + note % (len(text) - keep)


def make_log(message: Any, level: Any = "INFO", timestamp: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """The log entry for one message, or None for an empty one. A trailing newline is removed and a
    message over MAX_MESSAGE_CHARS is cut, saying how much was cut."""
    text = message if isinstance(message, str) else str(message)
    text = text.rstrip("\r\n")
    if not text.strip():
        return None
    if len(text) > MAX_MESSAGE_CHARS or java_length(text) > MAX_MESSAGE_CHARS:
        text = _cut(text)
    entry: Dict[str, Any] = {"message": text}
    name = normalize_level(level)
    if name is not None:
        entry["level"] = name
    entry["timestamp"] = timestamp or now_iso()
    return entry

