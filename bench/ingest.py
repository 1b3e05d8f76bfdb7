"""Ingest throughput and latency: closed-loop clients posting metric batches to the functions.

Starts the functions (bench port, database and key prefix; the per-job rate limit lifted), then for each batch
size in --batches, runs --clients threads. Each thread posts batches of that many points (4 metrics each) to
its own job with that job's ingest token (as a trainer does), over one keep-alive connection, for --seconds. It reports points stored per second, request
latency p50/p99/max, and the CPU each process used (functions, PostgreSQL, Redis, this load generator) as a
share of one core. Every point is stored in PostgreSQL and published to Redis before its request is answered.

Each batch size runs twice, side by side: with the jobs' alert rules off ("alerts": nan and divergence off, so
nothing is evaluated on the ingest path) and on (the defaults: every point's `loss` goes through the nan and
divergence rules, one more transaction per batch), which is what the rules cost on the ingest path.

With --baseline DIR (another checkout, built: DIR/functions/target/quarkus-app), each batch size runs on that
build too, in the same run, against its own database (trainwatch_bench_baseline, which its own start-up or
migration step keeps), so the two are measured side by side on the same machine state. Besides points/s and
latency, each row gives the functions' CPU per request and PostgreSQL's CPU per 1,000 points stored (CPU
seconds of each process over the run, divided by requests or points).

Usage: ./trainwatch bench ingest [--clients 4] [--seconds 15] [--batches 1,100,1000] [--rules off,on]
                                 [--baseline DIR] [--profile FILE.jfr [--profile-delay S]]
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

from benchlib import (APPS, ENV, ROOT, baseline, http_json, machine, spawn, stop, token, wait_ready,
                      write_results)
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

    processes = {"functions": [args.functions.pid], "postgresql": pids_of("postgres"),
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
    per_second = len(every) / elapsed
    return {"batch_points": size, "clients": len(jobs), "seconds": round(elapsed, 1), "requests": len(every),
            "refused": failures[0], "points_per_second": round(per_second * size),
            "latency_ms": {"p50": round(statistics.median(every), 2), "p99": round(percentile(every, 0.99), 2),
                           "max": round(max(every), 2)},
            "cpu_cores": cpu,
            "functions_cpu_ms_per_request": round(cpu["functions"] * 1000 / per_second, 3),
            "postgresql_cpu_ms_per_1000_points": round(cpu["postgresql"] * 1000 / (per_second * size / 1000), 2)}


def bench_build(label, app_dir, env, args, api, log_dir):
    """Starts one build's functions, runs every batch size with and without rules, stops it; the rows."""
    flags = []
    if args.profile:  # one recording per build: FILE.jfr for this build, FILE-baseline.jfr for the other
        path = Path(args.profile)
        recording = path if label == "this build" else path.with_name(path.stem + "-baseline" + path.suffix)
        flags = [f"-XX:StartFlightRecording=filename={recording},settings=profile,delay={args.profile_delay}s"]
    with open(log_dir / f"functions-{env['POSTGRES_DB']}.log", "w") as log:
        functions = spawn("java", app_dir, flags, env, log)
        try:
            wait_ready(PORT)
            submission = {"model_name": "ingest-bench", "framework": "bench", "dataset_path": "none",
                          "num_epochs": 1, "batch_size": 1, "executor_type": "local", "command": ["sleep", "3600"]}
            rules = {"off": {"alerts": {"nan": False, "divergence": False}}, "on": {}}
            jobs_of = {name: [http_json("POST", f"http://localhost:{PORT}/api/v1/training/jobs",
                                        {**submission, **rules[name]}, api)[1]["job_id"] for _ in range(args.clients)]
                       for name in args.rules.split(",")}
            rows = []
            for size in [int(s) for s in args.batches.split(",")]:
                for name, jobs in jobs_of.items():
                    run = argparse.Namespace(seconds=3, functions=functions)
                    run_size(size, run, jobs, api)  # warm-up, not reported
                    run.seconds = args.seconds
                    rows.append({"build": label, "alert_rules": name, **run_size(size, run, jobs, api)})
                    row = rows[-1]
                    print(f"{label}: batch {size:5d}, rules {name:3s}: {row['points_per_second']:8d} points/s, "
                          f"p50 {row['latency_ms']['p50']} ms, p99 {row['latency_ms']['p99']} ms, "
                          f"functions {row['functions_cpu_ms_per_request']} ms CPU/request, "
                          f"PostgreSQL {row['postgresql_cpu_ms_per_1000_points']} ms CPU/1,000 points, "
                          f"cpu {row['cpu_cores']}", flush=True)
            for job in [job for jobs in jobs_of.values() for job in jobs]:
                http_json("POST", f"http://localhost:{PORT}/api/v1/training/jobs/{job}/cancel", None, api)
            return rows
        finally:
            stop(functions)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--batches", default="1,100,1000")
    parser.add_argument("--rules", default="off,on", help="alert rules off, on, or both (off,on)")
    parser.add_argument("--baseline", help="another checkout, built, measured in the same run")
    parser.add_argument("--profile", help="JFR recordings of the functions: FILE.jfr, and FILE-baseline.jfr with "
                        "--baseline (bench/jfr_top.py FILE prints their top frames)")
    parser.add_argument("--profile-delay", type=int, default=0, help="seconds after start before recording")
    args = parser.parse_args()
    api = {"Authorization": "Bearer " + token()}
    work = ROOT / ".run" / "bench" / "ingest"
    work.mkdir(parents=True, exist_ok=True)
    builds = [("this build", APPS["functions"], ENV)]
    if args.baseline:
        app_dir, env = baseline(args.baseline)
        builds.append((f"baseline {Path(args.baseline).resolve().name}", app_dir, env))
    rows = []
    for label, app_dir, env in builds:
        rows += bench_build(label, app_dir, env, args, api, work)
    print()
    print("| build | batch (points) | alert rules | points stored/s | p50 | p99 | max "
          "| functions CPU per request | PostgreSQL CPU per 1,000 points "
          "| CPU: functions / PostgreSQL / Redis / generator (cores) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in sorted(rows, key=lambda r: (r["batch_points"], r["alert_rules"], r["build"] != "this build")):
        c = row["cpu_cores"]
        print(f"| {row['build']} | {row['batch_points']} | {row['alert_rules']} | {row['points_per_second']:,} "
              f"| {row['latency_ms']['p50']} ms | {row['latency_ms']['p99']} ms | {row['latency_ms']['max']} ms "
              f"| {row['functions_cpu_ms_per_request']} ms | {row['postgresql_cpu_ms_per_1000_points']} ms "
              f"| {c['functions']} / {c['postgresql']} / {c['redis']} / {c['load generator']} |")
    print(f"\nwritten to {write_results('ingest', {'machine': machine(), 'rows': rows}).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
