"""The dead-letter file: batches the server will never take, set aside so that later ones go on.

A batch is set aside when the server refuses it for good: a 4xx other than 408/429 (a redirect too), or
the same 500/501 answer `RetryPolicy.dead_letter_after` times in a row while the server takes other
batches (the rule is in transport.RetryPolicy, the loop in worker.Sender). It lives beside the spool
file, in the spool directory, one file per job and backend, named after the spool file:

    <spool_dir>/job-<id>-<8 hex of the backend URL>-dead-letters.jsonl

(the spool's own names are `<stem>.jsonl` and `<stem>.<pid>.jsonl`, so the spool never takes this file
for one of its own). JSON lines, one set-aside batch a line, appended, oldest first, never read back by
the SDK; the batch's body comes last, exactly as it was sent:

    {"time":"2024-05-01T12:00:00.123456+00:00","job_id":"1","kind":"metrics",
     "path":"/api/v1/training/jobs/1/metrics","status":400,"tries":1,
     "reason":"HTTP 400 bad_request: points[0]: ...","error":"<the answer's body, at most 4 KiB>",
     "key":"<Idempotency-Key>","n":10,"body":{"points":[...]}}

`time` is when it was set aside (ISO-8601, UTC); `status` the HTTP status of the last answer; `tries` how
many answers in a row the batch got with that status; `error` the server's answer as text (its first
4,096 bytes, decoded as UTF-8 with replacement); `key` the batch's Idempotency-Key, `n` its item count.
`body` may hold bare NaN and Infinity, as Python's json writes and reads them. To resend a batch, POST
its `body` to the backend URL followed by `path`, with Content-Type application/json and its `key` as
the Idempotency-Key: the server keeps keys a day and stores a batch once per key.

The file is created on first use (mode 0600, its directory 0700) and kept after the run; it holds at
most `max_bytes` (a batch that would take it past that is not written; an empty file takes one batch
whatever its size). Several loggers of a job on one machine append to the same file, a whole line in
one write (O_APPEND); a line cut short by a full disk is left as it is and the next one starts on a new
line. `write` raises OSError when the disk refuses; the sender counts that as a drop.
Used by the sender thread only.
"""

from __future__ import annotations

import json
import os
from typing import Optional

from .batching import Batch
from .records import now_iso
from .spool import file_stem, prepare_directory

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation

#: Appended to the spool file's stem to name the dead-letter file.
SUFFIX = "-dead-letters.jsonl"


def dead_letter_path(directory: str, job_id: str, base_url: str) -> str:
    """`<directory>/job-<id>-<8 hex>-dead-letters.jsonl`: beside the job's spool file."""
    return os.path.join(directory, file_stem(job_id, base_url) + SUFFIX)


class DeadLetterFile:
    """Appends set-aside batches to `path` (see the module's description), at most `max_bytes` in all."""

    def __init__(self, path: str, job_id: str, max_bytes: int) -> None:
        self.path = path
        self.job_id = str(job_id)
        self.max_bytes = int(max_bytes)

    def line(self, batch: Batch, path: str, status: Optional[int], tries: int, reason: str, error: str) -> bytes:
        """The line for `batch`, newline included."""
        head = json.dumps({
            "time": now_iso(), "job_id": self.job_id, "kind": batch.kind, "path": path, "status": status,
            "tries": tries, "reason": reason, "error": error, "key": batch.key, "n": batch.count,
        }, separators=(",", ":"), ensure_ascii=True).encode("ascii")
        return head[:-1] + b',"body":' + batch.body + b"}\n"

    def write(self, batch: Batch, path: str, status: Optional[int], tries: int, reason: str, error: str) -> bool:
        """Append `batch`; False (nothing written) when the file would grow past `max_bytes`. Raises
        OSError when the directory or the file cannot be written."""
        line = self.line(batch, path, status, tries, reason, error)
        prepare_directory(os.path.dirname(self.path) or ".")
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _BINARY, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and size + len(line) > self.max_bytes:
                return False
            if size and hasattr(os, "pread") and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line  # after a line a full disk cut short, start a new one
            written = 0
            while written < len(line):
                written += os.write(fd, line[written:])
            return True
        finally:
            os.close(fd)
