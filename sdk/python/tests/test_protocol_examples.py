"""The SDK against the protocol's golden examples (docs/examples/rest-*-batch.json): the bodies it posts."""

import json
import os
import unittest

from trainwatch.batching import build_batches
from trainwatch.kinds import KIND
from trainwatch.records import MAX_BODY_BYTES, make_log, make_points

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "examples")


def example(name):
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return f.read().rstrip(b"\n")


class ProtocolExamplesTest(unittest.TestCase):
    """Each kind's items, made from the example's values as training code gives them, batch into the
    example's body byte for byte."""

    def test_every_kind_has_an_example_body_the_sdk_writes(self):
        for kind in KIND:
            with self.subTest(kind=kind):
                golden = example("rest-%s-batch.json" % kind)
                items = json.loads(golden)[KIND[kind].body_field]
                made = [self.remake(kind, item) for item in items]

                batches = build_batches(kind, made, max_items=len(made), max_bytes=MAX_BODY_BYTES)

                self.assertEqual([b.body for b in batches], [golden])

    @staticmethod
    def remake(kind, item):
        """The item as the SDK makes it from a log_metrics or log call with the example's values."""
        if kind == "metrics":
            points, problems = make_points(item["epoch"], item["metrics"], step=item.get("step"),
                                           timestamp=item["timestamp"])
            assert not problems and len(points) == 1, problems
            return points[0]
        # A captured line carries no level (level=None); a logged one its level.
        return make_log(item["message"], level=item.get("level"), timestamp=item["timestamp"])


if __name__ == "__main__":
    unittest.main()
