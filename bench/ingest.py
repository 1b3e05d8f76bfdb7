"""Ingest throughput and latency: closed-loop clients posting metric batches to the functions.

Starts the functions (bench port, database and key prefix; the per-job rate limit lifted), then for each batch
size in --batches, runs --clients threads. Each thread posts batches of that many points (4 metrics each) to
its own job with that job's ingest token (as a trainer does), over one keep-alive connection, for --seconds. It reports points stored per second, request
latency p50/p99/max, and the CPU each process used (functions, PostgreSQL, Redis, this load generator) as a
share of one core. Every point is stored in PostgreSQL and published to Redis before its request is answered.

Each batch size runs twice, side by side: with the jobs' alert rules off ("alerts": nan and divergence off, so
nothing is evaluated on the ingest path) and on (the defaults: every point's `loss` goes through the nan and
divergence rules, one more transaction per batch), which is what the rules cost on the ingest path.

Usage: ./trainwatch bench ingest [--clients 4] [--seconds 15] [--batches 1,100,1000]
       (writes bench/results/ingest.json)
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import threading
import time
from pathlib import Path

from benchlib import (APPS, ENV, ROOT, http_json, machine, spawn, stop, token, wait_ready, write_results)
from benchlib import FUNCTIONS_PORT as PORT

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except (FileNotFoundError, IndexError):
            pass
    return total / TICKS


def pids_of(name):
    out = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_size(size, args, jobs, api):
    body_of = {}
    for job in jobs:
        points = [{"epoch": 1, "step": i, "metrics": {"loss": 0.5, "accuracy": 0.75, "lr": 0.001,
                                                       "grad_norm": 1.5}} for i in range(size)]
        body_of[job] = json.dumps(points[0] if size == 1 else {"points": points}).encode()
    # Each job reports with its own ingest token, as a trainer does (TRAINWATCH_TOKEN).
    ingest_headers = {job: {"Authorization": "Bearer " + token("--ingest", str(job))} for job in jobs}
    latencies = [[] for _ in jobs]
    failures = [0]
    deadline = time.monotonic() + args.seconds

    def client(index, job):
        connection = http.client.HTTPConnection("localhost", PORT, timeout=30)
        headers = {"Content-Type": "application/json", **ingest_headers[job]}
        while time.monotonic() < deadline:
            began = time.perf_counter()
            connection.request("POST", f"/api/v1/training/jobs/{job}/metrics", body_of[job], headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures[0] += 1
                continue
            latencies[index].append((time.perf_counter() - began) * 1000)
        connection.close()

    processes = {"functions": [FUNCTIONS.pid], "postgresql": pids_of("postgres"),
                 "redis": pids_of("redis-server"), "load generator": [os.getpid()]}
    cpu_before = {name: cpu_seconds(pids) for name, pids in processes.items()}
    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    cpu = {name: round((cpu_seconds(pids) - cpu_before[name]) / elapsed, 2) for name, pids in processes.items()}
    every = [ms for per_client in latencies for ms in per_client]
    return {"batch_points": size, "clients": len(jobs), "seconds": round(elapsed, 1), "requests": len(every),
            "refused": failures[0], "points_per_second": round(len(every) * size / elapsed),
            "latency_ms": {"p50": round(statistics.median(every), 2), "p99": round(percentile(every, 0.99), 2),
                           "max": round(max(every), 2)},
            "cpu_cores": cpu}


FUNCTIONS = None


def main():
    global FUNCTIONS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--batches", default="1,100,1000")
    args = parser.parse_args()
    api = {"Authorization": "Bearer " + token()}
    work = ROOT / ".run" / "bench" / "ingest"
    work.mkdir(parents=True, exist_ok=True)
    with open(work / "functions.log", "w") as log:
        FUNCTIONS = spawn("java", APPS["functions"], [], ENV, log)
        try:
            wait_ready(PORT)
            submission = {"model_name": "ingest-bench", "framework": "bench", "dataset_path": "none",
                          "num_epochs": 1, "batch_size": 1, "executor_type": "local", "command": ["sleep", "3600"]}
            rules = {"off": {"alerts": {"nan": False, "divergence": False}}, "on": {}}
            jobs_of = {name: [http_json("POST", f"http://localhost:{PORT}/api/v1/training/jobs",
                                        {**submission, **extra}, api)[1]["job_id"] for _ in range(args.clients)]
                       for name, extra in rules.items()}
            rows = []
            for size in [int(s) for s in args.batches.split(",")]:
                for name, jobs in jobs_of.items():
                    run_size(size, argparse.Namespace(seconds=3), jobs, api)  # warm-up, not reported
                    rows.append({"alert_rules": name, **run_size(size, args, jobs, api)})
                    row = rows[-1]
                    print(f"batch {size:5d}, rules {name:3s}: {row['points_per_second']:8d} points/s, "
                          f"p50 {row['latency_ms']['p50']} ms, p99 {row['latency_ms']['p99']} ms, "
                          f"max {row['latency_ms']['max']} ms, cpu {row['cpu_cores']}", flush=True)
            for job in [job for jobs in jobs_of.values() for job in jobs]:
                http_json("POST", f"http://localhost:{PORT}/api/v1/training/jobs/{job}/cancel", None, api)
        finally:
            stop(FUNCTIONS)
    print()
    print("| batch (points) | alert rules | points stored/s | p50 | p99 | max "
          "| CPU: functions / PostgreSQL / Redis / generator (cores) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        c = row["cpu_cores"]
        print(f"| {row['batch_points']} | {row['alert_rules']} | {row['points_per_second']:,} | {row['latency_ms']['p50']} ms "
              f"| {row['latency_ms']['p99']} ms | {row['latency_ms']['max']} ms "
              f"| {c['functions']} / {c['postgresql']} / {c['redis']} / {c['load generator']} |")
    print(f"\nwritten to {write_results('ingest', {'machine': machine(), 'rows': rows}).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
