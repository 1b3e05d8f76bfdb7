"""What the benchmarks share: the apps as processes, a minimal WebSocket client, and result output.

Standard library only. A benchmark prints figures; it asserts nothing about them."""

import base64
import json
import os
import signal
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
APPS = {"functions": ROOT / "functions" / "target" / "quarkus-app",
        "relay": ROOT / "ws-relay" / "target" / "quarkus-app"}
FUNCTIONS_PORT, RELAY_PORT = 28081, 28080
# What every benchmark runs the apps with: its own ports, database and key prefix (a system started by
# ./trainwatch up is left alone), no timed sweep, the per-job ingest rate limit lifted, and the local executor on
# for the benchmarks' stand-in jobs (`sleep`), as many as they start.
ENV = {"FUNCTIONS_PORT": str(FUNCTIONS_PORT), "RELAY_PORT": str(RELAY_PORT), "POSTGRES_DB": "trainwatch_bench",
       "TRAINWATCH_KEY_PREFIX": "twbench", "TRAINWATCH_SWEEP_SCHEDULED": "false",
       "TRAINWATCH_LOCAL_WORKDIR": str(ROOT), "TRAINWATCH_JOB_RATE": "100000000",
       "TRAINWATCH_EXECUTOR_LOCAL_ENABLED": "true", "TRAINWATCH_EXECUTOR_LOCAL_MAX_PROCESSES_PER_PROJECT": "100000"}


def rss_kib(pid):
    """Resident set size of a process, in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def spawn(java, app_dir, flags, env, log):
    """Starts quarkus-run.jar in app_dir (its working directory, so relative cache paths resolve)."""
    return subprocess.Popen([java, *flags, "-jar", "quarkus-run.jar"], cwd=app_dir,
                            env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(port, seconds=60):
    """Waits until the app on `port` reports ready (/q/health/ready)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/q/health/ready", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing ready on port {port} within {seconds} s")


def stop(process, timeout=60):
    """SIGTERM, as Kubernetes and Lambda stop a process; waits for it to exit (a JVM writes its caches then)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def baseline(checkout):
    """Another build of the functions to measure beside this one: (its quarkus-app, the environment to run it
    with). It gets its own database, trainwatch_bench_baseline, migrated by its own migration step when it has
    one (a build from before the step migrated at start)."""
    base = Path(checkout).resolve()
    env = {**ENV, "POSTGRES_DB": "trainwatch_bench_baseline"}
    subprocess.run(["psql", "-h", os.environ.get("POSTGRES_HOST", "localhost"), "-U", "postgres", "-qc",
                    "CREATE DATABASE trainwatch_bench_baseline"], capture_output=True)
    step = base / "migrations" / "target" / "trainwatch-migrations.jar"
    if step.exists():
        subprocess.run(["java", "-jar", str(step)], env={**os.environ, **env}, check=True)
    return base / "functions" / "target" / "quarkus-app", env


def http_json(method, url, body=None, headers=None, timeout=5):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read() or b"null")


class WebSocket:
    """A minimal RFC 6455 client: enough to open a socket, send text frames and read the server's."""

    def __init__(self, host, port, path, timeout=5):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            head += chunk
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise ConnectionError(status.decode(errors="replace"))
        self.buffer = head.split(b"\r\n\r\n", 1)[1]

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self):
        """The next text message (server frames are unmasked); raises on a close frame."""
        first, second = self._read(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(self._read(2), "big")
        elif length == 127:
            length = int.from_bytes(self._read(8), "big")
        payload = self._read(length)
        if first & 0x0F == 8:
            raise ConnectionError(f"closed by the server: {payload[2:].decode(errors='replace')}")
        return payload.decode()

    def send(self, text):
        payload, mask = text.encode(), os.urandom(4)
        length = len(payload)
        head = bytes([0x81]) + (bytes([0x80 | length]) if length < 126
                                else bytes([0x80 | 126]) + length.to_bytes(2, "big"))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def close(self):
        self.sock.close()


def token(*args):
    """A token from ./trainwatch token (an API token; --job N or --session N for the relay)."""
    return subprocess.run([str(ROOT / "trainwatch"), "token", *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def median(values):
    return statistics.median(values) if values else float("nan")


def write_results(name, payload):
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def machine():
    cores = os.cpu_count()
    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    return f"{cores} cores, {int(mem) // 1024 // 1024} GiB, {os.uname().sysname} {os.uname().release}"
