"""A long history drawn at once: GET /metrics/overview on jobs of 100,000 and 1,000,000 points.

Starts the functions (bench port, database and key prefix; the per-job rate limit lifted), stores each job's
points (4 metrics each, batches of 10,000, alert rules off), then times three reads of each: the overview of
`loss` in 1,000 buckets through the API (what a job page draws first), the same overview of a zoomed tenth of
the job in 2,000 buckets, and the job's metric names. Beside the API, through psql: 1,000 buckets from the block
summaries alone (each block put whole in one bucket and no value read: less than the API does, a floor for it) and
from every value (the statement before the summaries). The jobs are deleted at the end.

Usage: ./trainwatch bench overview [--sizes 100000,1000000] [--buckets 1000]
       (writes bench/results/overview.json)
"""

import argparse
import http.client
import json
import subprocess
import time

from benchlib import (APPS, ENV, ROOT, http_json, machine, median, spawn, stop, token, wait_ready, write_results)
from benchlib import FUNCTIONS_PORT as PORT

BATCH = 10_000
JOBS = "/api/v1/training/jobs"

# What the overview computed before the block summaries: every value of the range, bucketed.
FROM_VALUES = """
SELECT count(*), min(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')),
       max(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')),
       (array_agg(value ORDER BY seq DESC))[1], (array_agg(step ORDER BY seq))[1], min(ts)
FROM metric_values, (SELECT min(seq) lo, max(seq) hi FROM metric_values WHERE job_id = {job} AND name = 'loss') r
WHERE job_id = {job} AND name = 'loss'
GROUP BY (seq - r.lo) * {buckets} / (r.hi + 1 - r.lo)
"""
FROM_BLOCKS = """
SELECT sum(count), min(min), max(max), (array_agg(last ORDER BY last_seq DESC))[1],
       (array_agg(step ORDER BY first_seq))[1], min(ts)
FROM metric_blocks, (SELECT min(first_seq) lo, max(last_seq) hi FROM metric_blocks
                     WHERE job_id = {job} AND name = 'loss') r
WHERE job_id = {job} AND name = 'loss'
GROUP BY (first_seq - r.lo) * {buckets} / (r.hi + 1 - r.lo)
"""


def store(connection, api, job, points):
    """Posts `points` points of 4 metrics to `job` in batches, honouring 429s; seconds taken."""
    started = time.monotonic()
    for first in range(0, points, BATCH):
        body = json.dumps({"points": [
            {"epoch": i // 10_000, "step": i,
             "metrics": {"loss": 1 / (1 + i) + (5.0 if i % 99_991 == 7 else 0.0), "accuracy": i / points,
                         "lr": 0.001, "grad_norm": (i * 7919) % 1000 / 100}}
            for i in range(first, min(points, first + BATCH))]})
        while True:
            connection.request("POST", f"{JOBS}/{job}/metrics", body, {**api, "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status != 429:
                break
            time.sleep(float(response.getheader("Retry-After", "1")))
        if response.status != 200:
            raise RuntimeError(f"storing points answered {response.status}")
    return time.monotonic() - started


def timed_get(connection, api, path, runs=3):
    """Milliseconds of each of `runs` GETs of `path`, and the last answer."""
    times, answer = [], None
    for _ in range(runs):
        started = time.monotonic()
        connection.request("GET", path, headers=api)
        response = connection.getresponse()
        answer = json.loads(response.read())
        times.append(round((time.monotonic() - started) * 1000, 1))
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {answer}")
    return times, answer


def psql_ms(sql, runs=3):
    """Milliseconds of each of `runs` executions of `sql` in the bench database (psql's \\timing)."""
    script = "\\timing on\n" + (sql.strip() + ";\n") * runs
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", ENV["POSTGRES_DB"], "-qAt"],
                         input=script, capture_output=True, text=True, check=True).stdout
    return [float(line.split()[1]) for line in out.splitlines() if line.startswith("Time:")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--buckets", type=int, default=1000)
    args = parser.parse_args()
    api = {"Authorization": "Bearer " + token()}
    work = ROOT / ".run" / "bench" / "overview"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    with open(work / "functions.log", "w") as log:
        functions = spawn("java", APPS["functions"], [], ENV, log)
        try:
            wait_ready(PORT)
            connection = http.client.HTTPConnection("localhost", PORT, timeout=120)
            submission = {"model_name": "overview-bench", "framework": "bench", "dataset_path": "none",
                          "num_epochs": 1, "batch_size": 1, "executor_type": "local", "command": ["sleep", "3600"],
                          "alerts": {"nan": False, "divergence": False}}
            for points in [int(s) for s in args.sizes.split(",")]:
                job = http_json("POST", f"http://localhost:{PORT}{JOBS}", submission, api)[1]["job_id"]
                stored = store(connection, api, job, points)
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", ENV["POSTGRES_DB"], "-qc",
                                "ANALYZE metric_points; ANALYZE metric_blocks"], check=True)
                last_seq = http_json("GET", f"http://localhost:{PORT}{JOBS}/{job}", None, api)[1]["last_seq"]
                whole, answer = timed_get(connection, api,
                                          f"{JOBS}/{job}/metrics/overview?name=loss&buckets={args.buckets}")
                tenth = last_seq // 10
                zoom, _ = timed_get(connection, api, f"{JOBS}/{job}/metrics/overview?name=loss&buckets=2000"
                                                     f"&since={4 * tenth}&before={5 * tenth}")
                names, _ = timed_get(connection, api, f"{JOBS}/{job}/metrics/names")
                blocks = psql_ms(FROM_BLOCKS.format(job=job, buckets=args.buckets))
                values = psql_ms(FROM_VALUES.format(job=job, buckets=args.buckets))
                row = {"points": points, "store_seconds": round(stored, 1), "buckets": len(answer["buckets"]),
                       "overview_ms": whole, "zoomed_tenth_ms": zoom, "names_ms": names,
                       "sql_from_blocks_ms": blocks, "sql_from_values_ms": values}
                rows.append(row)
                print(f"{points:>9,} points (stored in {row['store_seconds']} s): overview {whole} ms, "
                      f"zoomed tenth {zoom} ms, names {names} ms; SQL from blocks {blocks} ms, "
                      f"from values {values} ms", flush=True)
                http_json("DELETE", f"http://localhost:{PORT}{JOBS}/{job}", None, api, timeout=300)
        finally:
            stop(functions)
    print()
    print("| points × 4 metrics | overview, 1,000 buckets (API) | zoomed tenth, 2,000 buckets (API) | names (API) "
          "| SQL: block summaries alone (a floor) | SQL: from every value |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        def ms(values):
            return f"{median(values):,.0f} ms"
        print(f"| {row['points']:,} | {ms(row['overview_ms'])} | {ms(row['zoomed_tenth_ms'])} | {ms(row['names_ms'])} "
              f"| {ms(row['sql_from_blocks_ms'])} | {ms(row['sql_from_values_ms'])} |")
    print("(medians of 3 reads each)")
    print(f"\nwritten to {write_results('overview', {'machine': machine(), 'rows': rows}).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
