"""Stalled browsers: what 1,000 sockets that never read cost the relay, and what a fast socket sees meanwhile.

Starts the functions and the relay (bench ports, database and key prefix), runs --jobs local jobs (a `sleep`,
cancelled at the end) and opens --stalled sockets spread over them that never read a byte, plus one socket on
the first job that reads everything. Then it posts batches of points to every job for --seconds. Every second,
it samples the relay's heap (jcmd GC.heap_info; every fifth sample after a full GC, which is what is really held)
and its open connections (/q/metrics). At the end it reads the heap after a full GC.

Each socket may queue at most trainwatch.relay.max-pending-bytes (256 KiB) in the relay. A socket over that is
closed with 4001. So what the stalled sockets can hold is bounded by sockets × 256 KiB, and this shows how much
of that bound is used.

Usage: ./trainwatch bench stalled [--stalled 1000] [--jobs 10] [--seconds 30] [--batch 500]
       (writes bench/results/stalled.json)
"""

import argparse
import json
import re
import statistics
import subprocess
import threading
import time
import urllib.request

from benchlib import (APPS, ENV, FUNCTIONS_PORT, RELAY_PORT, ROOT, WebSocket, http_json, machine, rss_kib, spawn,
                      stop, token, wait_ready, write_results)

JOBS = f"http://localhost:{FUNCTIONS_PORT}/api/v1/training/jobs"
WORK = ROOT / ".run" / "bench" / "stalled"


def heap_used_mib(pid, collect_first=False):
    """The relay's used heap; after a full GC (what is really held) when collect_first."""
    if collect_first:
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    match = re.search(r"used (\d+)K", out)
    return int(match.group(1)) / 1024 if match else float("nan")


def connections():
    with urllib.request.urlopen(f"http://localhost:{RELAY_PORT}/q/metrics", timeout=5) as answer:
        for line in answer.read().decode().splitlines():
            if line.startswith("trainwatch_relay_connections"):
                return int(float(line.split()[-1]))
    return -1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stalled", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    api = {"Authorization": "Bearer " + token()}
    java = "java"
    with open(WORK / "functions.log", "w") as flog, open(WORK / "relay.log", "w") as rlog:
        functions = spawn(java, APPS["functions"], [], ENV, flog)
        relay = spawn(java, APPS["relay"], [], ENV, rlog)
        try:
            wait_ready(FUNCTIONS_PORT)
            wait_ready(RELAY_PORT)
            run(args, api, relay)
        finally:
            stop(relay)
            stop(functions)


def run(args, api, relay):
    submission = {"model_name": "stalled", "framework": "bench", "dataset_path": "none", "num_epochs": 1,
                  "batch_size": 1, "executor_type": "local", "command": ["sleep", "600"]}
    jobs = [http_json("POST", JOBS, submission, api)[1]["job_id"] for _ in range(args.jobs)]
    tokens = {job: token("--job", str(job)) for job in jobs}
    baseline_heap = heap_used_mib(relay.pid, collect_first=True)

    stalled = []
    for i in range(args.stalled):
        job = jobs[i % len(jobs)]
        stalled.append(WebSocket("localhost", RELAY_PORT, f"/api/v1/ws/training?job_id={job}&token={tokens[job]}"))
    fast = WebSocket("localhost", RELAY_PORT, f"/api/v1/ws/training?job_id={jobs[0]}&token={tokens[jobs[0]]}")
    fast.receive()  # connected
    opened = connections()

    posted = {}  # step of a batch's last point (first job) -> when its request began
    latencies, seen = [], {"count": 0}
    stop_reading = threading.Event()

    def read_fast():
        while not stop_reading.is_set():
            try:
                message = json.loads(fast.receive())
            except (ConnectionError, OSError):
                return
            if message.get("type") == "training_metrics":
                seen["count"] += 1
                sent = posted.pop(message["metrics"].get("step"), None) if message["job_id"] == jobs[0] else None
                if sent is not None:
                    latencies.append((time.monotonic() - sent) * 1000)

    reader = threading.Thread(target=read_fast, daemon=True)
    reader.start()

    samples, points, began, batch_no = [], 0, time.monotonic(), 0
    next_sample = began
    while time.monotonic() - began < args.seconds:
        job = jobs[batch_no % len(jobs)]
        batch_no += 1
        batch = [{"epoch": 1, "step": batch_no * args.batch + i, "metrics": {"loss": 0.5, "acc": 0.5,
                  "lr": 0.001, "grad_norm": 1.25}} for i in range(args.batch)]
        if job == jobs[0]:
            posted[batch[-1]["step"]] = time.monotonic()
        http_json("POST", f"{JOBS}/{job}/metrics", {"points": batch}, api, timeout=30)
        points += args.batch
        if time.monotonic() >= next_sample:
            live = len(samples) % 5 == 4  # every fifth sample: after a full GC, what is really held
            samples.append({"t": round(time.monotonic() - began, 1), "live": live,
                            "heap_mib": round(heap_used_mib(relay.pid, collect_first=live)),
                            "rss_mib": round(rss_kib(relay.pid) / 1024), "connections": connections()})
            print(f"  t={samples[-1]['t']:5.1f}s heap {samples[-1]['heap_mib']:5d} MiB{' (live)' if live else ''}, "
                  f"RSS {samples[-1]['rss_mib']:5d} MiB, sockets open {samples[-1]['connections']}", flush=True)
            next_sample += 1
    elapsed = time.monotonic() - began
    time.sleep(2)
    stop_reading.set()
    subprocess.run(["jcmd", str(relay.pid), "GC.run"], capture_output=True)
    after_gc = heap_used_mib(relay.pid)
    remaining = connections()
    for socket in stalled:
        socket.close()
    fast.close()
    for job in jobs:
        http_json("POST", f"{JOBS}/{job}/cancel", None, api)

    result = {
        "machine": machine(), "stalled_sockets": args.stalled, "jobs": args.jobs, "seconds": round(elapsed, 1),
        "points_posted": points, "points_per_second": round(points / elapsed),
        "relay_heap_mib": {"before_sockets": round(baseline_heap), "peak": max(s["heap_mib"] for s in samples),
                           "peak_live": max(s["heap_mib"] for s in samples if s["live"]),
                           "after_full_gc": round(after_gc)},
        "relay_rss_mib_peak": max(s["rss_mib"] for s in samples),
        "sockets_open": {"after_opening": opened, "at_end": remaining},
        "fast_socket": {"events_received": seen["count"], "batches_timed": len(latencies),
                        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
                        "latency_ms_max": round(max(latencies), 1) if latencies else None},
        "samples": samples,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))
    print(f"written to {write_results('stalled', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
