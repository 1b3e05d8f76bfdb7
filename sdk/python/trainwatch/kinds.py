"""The kinds of item a logger sends, and everything that differs between them: the one table of kinds.

Every other module iterates `KINDS` or looks a kind up here, so a kind is added in this table (and in the
method of `TrainingLogger` that queues it). The request bodies are the protocol's (docs/schemas/
metrics-request.json and logs-request.json; examples in docs/examples/rest-*.json).
"""

from __future__ import annotations

from typing import Dict, NamedTuple


class Kind(NamedTuple):
    """One kind of item.

    `path`: the segment after /api/v1/training/jobs/{id}/ it is posted to; `body_field`: the request body's
    field holding the list; `noun`: what its items are called in reports.
    """

    path: str
    body_field: str
    noun: str


#: Each kind by its name; the names are those of `stats()` and of the spool's entries.
KIND: Dict[str, Kind] = {
    "metrics": Kind(path="metrics", body_field="points", noun="points"),
    "logs": Kind(path="logs", body_field="logs", noun="log entries"),
}

#: The names of the kinds, in the order reports list them.
KINDS = tuple(KIND)


def zero_counts() -> Dict[str, int]:
    """A count of 0 for each kind."""
    return {kind: 0 for kind in KINDS}
