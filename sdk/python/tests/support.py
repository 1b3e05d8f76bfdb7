"""Helpers shared by the tests: a logger with fast timings against a FakeServer, and a temporary spool."""

import shutil
import tempfile
import unittest
import warnings

from trainwatch import RetryPolicy, TrainingLogger, TrainwatchWarning

from tests.fakeserver import FakeServer

FAST_RETRY = RetryPolicy(base=0.01, cap=0.05)


class ServerTestCase(unittest.TestCase):
    """Each test gets a FakeServer knowing job 1 and its own spool directory."""

    def setUp(self):
        self.server = FakeServer(jobs=("1",))
        self.spool_dir = tempfile.mkdtemp(prefix="tw-spool-")
        self.loggers = []
        self._warnings = warnings.catch_warnings(record=True)
        self.warned = self._warnings.__enter__()
        warnings.simplefilter("always", TrainwatchWarning)

    def tearDown(self):
        for logger in self.loggers:
            logger.finish(timeout=1)
        self._warnings.__exit__(None, None, None)
        self.server.stop()
        shutil.rmtree(self.spool_dir, ignore_errors=True)
        # unittest keeps every test case alive until the end: let go of what they stored.
        self.server = self.loggers = self.warned = None

    def logger(self, job_id="1", **options):
        # System metrics off unless a test asks for them: the other tests count the points they logged.
        settings = dict(flush_interval=0.05, retry=FAST_RETRY, spool_dir=self.spool_dir, finish_timeout=5,
                        request_timeout=2, system_metrics_interval=0)
        settings.update(options)
        logger = TrainingLogger(job_id, settings.pop("backend_url", self.server.url), settings.pop("token", None),
                                **settings)
        self.loggers.append(logger)
        return logger

    def warnings_text(self):
        return [str(warning.message) for warning in self.warned if issubclass(warning.category, TrainwatchWarning)]
