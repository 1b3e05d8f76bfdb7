"""Trainwatch SDK: report a training run's metrics and log lines to Trainwatch, live.

    from trainwatch import TrainingLogger

    with TrainingLogger() as logger:          # job and URL from TRAINWATCH_JOB_ID / TRAINWATCH_URL
        for epoch in range(10):
            ...
            logger.log_metrics(epoch, {"loss": loss, "accuracy": acc}, step=global_step)
            logger.log(f"Epoch {epoch} done")

Calls never block or raise; sending happens on background threads, in batches, with retries and a local
spool while the backend is away. Every 10 s the process's CPU and memory, the machine's memory and each GPU
are reported too, as metrics named `system/...` (vitals.py). Standard library only.
"""

from .logger import TrainingLogger
from .stats import TrainwatchWarning
from .transport import RetryPolicy

__all__ = ["TrainingLogger", "RetryPolicy", "TrainwatchWarning", "__version__"]
__version__ = "0.1.0"
