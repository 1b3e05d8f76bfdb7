"""What the system tests share: the test system's address and token, and two calls of its API.

The test system is the one `./trainwatch test` starts (FUNCTIONS_URL, default http://localhost:18081, and
TRAINWATCH_API_TOKEN). Standard library only.
"""

import json
import os
import urllib.request

FUNCTIONS = os.environ.get("FUNCTIONS_URL", "http://localhost:%s" % os.environ.get("FUNCTIONS_PORT", "18081"))
#: The all-projects API token the tests call with; None when not run by ./trainwatch test.
TOKEN = os.environ.get("TRAINWATCH_API_TOKEN")


def request(method, path, body=None):
    """The JSON answer of `method path` with `body` (JSON), as the tests' API token."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(FUNCTIONS + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer %s" % TOKEN})
    with urllib.request.urlopen(req, timeout=10) as answer:
        return json.loads(answer.read())


def stored_points(job_id):
    """Every stored metric point of the job, in seq order."""
    points, since = [], 0
    while True:
        page = request("GET", "/api/v1/training/jobs/%d/metrics?since=%d&limit=10000" % (job_id, since))
        points.extend(page["points"])
        if not page["points"]:
            return points
        since = page["next_since"]
