-- Execution: what to run, where it runs, and why it is in its status.

ALTER TABLE training_jobs
    ADD COLUMN image          TEXT,
    ADD COLUMN command        TEXT,  -- a JSON array of strings, or NULL for the executor's default
    ADD COLUMN args           TEXT,  -- a JSON array of strings, or NULL
    ADD COLUMN cpu            TEXT,  -- a Kubernetes quantity, e.g. '2' or '500m'
    ADD COLUMN memory         TEXT,  -- a Kubernetes quantity, e.g. '8Gi'
    ADD COLUMN gpu            INTEGER CHECK (gpu >= 0),
    ADD COLUMN execution_id   TEXT,  -- the Kubernetes Job's name, or the local process id
    ADD COLUMN failure_reason TEXT,  -- a FailureReason code when failed
    ADD COLUMN status_message TEXT,  -- why the job is in its status, for people
    ADD COLUMN started_at     TIMESTAMPTZ,
    ADD COLUMN finished_at    TIMESTAMPTZ;

-- Every status change, numbered in the job's event sequence like metric points and log lines.
CREATE TABLE status_changes (
    job_id     BIGINT      NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    seq        BIGINT      NOT NULL,
    old_status TEXT        NOT NULL,
    new_status TEXT        NOT NULL,
    reason     TEXT,
    message    TEXT,
    ts         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Log lines of a job (a Python traceback is one entry), in the job's event sequence.
CREATE TABLE job_logs (
    job_id  BIGINT      NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    seq     BIGINT      NOT NULL,
    ts      TIMESTAMPTZ NOT NULL,
    level   TEXT        NOT NULL,
    message TEXT        NOT NULL,
    PRIMARY KEY (job_id, seq)
);

CREATE INDEX training_jobs_active_idx ON training_jobs (id) WHERE status IN ('pending', 'running');
