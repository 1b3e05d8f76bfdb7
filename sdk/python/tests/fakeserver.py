"""A stand-in for the Trainwatch functions' ingest endpoints, on 127.0.0.1, that tests can make misbehave.

It stores the bodies it accepts per kind in arrival order and, as the real server does, stores a batch whose
Idempotency-Key it has already stored only once (answering 200 again). Every request is recorded. A
test programs failures with `fail_next(n, action)` or a `rule(kind, request_number)` callable answering
an action:

- ("status", code, headers, body): answer that instead of storing
- ("delay", seconds): wait, then handle normally
- ("store_then_drop",): store, then close the connection without an answer (a lost response)
- ("hang", seconds): wait, then close without storing or answering
- None: handle normally

`stop()` closes the socket (connections are then refused); `start()` opens it again on the same port.
Like the real server, it answers 413 to a body over 4 MiB (`trainwatch.http.max-body-bytes`), and counts
those in `too_large`.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = re.compile(r"^/api/v1/training/jobs/([^/]+)/(metrics|logs)$")
MAX_BODY_BYTES = 4_194_304


class Request:
    def __init__(self, kind, job, key, count, headers, raw, at):
        self.kind, self.job, self.key, self.count, self.headers, self.raw, self.at = kind, job, key, count, headers, raw, at


class FakeServer:
    def __init__(self, jobs=("1",)):
        self.jobs = set(str(job) for job in jobs)
        self.lock = threading.Lock()
        self.stored = {"metrics": [], "logs": []}
        self.counts = {"metrics": 0, "logs": 0}
        self.keys = set()
        self.requests = []
        self.too_large = 0
        self.rule = None
        self._queued_actions = []
        self.port = 0
        self._server = None
        self._thread = None
        self.start()

    # -- control

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def fail_next(self, count, action):
        with self.lock:
            self._queued_actions.extend([action] * count)

    def _items(self, kind):
        with self.lock:
            bodies = list(self.stored[kind])
        field = "points" if kind == "metrics" else "logs"
        return [item for body in bodies for item in json.loads(body)[field]]

    def count(self, kind="metrics"):
        """How many items of `kind` are stored, without parsing them."""
        with self.lock:
            return self.counts[kind]

    def points(self):
        """The stored points, in the order stored."""
        return self._items("metrics")

    def logs(self):
        """The stored log entries, in the order stored."""
        return self._items("logs")

    def requests_of(self, kind):
        with self.lock:
            return [request for request in self.requests if request.kind == kind]

    def wait_for(self, predicate, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.01)
        return predicate()

    # -- the handler

    def _action(self, kind, number):
        with self.lock:
            if self._queued_actions:
                return self._queued_actions.pop(0)
        if self.rule is not None:
            return self.rule(kind, number)
        return None

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, code, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                if length > MAX_BODY_BYTES:
                    self.rfile.read(length)  # so that the client, still sending, gets the answer
                    with fake.lock:
                        fake.too_large += 1
                    return self._answer(413, {"error": "payload_too_large", "message": "over 4 MiB"})
                raw = self.rfile.read(length)
                match = PATH.match(self.path)
                if not match:
                    return self._answer(404, {"error": "not_found", "message": "no such path"})
                job, kind = match.group(1), match.group(2)
                key = self.headers.get("Idempotency-Key")
                try:
                    body = json.loads(raw)  # accepts bare NaN and Infinity, as the real server does
                    items = body["points" if kind == "metrics" else "logs"]
                except (ValueError, KeyError, TypeError):
                    return self._answer(400, {"error": "malformed_json", "message": "bad body"})
                with fake.lock:
                    number = len(fake.requests)
                    fake.requests.append(Request(kind, job, key, len(items), dict(self.headers), raw, time.monotonic()))
                action = fake._action(kind, number)
                if action and action[0] == "delay":
                    time.sleep(action[1])
                    action = None
                if action and action[0] == "hang":
                    time.sleep(action[1])
                    self.close_connection = True
                    return
                if action and action[0] == "status":
                    _, code, headers, payload = action
                    return self._answer(code, payload, headers)
                if job not in fake.jobs:
                    return self._answer(404, {"error": "not_found", "message": "no job %s" % job})
                if self.headers.get("Content-Type") != "application/json":
                    return self._answer(415, {"error": "unsupported_media_type", "message": "json only"})
                with fake.lock:
                    if key is None or key not in fake.keys:
                        if key is not None:
                            fake.keys.add(key)
                        # Kept as sent and parsed when asked, so that a test's stored points do not
                        # slow the garbage collector of the process it measures.
                        fake.stored[kind].append(raw)
                        fake.counts[kind] += len(items)
                if action and action[0] == "store_then_drop":
                    self.close_connection = True
                    return
                return self._answer(200, {"status": "ok"})

        return Handler
