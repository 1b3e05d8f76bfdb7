-- The metric rules smooth a metric before comparing it and resolve only after it stayed calm for a while, so a
-- noisy loss does not flap (docs/protocol.md, "Alerts"): the watch keeps the smoothed value and the calm counts.
ALTER TABLE metric_watches RENAME COLUMN last TO smoothed;
ALTER TABLE metric_watches
    ADD COLUMN nan_calm        INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN divergence_calm INTEGER NOT NULL DEFAULT 0;

-- The seq up to which the metric rules have evaluated the job's points: each evaluation reads the points after it
-- (in seq order, under the job row's lock), so batches that commit in one order and are evaluated in another, or
-- whose evaluation failed, are still evaluated once each, in seq order. Jobs of before start at their present.
ALTER TABLE training_jobs ADD COLUMN alerts_seq BIGINT NOT NULL DEFAULT 0;
UPDATE training_jobs SET alerts_seq = last_seq;

-- Jobs already running when V8 added last_report_at had none, so the silent rule measured them from their start
-- and fired for every job running longer than its time. Their last report is at least their last update.
UPDATE training_jobs SET last_report_at = updated_at
WHERE last_report_at IS NULL AND status IN ('pending', 'running');
