"""HTTP to the Trainwatch functions, and the retry policy: what a failed request means and how long to wait.

`HttpTransport.send` makes exactly one POST of one batch (urllib, standard library only) and sorts the
answer into an `Outcome`: sent (2xx), retry (connection errors, timeouts, 408, 429, 5xx) or reject
(any other status, redirects included: the server will never take this batch, so the worker sets it aside
in the dead-letter file). It never raises and never sleeps. `RetryPolicy` says how long to wait before the
next try: exponential backoff with full jitter, or what the server's Retry-After says; and after how many
equal 500/501 answers a batch counts as one the server cannot take (`dead_letter_after`). The loop that
retries lives in the worker, not here.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Optional

from .batching import Batch
from .kinds import KIND

SENT, RETRY, REJECT = "sent", "retry", "reject"

#: Statuses that can mean "this batch" rather than "this server": the server failed on the request itself.
#: 502, 503 and 504 (a proxy without a backend, an unavailable database, a timeout) and connection errors
#: mean the server is unavailable, whatever the batch; they never count towards `dead_letter_after`.
BATCH_ERRORS = (500, 501)

#: How much of an error answer's body is read and kept (bytes).
ERROR_BODY_BYTES = 4096


class RetryPolicy:
    """Exponential backoff with full jitter: before try n+1 after n failures in a row, a uniformly
    random wait between 0 and min(cap, base * 2**(n-1)) seconds. A Retry-After from the server is
    honoured instead, up to `max_retry_after` seconds. Tests pass small numbers to run fast.

    `dead_letter_after` (8 tries, at least 1) bounds how often one batch is retried when the server
    answers it with the same 500 or 501 every time: a body the server fails on must not hold up every
    later point of the run. Once the batch has had that many equal answers in a row, each further such
    answer is followed at once by one try of the next waiting batch: if the server takes that one (or
    refuses it with a 4xx), the failing batch is tried once more at once and, answered the same again,
    set aside in the dead-letter file, and sending goes on. If the next batch fails too, the server is
    failing, not the batch (a broken deploy, a crashing function answer 500 to everything): both wait
    and are spooled as in an outage, and nothing is set aside; so do two bad batches in a row, and a
    bad batch with nothing after it yet. 502, 503, 504, timeouts and connection errors mean an
    unavailable server and never count: they are retried for as long as the run lasts. With the
    default backoff, 8 tries take about 30 s (at most about a minute): a server restarting or a
    deploy's burst of 500s is waited out, while a batch the server cannot take holds up the live view
    for about half a minute, once.
    """

    def __init__(self, base: float = 0.5, cap: float = 30.0, max_retry_after: float = 300.0,
                 dead_letter_after: int = 8) -> None:
        if base <= 0 or cap <= 0 or max_retry_after < 0:
            raise ValueError("base and cap must be positive, max_retry_after not negative")
        if int(dead_letter_after) < 1:
            raise ValueError("dead_letter_after must be at least 1")
        self.base = float(base)
        self.cap = float(cap)
        self.max_retry_after = float(max_retry_after)
        self.dead_letter_after = int(dead_letter_after)

    def ceiling(self, failures: int) -> float:
        """The longest wait after `failures` failures in a row."""
        exponent = min(max(failures, 1) - 1, 62)
        return min(self.cap, self.base * (2.0**exponent))

    def delay(self, failures: int, retry_after: Optional[float] = None, rng: random.Random = None) -> float:
        """Seconds to wait before the next try."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return (rng or random).uniform(0.0, self.ceiling(failures))

    def __repr__(self) -> str:
        return "RetryPolicy(base=%g, cap=%g, max_retry_after=%g, dead_letter_after=%d)" % (
            self.base, self.cap, self.max_retry_after, self.dead_letter_after)


class Outcome:
    """What one try did: `status` is SENT, RETRY or REJECT; `reason` says why for people; `http_status`
    is the answer's status when there was one; `retry_after` is the server's Retry-After in seconds;
    `body` is the text of an error answer (its first ERROR_BODY_BYTES bytes, decoded as UTF-8 with
    replacement; "" for a success or when there was no answer)."""

    __slots__ = ("status", "reason", "http_status", "retry_after", "body")

    def __init__(self, status: str, reason: str = "", http_status: Optional[int] = None,
                 retry_after: Optional[float] = None, body: str = "") -> None:
        self.status = status
        self.reason = reason
        self.http_status = http_status
        self.retry_after = retry_after
        self.body = body

    def __repr__(self) -> str:
        return "Outcome(%s, %r, %r, %r)" % (self.status, self.reason, self.http_status, self.retry_after)


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds from a Retry-After header: a number of seconds, or an HTTP date; None if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
        return seconds if seconds >= 0 else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _error_text(body: bytes) -> str:
    """The server's `error` and `message` from an error body, or the start of the body."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
        if isinstance(data, dict) and ("error" in data or "message" in data):
            return "%s: %s" % (data.get("error", ""), data.get("message", ""))
    except ValueError:
        pass
    return body[:200].decode("utf-8", "replace").strip()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would follow a 301/302 to a POST with a GET and report success: a redirect is an answer
    the batch cannot be stored from, so it is rejected, naming where it pointed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class HttpTransport:
    """POSTs batches for one job to `{base_url}/api/v1/training/jobs/{job_id}/{metrics|logs}`, with
    Content-Type application/json, the batch's Idempotency-Key, and `Authorization: Bearer <token>`
    when a token is given. Safe to use from one thread at a time."""

    def __init__(self, base_url: str, job_id: str, token: Optional[str] = None,
                 user_agent: str = "trainwatch-python") -> None:
        self.base_url = base_url.rstrip("/")
        self.job_id = str(job_id)
        job = urllib.parse.quote(self.job_id, safe="")
        self._urls = {kind: "%s/api/v1/training/jobs/%s/%s" % (self.base_url, job, path) for kind, path in ((k, v.path) for k, v in KIND.items())}
        self._headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": user_agent}
        if token:
            self._headers["Authorization"] = "Bearer " + token

    def url(self, kind: str) -> str:
        return self._urls[kind]

    def send(self, batch: Batch, timeout: float) -> Outcome:
        """One try at sending `batch`, waiting at most about `timeout` seconds for each network step."""
        headers = dict(self._headers)
        headers["Idempotency-Key"] = batch.key
        request = urllib.request.Request(self._urls[batch.kind], data=batch.body, headers=headers, method="POST")
        try:
            with _opener.open(request, timeout=max(timeout, 0.001)) as response:
                response.read()
                return Outcome(SENT, "HTTP %d" % response.status, response.status)
        except urllib.error.HTTPError as error:
            code = error.code
            raw = b""
            try:
                raw = error.read(ERROR_BODY_BYTES) or b""
                text = _error_text(raw)
            except Exception:  # the body of a refusal is only for the message
                text = ""
            finally:
                error.close()
            body = raw.decode("utf-8", "replace")
            reason = ("HTTP %d %s" % (code, text)).strip()
            if 300 <= code < 400 and error.headers.get("Location"):
                reason += " (redirected to %s: point TRAINWATCH_URL there)" % error.headers.get("Location")
            if code in (408, 429) or 500 <= code <= 599:
                return Outcome(RETRY, reason, code, parse_retry_after(error.headers.get("Retry-After")), body)
            return Outcome(REJECT, reason, code, body=body)
        except (urllib.error.URLError, http.client.HTTPException, socket.timeout, OSError) as error:
            cause = getattr(error, "reason", None) or error
            return Outcome(RETRY, "%s: %s" % (type(cause).__name__, cause))
        except Exception as error:  # never let a transport problem reach training
            return Outcome(RETRY, "%s: %s" % (type(error).__name__, error))
