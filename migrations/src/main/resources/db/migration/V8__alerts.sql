-- Rules on the live stream (docs/protocol.md, "Alerts"): what they remember lives here, so any functions
-- instance carries them on, and every change is made under the job row's lock, so two instances never fire the
-- same alert twice.

ALTER TABLE training_jobs
    ADD COLUMN alert_settings TEXT,          -- the job's rules as JSON (AlertSettings), every key written
    ADD COLUMN last_report_at TIMESTAMPTZ;   -- when the trainer last reported a point or a log line (silent)

-- What the metric rules (nan, divergence) remember of each watched metric of a job.
CREATE TABLE metric_watches (
    job_id            BIGINT           NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    metric            TEXT             NOT NULL,
    seen              INTEGER          NOT NULL,
    best              DOUBLE PRECISION,
    last              DOUBLE PRECISION,
    rising            INTEGER          NOT NULL,
    nan_firing        BOOLEAN          NOT NULL,
    divergence_firing BOOLEAN          NOT NULL,
    PRIMARY KEY (job_id, metric)
);

-- The open episodes of the sweep's rules (silent, stuck_pending): a row while one fires.
CREATE TABLE alert_episodes (
    job_id BIGINT NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    rule   TEXT   NOT NULL,
    PRIMARY KEY (job_id, rule)
);

-- Every firing and resolution of a job's rules, in its event sequence.
CREATE TABLE job_alerts (
    job_id  BIGINT           NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    seq     BIGINT           NOT NULL,
    rule    TEXT             NOT NULL,
    state   TEXT             NOT NULL,  -- firing or resolved
    metric  TEXT,
    value   DOUBLE PRECISION,
    message TEXT             NOT NULL,
    ts      TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (job_id, seq)
);
