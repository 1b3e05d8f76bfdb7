-- One row per metric point instead of one per metric value (issue 18): a point of 4 metrics was 4 rows of
-- metric_values, each with its name as text in two indexes, and PostgreSQL stopped near 100,000 index entries a
-- second. Now a point is one row of metric_points, keyed by (job_id, seq), its metrics two parallel arrays: name
-- ids into the job's own dictionary (training_jobs.metric_names, 1-based, in the order names first arrived; a
-- name's id never changes) and values. A point's metrics are kept in the order of their names' code points.
-- Per-name reads go through metric_blocks, whose (job, name, block) index says which 16-seq blocks hold a name.
ALTER TABLE training_jobs ADD COLUMN metric_names TEXT[] NOT NULL DEFAULT '{}';

CREATE TABLE metric_points (
    job_id    BIGINT             NOT NULL REFERENCES training_jobs (id) ON DELETE CASCADE,
    seq       BIGINT             NOT NULL,
    epoch     INTEGER            NOT NULL,
    step      BIGINT,
    ts        TIMESTAMPTZ        NOT NULL,
    name_ids  INTEGER[]          NOT NULL,  -- training_jobs.metric_names[id] is each value's name
    vals      DOUBLE PRECISION[] NOT NULL,  -- float8 keeps NaN and the infinities that trainers report
    PRIMARY KEY (job_id, seq),
    CHECK (cardinality(name_ids) = cardinality(vals) AND cardinality(vals) > 0)
);

-- No writer adds a value from here to the end of this migration, so every stored value moves exactly once.
LOCK TABLE metric_values IN SHARE ROW EXCLUSIVE MODE;
DROP TRIGGER metric_blocks_absorb ON metric_values;

-- Each job's dictionary: its names in the order of their first value.
UPDATE training_jobs j SET metric_names = d.names
FROM (SELECT job_id, array_agg(name ORDER BY first_seq, name) AS names
      FROM (SELECT job_id, name, min(seq) AS first_seq FROM metric_values GROUP BY job_id, name) f
      GROUP BY job_id) d
WHERE j.id = d.job_id;

-- Each point's values in one row. metric_blocks already summarizes them and stays as it is.
INSERT INTO metric_points (job_id, seq, epoch, step, ts, name_ids, vals)
SELECT v.job_id, v.seq, min(v.epoch), min(v.step), min(v.ts),
       array_agg(array_position(j.metric_names, v.name) ORDER BY v.name COLLATE "C"),
       array_agg(v.value ORDER BY v.name COLLATE "C")
FROM metric_values v JOIN training_jobs j ON j.id = v.job_id
GROUP BY v.job_id, v.seq;

DROP TABLE metric_values;

-- The blocks are kept by the database whoever inserts points (an old script, a restore), as V11's were: one
-- statement's points are unnested, summarized per name and block, and merged into what is there (the merge is
-- V11's, which does not depend on order).
CREATE OR REPLACE FUNCTION metric_blocks_absorb() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_blocks AS b
    (job_id, name, block, count, first_seq, last_seq, min, max, non_finite, last, epoch, step, ts,
     last_epoch, last_step, last_ts)
  SELECT p.job_id, j.metric_names[v.id], p.seq / 16, count(*), min(p.seq), max(p.seq),
         min(v.value) FILTER (WHERE v.value NOT IN ('NaN', 'Infinity', '-Infinity')),
         max(v.value) FILTER (WHERE v.value NOT IN ('NaN', 'Infinity', '-Infinity')),
         count(*) FILTER (WHERE v.value IN ('NaN', 'Infinity', '-Infinity')),
         (array_agg(v.value ORDER BY p.seq DESC))[1],
         (array_agg(p.epoch ORDER BY p.seq))[1], (array_agg(p.step ORDER BY p.seq))[1], min(p.ts),
         (array_agg(p.epoch ORDER BY p.seq DESC))[1], (array_agg(p.step ORDER BY p.seq DESC))[1],
         (array_agg(p.ts ORDER BY p.seq DESC))[1]
  FROM inserted p
    JOIN training_jobs j ON j.id = p.job_id
    CROSS JOIN LATERAL unnest(p.name_ids, p.vals) AS v(id, value)
  GROUP BY p.job_id, j.metric_names[v.id], p.seq / 16
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

CREATE TRIGGER metric_blocks_absorb AFTER INSERT ON metric_points
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION metric_blocks_absorb();

-- The values as the rows they were, for Grafana's PostgreSQL data source and ad-hoc SQL (read only).
CREATE VIEW metric_values AS
SELECT p.job_id, p.seq, p.epoch, p.step, p.ts, j.metric_names[v.id] AS name, v.value
FROM metric_points p
  JOIN training_jobs j ON j.id = p.job_id
  CROSS JOIN LATERAL unnest(p.name_ids, p.vals) AS v(id, value);
