-- The divergence rule's backoff (MetricWatch): a metric whose smoothed value oscillates opened an episode every
-- cycle (90,116 alert events on a bench job of 1,000,000 points); a new episode now waits a backoff after the last.
ALTER TABLE metric_watches
    ADD COLUMN divergence_quiet   INTEGER NOT NULL DEFAULT 0,  -- finite values since the last episode ended
    ADD COLUMN divergence_backoff INTEGER NOT NULL DEFAULT 0;  -- finite values a new episode waits after it
