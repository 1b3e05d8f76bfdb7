"""System test: the functions behind PgBouncer in transaction mode hold more connections than PostgreSQL allows.

`./trainwatch test` runs two function instances (FUNCTIONS_URL and SECOND_FUNCTIONS_PORT), each with a pool of 16,
through a local PgBouncer (POOLER_PORT) as a role PostgreSQL allows POOLED_ROLE_CONNECTIONS connections. Many
batches posted at once to both instances must all be stored, once each and in order, while PgBouncer holds more
client connections than that limit and PostgreSQL never more than PgBouncer's POOLER_SERVER_CONNECTIONS. Standard library only.
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

from system_api import FUNCTIONS, TOKEN, request, stored_points

POOLER_PORT = os.environ.get("POOLER_PORT")
ROLE = os.environ.get("POOLED_ROLE", "trainwatch_pooled")
LIMIT = int(os.environ.get("POOLED_ROLE_CONNECTIONS", "5"))
SERVERS = int(os.environ.get("POOLER_SERVER_CONNECTIONS", "3"))
SECOND = "http://localhost:%s" % os.environ.get("SECOND_FUNCTIONS_PORT", "18082")
DIRECT = ["-h", os.environ.get("MIGRATIONS_POSTGRES_HOST", "localhost"),
          "-p", os.environ.get("MIGRATIONS_POSTGRES_PORT", "5432"),
          "-U", os.environ.get("DIRECT_POSTGRES_USER", "postgres")]


def psql(args, sql):
    """The rows of `sql` (one list of columns each), run with psql's connection arguments `args`."""
    out = subprocess.run(["psql", *args, "-tAq", "-F", "|", "-c", sql], check=True, capture_output=True,
                         text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def pooler_clients():
    """Client connections PgBouncer holds for the role (its admin console's SHOW CLIENTS)."""
    rows = psql(["-h", "127.0.0.1", "-p", POOLER_PORT, "-U", ROLE, "-d", "pgbouncer"], "SHOW CLIENTS")
    return sum(1 for row in rows if row[1] == ROLE)


def server_connections():
    """Connections PostgreSQL itself has open for the role."""
    return int(psql([*DIRECT, "-d", "postgres"],
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = '%s'" % ROLE)[0][0])


def post_batch(base, job_id, first_step, size):
    points = [{"epoch": 1, "step": s, "metrics": {"loss": 1.0 / s}} for s in range(first_step, first_step + size)]
    req = urllib.request.Request("%s/api/v1/training/jobs/%d/metrics" % (base, job_id),
                                 data=json.dumps({"points": points}).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer %s" % TOKEN})
    with urllib.request.urlopen(req, timeout=60) as answer:
        return answer.status


@unittest.skipUnless(POOLER_PORT, "run by ./trainwatch test, which starts PgBouncer and a second function instance")
class PoolerTest(unittest.TestCase):
    def test_more_function_connections_than_postgresql_allows_all_served_through_pgbouncer(self):
        jobs = [request("POST", "/api/v1/training/jobs", {
            "model_name": "pooler-check-%d" % i, "framework": "python", "dataset_path": "generated",
            "num_epochs": 1, "batch_size": 1, "executor_type": "kubernetes"})["job_id"] for i in range(8)]
        seen = {"clients": 0, "servers": 0}
        done = threading.Event()

        def watch():
            while not done.is_set():
                seen["clients"] = max(seen["clients"], pooler_clients())
                seen["servers"] = max(seen["servers"], server_connections())
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        # 8 jobs x 40 batches of 25 points, 64 at a time, spread over both instances.
        work = [(job, batch) for batch in range(40) for job in jobs]
        try:
            with concurrent.futures.ThreadPoolExecutor(64) as pool:
                statuses = list(pool.map(
                    lambda item: post_batch(FUNCTIONS if item[1] % 2 == 0 else SECOND, item[0], item[1] * 25 + 1, 25),
                    work))
        finally:
            done.set()
            watcher.join()

        print("\n  PgBouncer clients at most %d, PostgreSQL connections of %s at most %d (limit %d)"
              % (seen["clients"], ROLE, seen["servers"], LIMIT), file=sys.stderr)
        self.assertEqual(statuses, [200] * len(work))
        for job in jobs:
            stored = stored_points(job)
            self.assertEqual(sorted(p["step"] for p in stored), list(range(1, 1001)), "job %d" % job)
            self.assertEqual([p["seq"] for p in stored], sorted({p["seq"] for p in stored}), "job %d" % job)
        self.assertGreater(seen["clients"], LIMIT,
                           "the two instances never held more connections than PostgreSQL allows: %s" % seen)
        self.assertTrue(0 < seen["servers"] <= SERVERS,
                        "PostgreSQL's connections of the role, PgBouncer opening at most %d: %s" % (SERVERS, seen))


if __name__ == "__main__":
    unittest.main()
