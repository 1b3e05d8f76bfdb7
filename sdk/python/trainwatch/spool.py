"""The local spool: batches kept on disk while the backend cannot take them, replayed in order later.

One file per job (and backend) in the spool directory (`TRAINWATCH_SPOOL_DIR`, or
`<tempdir>/trainwatch-spool-<uid>`; it must belong to the user), JSON lines, one batch a line, oldest first:

    {"sent":0,"kind":"metrics","key":"<Idempotency-Key>","n":500,"body":{"points":[...]}}

A batch is taken off the front by overwriting its `0` with `1` in place (one byte, so a crash never
loses or repeats more than that batch; a repeat is harmless since the key goes with it). The file is
emptied when everything in it is sent and rewritten when its sent front grows large. What is not sent
stays in the file: a later logger for the same job reads it and sends it before anything new, with the
same keys, so the server stores each batch once.

A file is owned by one logger at a time (an flock on `<file>.lock`, removed by its owner on closing).
A second logger of the same job on the same machine (another rank) gets `<name>.<pid>.jsonl`; the owner
of the main file takes over such files whose owner is gone. `max_bytes` bounds what is waiting in the
spool: a batch that would go past it is refused (the caller counts it as dropped), and so is every batch
after it until a waiting one is sent, so what waits is always the oldest, with no holes (a small late batch
does not slip in after larger ones were refused). An empty spool always takes one batch. Lines are written without fsync: a crash of the process loses nothing,
a crash of the machine may lose the last writes.

The sender works on the oldest batch; only when that one keeps getting the same 500 or 501 does it try
the second oldest in its place (see transport.RetryPolicy), so `peek`, `find` and `pop` also reach the second:
a batch taken off from behind the front is marked sent in place like any other.

`MemorySpool` is the same thing kept in memory, used when no file can be written; it is not replayed by
a later process. Neither class is thread-safe: the outbox serializes access.
"""

from __future__ import annotations

import collections
import glob
import hashlib
import json
import os
import re
import tempfile
from typing import Deque, List, Optional, Tuple

from .batching import Batch
from .kinds import KIND

try:
    import fcntl
except ImportError:  # not on Windows: files are then not locked
    fcntl = None

_PENDING = b'{"sent":0,'
_SENT = b'{"sent":1,'
_SENT_FLAG_OFFSET = len(b'{"sent":')
_BODY_MARK = b',"body":'
#: Rewrite the file when its sent front is at least this large and larger than what is still waiting.
COMPACT_AT = 4 * 1024 * 1024


class SpoolBusy(Exception):
    """Another live logger owns this spool file."""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _user() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else "user"


def _shared_default() -> str:
    return os.path.join(tempfile.gettempdir(), "trainwatch-spool-" + _user())


def prepare_directory(directory: str) -> None:
    """Create `directory` (mode 0700) if needed. Raises OSError when it cannot be, or when it is the shared
    default and belongs to another user (who could then read or replace what is written there)."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    if directory == _shared_default() and hasattr(os, "getuid") and os.stat(directory).st_uid != os.getuid():
        raise OSError("spool directory %s belongs to another user" % directory)


def default_directory() -> str:
    """TRAINWATCH_SPOOL_DIR, or `<tempdir>/trainwatch-spool-<uid>` (a directory per user, since the
    temporary directory is shared)."""
    return os.environ.get("TRAINWATCH_SPOOL_DIR") or _shared_default()


def file_stem(job_id: str, base_url: str) -> str:
    """`job-<id>-<8 hex of the backend URL>`: the same job id on two backends gets two files."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", str(job_id))[:100]
    digest = hashlib.sha256(base_url.rstrip("/").encode("utf-8")).hexdigest()[:8]
    return "job-%s-%s" % (safe, digest)


def _line(batch: Batch) -> bytes:
    return b'{"sent":0,"kind":"%s","key":"%s","n":%d,"body":%s}\n' % (
        batch.kind.encode(), batch.key.encode(), batch.count, batch.body)


class _Entry:
    __slots__ = ("offset", "length", "kind", "key", "count")

    def __init__(self, offset: int, length: int, kind: str, key: str, count: int) -> None:
        self.offset, self.length, self.kind, self.key, self.count = offset, length, kind, key, count


class MemorySpool:
    """The spool kept in memory, bounded by `max_bytes` of waiting bodies."""

    path = None

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._batches: Deque[Batch] = collections.deque()
        self.pending_bytes = 0
        self.recovered: List[Tuple[str, int]] = []
        self.corrupt = 0
        self._refusing = False  # a batch was refused, and none has been sent since

    @property
    def pending_batches(self) -> int:
        return len(self._batches)

    def pending_items(self, kind: str) -> int:
        return sum(batch.count for batch in self._batches if batch.kind == kind)

    def append(self, batch: Batch) -> bool:
        size = len(batch.body)
        if self._refuses(size):
            return False
        self._batches.append(batch)
        self.pending_bytes += size
        return True

    def peek(self, index: int = 0) -> Optional[Batch]:
        return self._batches[index] if len(self._batches) > index else None

    def find(self, key: str, within: int = 2) -> Optional[int]:
        for index in range(min(within, len(self._batches))):
            if self._batches[index].key == key:
                return index
        return None

    def batches(self) -> List[Batch]:
        return list(self._batches)

    def pop(self, index: int = 0) -> None:
        batch = self._batches[index]
        del self._batches[index]
        self.pending_bytes -= len(batch.body)
        self._refusing = False

    def _refuses(self, size: int) -> bool:
        self._refusing = self._refusing or (bool(self._batches) and self.pending_bytes + size > self.max_bytes)
        return self._refusing

    def close(self) -> None:
        pass


class FileSpool:
    """The spool file of one job; see the module's description. Raises OSError when the file cannot be
    opened and SpoolBusy when another logger owns it."""

    def __init__(self, path: str, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._refusing = False  # a batch was refused, and none has been sent since
        self._lock_fd: Optional[int] = None
        self._fd: Optional[int] = None
        self._entries: Deque[_Entry] = collections.deque()
        self._head_cache: Optional[Batch] = None
        self.pending_bytes = 0
        #: (kind, items) of the batches found waiting when the file was opened, and how many lines were unreadable.
        self.recovered: List[Tuple[str, int]] = []
        self.corrupt = 0
        self._lock_fd = self._lock(path + ".lock")
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
            self._end = self._scan()
            self.recovered = [(entry.kind, entry.count) for entry in self._entries]
        except BaseException:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._unlock()
            raise

    @staticmethod
    def _lock(lock_path: str) -> Optional[int]:
        """An flock on the lock file. The owner removes the file when it closes, so a lock taken on a file
        that was meanwhile removed (or replaced) is not ownership: then it tries again."""
        if fcntl is None:
            return None
        for _ in range(20):
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise SpoolBusy(lock_path)
            try:
                if os.fstat(fd).st_ino == os.stat(lock_path).st_ino:
                    return fd
            except FileNotFoundError:
                pass
            os.close(fd)
        raise SpoolBusy(lock_path)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            try:
                os.unlink(self.path + ".lock")  # still holding the lock: see _lock
            except OSError:
                pass
            try:
                os.close(self._lock_fd)  # closing releases the flock
            except OSError:
                pass
            self._lock_fd = None

    def _scan(self) -> int:
        """Index the waiting lines; cut off a torn last line. Returns the end of the good part."""
        offset = 0
        with open(self.path, "rb") as reader:
            for line in reader:
                if not line.endswith(b"\n"):
                    break  # a write cut short by a crash: the batch was never acknowledged as spooled
                if line.startswith(_PENDING):
                    try:
                        data = json.loads(line)
                        entry = _Entry(offset, len(line), str(data["kind"]), str(data["key"]), int(data["n"]))
                        if entry.kind not in KIND or line.find(_BODY_MARK) < 0:
                            raise ValueError(entry.kind)
                    except (ValueError, KeyError, TypeError):
                        self.corrupt += 1
                        os.pwrite(self._fd, b"1", offset + _SENT_FLAG_OFFSET)
                    else:
                        self._entries.append(entry)
                        self.pending_bytes += entry.length
                offset += len(line)
        if offset != os.fstat(self._fd).st_size:
            os.ftruncate(self._fd, offset)
        if not self._entries and offset:
            os.ftruncate(self._fd, 0)
            offset = 0
        return offset

    @property
    def pending_batches(self) -> int:
        return len(self._entries)

    def pending_items(self, kind: str) -> int:
        return sum(entry.count for entry in self._entries if entry.kind == kind)

    def append(self, batch: Batch) -> bool:
        """Write `batch` at the end; False (nothing written) when it would take the spool past max_bytes.
        Raises OSError when the disk refuses the write."""
        line = _line(batch)
        if self._refuses(len(line)):
            return False
        written = 0
        try:
            while written < len(line):
                written += os.pwrite(self._fd, line[written:], self._end + written)
        except OSError:
            os.ftruncate(self._fd, self._end)
            raise
        self._entries.append(_Entry(self._end, len(line), batch.kind, batch.key, batch.count))
        self._end += len(line)
        self.pending_bytes += len(line)
        return True

    def append_line(self, line: bytes, kind: str, key: str, count: int) -> bool:
        """Write a waiting line taken from another spool file as it is."""
        if self._refuses(len(line)):
            return False
        os.pwrite(self._fd, line, self._end)
        self._entries.append(_Entry(self._end, len(line), kind, key, count))
        self._end += len(line)
        self.pending_bytes += len(line)
        return True

    def lines(self):
        """(line, kind, key, count) of every waiting batch, oldest first."""
        for entry in self._entries:
            yield os.pread(self._fd, entry.length, entry.offset), entry.kind, entry.key, entry.count

    def _read(self, entry: _Entry) -> Batch:
        line = os.pread(self._fd, entry.length, entry.offset)
        start = line.index(_BODY_MARK) + len(_BODY_MARK)
        return Batch(entry.kind, entry.key, line[start:-2], entry.count)

    def peek(self, index: int = 0) -> Optional[Batch]:
        """The waiting batch at `index` (0: the oldest), with its key and body exactly as first written;
        None when fewer are waiting."""
        if len(self._entries) <= index:
            return None
        entry = self._entries[index]
        if index:
            return self._read(entry)
        if self._head_cache is None or self._head_cache.key != entry.key:
            self._head_cache = self._read(entry)
        return self._head_cache

    def find(self, key: str, within: int = 2) -> Optional[int]:
        """The index of the batch with Idempotency-Key `key` among the oldest `within`, or None."""
        for index in range(min(within, len(self._entries))):
            if self._entries[index].key == key:
                return index
        return None

    def pop(self, index: int = 0) -> None:
        """Mark the waiting batch at `index` (0: the oldest) as done (sent, or set aside or dropped)."""
        entry = self._entries[index]
        del self._entries[index]
        self._head_cache = None
        self.pending_bytes -= entry.length
        self._refusing = False
        os.pwrite(self._fd, b"1", entry.offset + _SENT_FLAG_OFFSET)
        if not self._entries:
            os.ftruncate(self._fd, 0)
            self._end = 0
        elif self._entries[0].offset >= COMPACT_AT and self._entries[0].offset > self.pending_bytes:
            self._compact()

    def _refuses(self, size: int) -> bool:
        self._refusing = self._refusing or (bool(self._entries) and self.pending_bytes + size > self.max_bytes)
        return self._refusing

    def _compact(self) -> None:
        """Rewrite the file without its sent front (a new file renamed over the old one)."""
        start = self._entries[0].offset
        temporary = self.path + ".tmp"
        out = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o600)
        try:
            position = start
            while position < self._end:
                chunk = os.pread(self._fd, min(1 << 20, self._end - position), position)
                if not chunk:
                    break
                os.write(out, chunk)
                position += len(chunk)
        finally:
            os.close(out)
        os.replace(temporary, self.path)
        os.close(self._fd)
        self._fd = os.open(self.path, os.O_RDWR | _NOFOLLOW)
        for entry in self._entries:
            entry.offset -= start
        self._end -= start

    def close(self, remove_if_empty: bool = True) -> None:
        """Close the file, removing it when nothing waits in it, and give up ownership (the lock file
        goes too)."""
        if self._fd is None:
            return
        try:
            if remove_if_empty and not self._entries:
                try:
                    os.unlink(self.path)
                except OSError:
                    pass
            os.close(self._fd)
        finally:
            self._fd = None
            self._unlock()


def _adopt_orphans(spool: FileSpool, stem_path: str) -> None:
    """Move the waiting batches of `<stem>.<pid>.jsonl` files whose logger is gone into `spool`."""
    def modified(path: str) -> float:
        try:
            return os.path.getmtime(path)
        except OSError:
            return 0.0

    for path in sorted(glob.glob(glob.escape(stem_path) + ".*.jsonl"), key=modified):
        try:
            orphan = FileSpool(path, max_bytes=1 << 62)
        except (SpoolBusy, OSError):
            continue
        try:
            moved = 0
            for line, kind, key, count in list(orphan.lines()):
                if not spool.append_line(line, kind, key, count):
                    break
                spool.recovered.append((kind, count))
                moved += 1
            for _ in range(moved):
                orphan.pop()
        finally:
            orphan.close()


def open_spool(directory: str, job_id: str, base_url: str, max_bytes: int) -> FileSpool:
    """The spool file of this job: the main one, or a per-process one when another logger owns it.
    Raises OSError when the directory cannot be used."""
    prepare_directory(directory)
    stem_path = os.path.join(directory, file_stem(job_id, base_url))
    try:
        spool = FileSpool(stem_path + ".jsonl", max_bytes)
    except SpoolBusy:
        return FileSpool("%s.%d.jsonl" % (stem_path, os.getpid()), max_bytes)
    try:
        _adopt_orphans(spool, stem_path)
    except OSError:
        pass
    return spool
