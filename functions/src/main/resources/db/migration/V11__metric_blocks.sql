-- A summary of each metric of a job per block of 16 consecutive seqs (block = seq / 16), kept by the statement
-- that stores the points, so that an overview of a million points reads about 62,500 summaries instead of a
-- million values (GET /metrics/overview; MetricRepository.BLOCK_SEQS is this 16). A block holds what an
-- overview bucket answers: its count, seq range, finite extremes, non-finite count, last value, and its first
-- point's epoch and step with the earliest time. Seqs only grow, so a block only ever gains later points.
CREATE TABLE metric_blocks (
    job_id      BIGINT           NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    name        TEXT             NOT NULL,
    block       BIGINT           NOT NULL,
    count       INTEGER          NOT NULL,
    first_seq   BIGINT           NOT NULL,
    last_seq    BIGINT           NOT NULL,
    min         DOUBLE PRECISION,  -- the lowest finite value, NULL when none is finite
    max         DOUBLE PRECISION,  -- the highest finite value, NULL when none is finite
    non_finite  INTEGER          NOT NULL,
    last        DOUBLE PRECISION NOT NULL,  -- the value at last_seq
    epoch       INTEGER          NOT NULL,  -- at first_seq
    step        BIGINT,                     -- at first_seq
    ts          TIMESTAMPTZ      NOT NULL,  -- the earliest
    PRIMARY KEY (job_id, name, block)
);

INSERT INTO metric_blocks (job_id, name, block, count, first_seq, last_seq, min, max, non_finite, last, epoch, step, ts)
SELECT job_id, name, seq / 16, count(*), min(seq), max(seq),
       min(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')),
       max(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')),
       count(*) FILTER (WHERE value IN ('NaN', 'Infinity', '-Infinity')),
       (array_agg(value ORDER BY seq DESC))[1],
       (array_agg(epoch ORDER BY seq))[1],
       (array_agg(step ORDER BY seq))[1],
       min(ts)
FROM metric_values
GROUP BY job_id, name, seq / 16;
