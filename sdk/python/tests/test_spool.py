"""spool.py: the on-disk FIFO of unsent batches, and the outbox in front of it."""

import json
import os
import shutil
import tempfile
import unittest
from unittest import mock

from trainwatch import spool as spool_module
from trainwatch.batching import build_batches
from trainwatch.outbox import Outbox
from trainwatch.spool import FileSpool, MemorySpool, SpoolBusy, file_stem, open_spool
from trainwatch.stats import Stats


def batch(i, kind="metrics", size=1):
    if kind == "metrics":
        items = [{"epoch": 0, "step": i * size + j, "metrics": {"loss": float("nan") if j == 0 else 1.0}}
                 for j in range(size)]
    else:
        items = [{"message": "line %d" % (i * size + j)} for j in range(size)]
    return build_batches(kind, items, 500, 10 ** 9)[0]


class SpoolTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tw-spool-")
        self.path = os.path.join(self.dir, "job-1-x.jsonl")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_fifo_survives_reopening_with_keys_and_bodies_unchanged(self):
        spool = FileSpool(self.path, 10 ** 6)
        written = [batch(i, "metrics" if i % 2 else "logs") for i in range(6)]
        for b in written:
            self.assertTrue(spool.append(b))
        self.assertIs(spool.peek().key, written[0].key)
        spool.pop()
        spool.pop()
        spool.close()
        with open(self.path) as lines:
            for line in lines:  # JSON lines, one batch each
                self.assertIn(json.loads(line)["kind"], ("metrics", "logs"))
        again = FileSpool(self.path, 10 ** 6)
        self.assertEqual(again.recovered, [(b.kind, b.count) for b in written[2:]])
        for expected in written[2:]:
            head = again.peek()
            self.assertEqual((head.kind, head.key, head.body, head.count),
                             (expected.kind, expected.key, expected.body, expected.count))
            again.pop()
        self.assertIsNone(again.peek())
        self.assertEqual(os.path.getsize(self.path), 0, "emptied once everything is sent")
        again.close()
        self.assertFalse(os.path.exists(self.path), "an empty spool file is removed")

    def test_bounded_by_max_bytes(self):
        one = batch(0, size=10)
        line_size = len(one.body) + 100
        spool = FileSpool(self.path, line_size * 3)
        accepted = [spool.append(batch(i, size=10)) for i in range(10)]
        self.assertEqual(accepted.count(True), 3)
        self.assertLessEqual(os.path.getsize(self.path), line_size * 3)
        spool.close()

    def test_once_a_batch_is_refused_later_ones_are_too_until_one_is_sent(self):
        for spool in (FileSpool(self.path, len(batch(0, size=10).body) + 300), MemorySpool(len(batch(0, size=10).body) + 60)):
            self.assertTrue(spool.append(batch(0, size=10)))
            self.assertFalse(spool.append(batch(1, size=10)))
            # Small enough to fit, but newer than a refused batch: taking it would leave a hole.
            self.assertFalse(spool.append(batch(20, size=1)))
            spool.pop()
            self.assertTrue(spool.append(batch(21, size=1)))
            spool.close()

    def test_an_empty_spool_takes_one_batch_whatever_its_size(self):
        spool = FileSpool(self.path, 10)
        self.assertTrue(spool.append(batch(0, size=50)))
        self.assertFalse(spool.append(batch(1)))
        spool.close()
        memory = MemorySpool(10)
        self.assertTrue(memory.append(batch(0, size=50)))
        self.assertFalse(memory.append(batch(1)))

    def test_a_torn_last_line_is_cut_off(self):
        spool = FileSpool(self.path, 10 ** 6)
        first = batch(0)
        spool.append(first)
        spool.close(remove_if_empty=False)
        with open(self.path, "ab") as out:
            out.write(b'{"sent":0,"kind":"metrics","key":"k","n":1,"body":{"poi')
        again = FileSpool(self.path, 10 ** 6)
        self.assertEqual(again.pending_batches, 1)
        self.assertEqual(again.peek().key, first.key)
        again.close()

    def test_an_unreadable_line_is_skipped_and_counted(self):
        with open(self.path, "wb") as out:
            out.write(b'{"sent":0,"kind":"metrics","key":"k","n":1,"body":{not json}}\n')
        spool = FileSpool(self.path, 10 ** 6)
        spool.append(batch(1))
        self.assertEqual((spool.corrupt, spool.pending_batches), (1, 1))
        spool.close()

    def test_compaction_keeps_order(self):
        with mock.patch.object(spool_module, "COMPACT_AT", 2000):
            spool = FileSpool(self.path, 10 ** 6)
            written = [batch(i, size=5) for i in range(40)]
            for b in written:
                spool.append(b)
            sizes = []
            for expected in written[:30]:
                self.assertEqual(spool.peek().key, expected.key)
                spool.pop()
                sizes.append(os.path.getsize(self.path))
            self.assertLess(min(sizes[5:]), sizes[0], "the sent front was cut away")
            spool.close()
            again = FileSpool(self.path, 10 ** 6)
            keys = []
            while again.peek():
                keys.append(again.peek().key)
                again.pop()
            self.assertEqual(keys, [b.key for b in written[30:]])
            again.close()

    def test_one_owner_at_a_time(self):
        first = open_spool(self.dir, "7", "http://h:1", 10 ** 6)
        second = open_spool(self.dir, "7", "http://h:1", 10 ** 6)
        self.assertNotEqual(first.path, second.path, "a second logger of the job gets its own file")
        self.assertTrue(second.path.endswith(".%d.jsonl" % os.getpid()))
        with self.assertRaises(SpoolBusy):
            FileSpool(first.path, 10)
        other_backend = open_spool(self.dir, "7", "http://other:1", 10 ** 6)
        self.assertNotEqual(other_backend.path, first.path)
        for spool in (first, second, other_backend):
            spool.close()
        self.assertEqual(os.listdir(self.dir), [], "data and lock files are removed")
        again = open_spool(self.dir, "7", "http://h:1", 10 ** 6)
        self.assertEqual(again.path, first.path, "the main file is free again")
        again.close()

    def test_the_main_file_takes_over_files_left_by_other_loggers(self):
        main = open_spool(self.dir, "7", "http://h:1", 10 ** 6)
        main.append(batch(0))
        side = open_spool(self.dir, "7", "http://h:1", 10 ** 6)
        side.append(batch(1))
        side.append(batch(2))
        side_first = side.peek().key
        main.close(remove_if_empty=False)
        side.close()
        again = open_spool(self.dir, "7", "http://h:1", 10 ** 6)
        self.assertEqual(again.pending_batches, 3)
        keys = []
        while again.peek():
            keys.append(again.peek().key)
            again.pop()
        self.assertEqual(keys[1], side_first, "the other file's batches follow the main file's")
        self.assertFalse(os.path.exists(side.path))
        again.close()
        self.assertEqual(os.listdir(self.dir), [])

    def test_the_batch_after_the_head_can_be_taken_off_first(self):
        written = [batch(i) for i in range(3)]
        for spool in (FileSpool(self.path, 10 ** 6), MemorySpool(10 ** 6)):
            for b in written:
                spool.append(b)
            self.assertEqual(spool.peek(1).body, written[1].body)
            self.assertIsNone(spool.peek(3))
            self.assertEqual((spool.find(written[1].key), spool.find(written[2].key)), (1, None))
            spool.pop(1)
            self.assertEqual([spool.peek(0).key, spool.peek(1).key], [written[0].key, written[2].key])
            spool.close()
        again = FileSpool(self.path, 10 ** 6)
        self.assertEqual([again.peek(i).key for i in range(again.pending_batches)], [written[0].key, written[2].key],
                         "marked sent in place: not sent again")
        again.pop()
        again.pop()
        self.assertEqual(os.path.getsize(self.path), 0)
        again.close()

    def test_the_outbox_reaches_the_batch_after_the_head_in_memory_and_in_the_spool(self):
        outbox = Outbox(lambda: FileSpool(self.path, 10 ** 6), 10 ** 6, 10 ** 6, Stats("1"))
        written = [batch(i) for i in range(4)]
        for b in written[:3]:
            outbox.put(b)
        self.assertIs(outbox.second(), written[1])
        outbox.done(written[1])
        self.assertEqual([outbox.head(), outbox.second()], [written[0], written[2]])
        outbox.set_failing(True)  # to the spool
        outbox.put(written[3])
        self.assertEqual((outbox.head().key, outbox.second().key), (written[0].key, written[2].key))
        outbox.done(written[2])
        self.assertEqual((outbox.head().key, outbox.second().key), (written[0].key, written[3].key))
        outbox.done(written[0])
        self.assertEqual((outbox.head().key, outbox.second()), (written[3].key, None))
        outbox.close()

    def test_file_names(self):
        self.assertEqual(file_stem("12", "http://a:8081/"), file_stem("12", "http://a:8081"))
        self.assertTrue(file_stem("../x", "http://a").startswith("job-.._x-"))


if __name__ == "__main__":
    unittest.main()
