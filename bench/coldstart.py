"""Cold start of the functions and the relay: process start to first successful real request, and RSS then.

For each application and mode, the median of --runs starts. A mode's first real request is, for the functions,
a job submission answered 201 (PostgreSQL written, Redis published); for the relay, a WebSocket that receives
its "connected" frame (Redis subscription confirmed). Each mode runs from its own copy of target/quarkus-app,
copied with cp -a: a JVM cache is silently ignored when the jars' timestamps change.

Modes:
  fast-jar  JDK 17   Quarkus's default packaging.
  fast-jar  JDK 25
  AppCDS    JDK 17   class data archived at the exit of a training run (-XX:ArchiveClassesAtExit).
  AOT cache JDK 25   JEP 483/515 cache written at the exit of a training run (-XX:AOTCacheOutput).
A "C1" mode adds -XX:TieredStopAtLevel=1 -XX:+UseSerialGC, the usual flags for short-lived JVMs such as Lambda's.
The training run serves the same kind of requests as production: submissions, ingest batches, reads, sockets.

With --baseline DIR (another checkout, built), the functions of that build are timed too, in the same run, on
their own database (trainwatch_bench_baseline), e.g. a build that still migrated its schema at start.

Usage: ./trainwatch bench coldstart [--runs N] [--apps functions,relay] [--baseline DIR]
       (writes bench/results/coldstart.json)
"""

import argparse
import json
import shutil
import subprocess
import time
import urllib.error
from pathlib import Path

from benchlib import (APPS, ENV, FUNCTIONS_PORT, RELAY_PORT, ROOT, WebSocket, baseline, http_json, machine,
                      median, rss_kib, spawn, stop, token, write_results)

WORK = ROOT / ".run" / "bench" / "coldstart"
JDK25 = Path("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
JOBS = f"http://localhost:{FUNCTIONS_PORT}/api/v1/training/jobs"
API = {"Authorization": "Bearer " + token()}
RELAY_TOKEN = token("--job", "1")
SUBMISSION = {"model_name": "coldstart", "framework": "pytorch", "dataset_path": "/dev/null", "num_epochs": 1,
              "batch_size": 1, "executor_type": "local", "command": ["true"]}


def first_functions_answer():
    status, body = http_json("POST", JOBS, SUBMISSION, API)
    return status == 201 and body["job_id"] > 0


def first_relay_answer():
    socket = WebSocket("localhost", RELAY_PORT, f"/api/v1/ws/training?job_id=1&token={RELAY_TOKEN}")
    try:
        return json.loads(socket.receive())["type"] == "connected"
    finally:
        socket.close()


FIRST = {"functions": first_functions_answer, "relay": first_relay_answer}


def until_answered(app, process, deadline_s=90):
    """Milliseconds from now until the app's first real request succeeds, and the RSS (KiB) at that moment."""
    began = time.monotonic()
    while time.monotonic() - began < deadline_s:
        if process.poll() is not None:
            raise RuntimeError(f"{app} exited with {process.returncode}")
        try:
            if FIRST[app]():
                return (time.monotonic() - began) * 1000, rss_kib(process.pid)
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.002)
    raise RuntimeError(f"{app} did not answer within {deadline_s} s")


def train(app):
    """A production-like workload, so the cache holds what requests load and compile, not start-up alone."""
    if app == "functions":
        for _ in range(5):
            _, job = http_json("POST", JOBS, SUBMISSION, API)
            job_id = job["job_id"]
            for step in range(20):
                points = [{"epoch": 1, "step": step * 100 + i, "metrics": {"loss": 1 / (i + 1), "acc": 0.5}}
                          for i in range(100)]
                http_json("POST", f"{JOBS}/{job_id}/metrics", {"points": points}, API)
                http_json("POST", f"{JOBS}/{job_id}/logs", {"logs": [{"message": f"step {step}"}]}, API)
            for path in ("", "/metrics", "/logs", "/events?since=0"):
                http_json("GET", f"{JOBS}/{job_id}{path}", headers=API)
            http_json("GET", JOBS, headers=API)
    else:
        for i in range(20):
            socket = WebSocket("localhost", RELAY_PORT,
                               f"/api/v1/ws/training?job_id=1&since=0&token={RELAY_TOKEN}")
            socket.receive()
            socket.send(json.dumps({"type": "subscribe", "job_id": i + 100, "since": 0,
                                    "token": token("--job", str(i + 100))}))
            socket.send(json.dumps({"type": "ping"}))
            socket.receive()
            socket.close()


# The flags AWS suggests for Lambda's short-lived JVMs: C1 only, and the serial collector (one core's worth of work).
SHORT_LIVED = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def modes(java17):
    """(mode, JDK, java, run flags, training flags or None). A cache is trained with the flags it runs with."""
    found = [("fast-jar", "17", java17, [], None),
             ("fast-jar C1", "17", java17, SHORT_LIVED, None)]
    if JDK25.exists():
        found.append(("fast-jar", "25", str(JDK25), [], None))
    found.append(("AppCDS", "17", java17, ["-XX:SharedArchiveFile=app-cds.jsa"],
                  ["-XX:ArchiveClassesAtExit=app-cds.jsa"]))
    if JDK25.exists():
        found.append(("AOT cache", "25", str(JDK25), ["-XX:AOTCache=app.aot"], ["-XX:AOTCacheOutput=app.aot"]))
        found.append(("AOT cache C1", "25", str(JDK25), ["-XX:AOTCache=app.aot", *SHORT_LIVED],
                      ["-XX:AOTCacheOutput=app.aot", *SHORT_LIVED]))
    return found


def prepare(build, app, mode, jdk, java, training_flags):
    """A copy of the app for this mode (cp -a keeps timestamps); trained once when the mode has a cache."""
    label, app_dir, env = build
    target = WORK / label.replace(" ", "-") / f"{mode.replace(' ', '-')}-{jdk}"
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(app_dir), str(target)], check=True)
    if training_flags:
        with open(target / "training.log", "w") as log:
            process = spawn(java, target, training_flags, env, log)
            try:
                until_answered(app, process)
                train(app)
            finally:
                stop(process, timeout=300)
    return target


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--apps", default="functions,relay")
    parser.add_argument("--baseline", help="another checkout, built, whose functions are timed in the same run")
    args = parser.parse_args()
    java17 = shutil.which("java")
    builds = [(app, app, APPS[app], ENV) for app in args.apps.split(",")]
    if args.baseline and "functions" in args.apps.split(","):
        app_dir, env = baseline(args.baseline)
        builds.insert(1, (f"functions ({Path(args.baseline).resolve().name})", "functions", app_dir, env))
    rows = []
    for label, app, app_dir, env in builds:
        for mode, jdk, java, flags, training in modes(java17):
            target = prepare((label, app_dir, env), app, mode, jdk, java, training)
            times, rss = [], []
            for run in range(args.runs):
                with open(target / f"run-{run}.log", "w") as log:
                    process = spawn(java, target, flags, env, log)
                    try:
                        ms, kib = until_answered(app, process)
                    finally:
                        stop(process)
                times.append(ms)
                rss.append(kib)
            rows.append({"app": label, "mode": mode, "jdk": jdk, "flags": flags, "runs": args.runs,
                         "first_answer_ms_median": round(median(times)), "first_answer_ms": [round(t) for t in times],
                         "rss_mib_median": round(median(rss) / 1024), "rss_mib": [round(r / 1024) for r in rss]})
            print(f"{label:9} {mode:12} JDK {jdk}: {rows[-1]['first_answer_ms_median']:5d} ms, "
                  f"{rows[-1]['rss_mib_median']:4d} MiB (runs: {rows[-1]['first_answer_ms']})", flush=True)
    print()
    print("| app | mode | JDK | process start to first answer (median) | RSS then (median) |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(f"| {row['app']} | {row['mode']} | {row['jdk']} | {row['first_answer_ms_median']} ms "
              f"| {row['rss_mib_median']} MiB |")
    path = write_results("coldstart", {"machine": machine(), "rows": rows})
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
