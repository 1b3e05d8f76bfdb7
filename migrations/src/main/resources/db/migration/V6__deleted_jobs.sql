-- Jobs deleted by request (DELETE /api/v1/training/jobs/{id}). Deleting a job removes its row, and with it
-- (ON DELETE CASCADE) its metric values, log lines, status changes and ingest keys; this row is all that is
-- kept, so that a retried delete answers as the first did, in the job's project only.
CREATE TABLE deleted_jobs (
    id          BIGINT      PRIMARY KEY,
    session_id  BIGINT,
    project     TEXT        NOT NULL,
    final_seq   BIGINT      NOT NULL,
    deleted_at  TIMESTAMPTZ NOT NULL
);
