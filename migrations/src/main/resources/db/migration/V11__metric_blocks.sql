-- A summary of each metric of a job per block of 16 consecutive seqs (block = seq / 16), so that an overview of a
-- million points reads about 62,500 summaries instead of a million values (GET /metrics/overview;
-- MetricRepository.BLOCK_SEQS is this 16). A block holds what an overview bucket answers: its count, seq range,
-- finite extremes, non-finite count, the epoch and step of its first and last points, its earliest time and the
-- time of its last point, and its last value.
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
    last_epoch  INTEGER          NOT NULL,  -- at last_seq
    last_step   BIGINT,                     -- at last_seq
    last_ts     TIMESTAMPTZ      NOT NULL,  -- at last_seq
    PRIMARY KEY (job_id, name, block)
);

-- Kept by the database, whoever inserts the values: a functions revision still rolling out that knows nothing of
-- blocks, or a script. One statement's values are summarized per block and merged into what is there; the merge
-- keeps whichever side holds the earlier first point and the later last point, so it does not depend on order.
CREATE FUNCTION metric_blocks_absorb() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_blocks AS b
    (job_id, name, block, count, first_seq, last_seq, min, max, non_finite, last, epoch, step, ts,
     last_epoch, last_step, last_ts)
  SELECT job_id, name, seq / 16, count(*), min(seq), max(seq),
         min(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')),
         max(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')),
         count(*) FILTER (WHERE value IN ('NaN', 'Infinity', '-Infinity')),
         (array_agg(value ORDER BY seq DESC))[1],
         (array_agg(epoch ORDER BY seq))[1], (array_agg(step ORDER BY seq))[1], min(ts),
         (array_agg(epoch ORDER BY seq DESC))[1], (array_agg(step ORDER BY seq DESC))[1],
         (array_agg(ts ORDER BY seq DESC))[1]
  FROM inserted
  GROUP BY job_id, name, seq / 16
  ON CONFLICT (job_id, name, block) DO UPDATE SET
    count = b.count + excluded.count,
    min = least(b.min, excluded.min),
    max = greatest(b.max, excluded.max),
    non_finite = b.non_finite + excluded.non_finite,
    ts = least(b.ts, excluded.ts),
    first_seq = least(b.first_seq, excluded.first_seq),
    epoch = CASE WHEN excluded.first_seq < b.first_seq THEN excluded.epoch ELSE b.epoch END,
    step = CASE WHEN excluded.first_seq < b.first_seq THEN excluded.step ELSE b.step END,
    last_seq = greatest(b.last_seq, excluded.last_seq),
    last = CASE WHEN excluded.last_seq > b.last_seq THEN excluded.last ELSE b.last END,
    last_epoch = CASE WHEN excluded.last_seq > b.last_seq THEN excluded.last_epoch ELSE b.last_epoch END,
    last_step = CASE WHEN excluded.last_seq > b.last_seq THEN excluded.last_step ELSE b.last_step END,
    last_ts = CASE WHEN excluded.last_seq > b.last_seq THEN excluded.last_ts ELSE b.last_ts END;
  RETURN NULL;
END
$$;

-- No writer adds a value from here to the end of this migration, so none is summarized twice or missed.
LOCK TABLE metric_values IN SHARE ROW EXCLUSIVE MODE;

-- The values stored before, in one read (the same summary the trigger makes of a statement's values).
INSERT INTO metric_blocks
  (job_id, name, block, count, first_seq, last_seq, min, max, non_finite, last, epoch, step, ts,
   last_epoch, last_step, last_ts)
SELECT job_id, name, seq / 16, count(*), min(seq), max(seq),
       min(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')),
       max(value) FILTER (WHERE value NOT IN ('NaN', 'Infinity', '-Infinity')),
       count(*) FILTER (WHERE value IN ('NaN', 'Infinity', '-Infinity')),
       (array_agg(value ORDER BY seq DESC))[1],
       (array_agg(epoch ORDER BY seq))[1], (array_agg(step ORDER BY seq))[1], min(ts),
       (array_agg(epoch ORDER BY seq DESC))[1], (array_agg(step ORDER BY seq DESC))[1],
       (array_agg(ts ORDER BY seq DESC))[1]
FROM metric_values
GROUP BY job_id, name, seq / 16;

CREATE TRIGGER metric_blocks_absorb AFTER INSERT ON metric_values
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION metric_blocks_absorb();
