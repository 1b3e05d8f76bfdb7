-- Kubernetes Events about a job's pods (Scheduled, Pulled, FailedScheduling, BackOff, OOMKilling, ...), in the
-- job's event sequence. The cluster repeats an event by counting it on the same Event object, so each object (its
-- uid) is stored once, as first seen.
CREATE TABLE pod_events (
    job_id     BIGINT      NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    seq        BIGINT      NOT NULL,
    uid        TEXT        NOT NULL,
    pod        TEXT        NOT NULL,
    event_type TEXT        NOT NULL,  -- Normal or Warning
    reason     TEXT        NOT NULL,
    message    TEXT        NOT NULL,
    count      INTEGER     NOT NULL CHECK (count >= 1),
    ts         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job_id, seq),
    UNIQUE (job_id, uid)
);
