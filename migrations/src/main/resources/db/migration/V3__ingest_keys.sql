-- Idempotency keys of ingest batches: a batch retried after its answer was lost is stored once.
-- A key is claimed in the same statement that stores the batch; keys older than a day are removed by the sweep.
CREATE TABLE ingest_keys (
    job_id     BIGINT      NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    key        TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, key)
);

CREATE INDEX ingest_keys_created_idx ON ingest_keys (created_at);
