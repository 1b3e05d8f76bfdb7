-- One row per metric point instead of one per metric value (issue 18): a point of 4 metrics was 4 rows of
-- metric_values, each with its name as text in two indexes, and PostgreSQL stopped near 100,000 index entries a
-- second. Now a point is one row of metric_points, keyed by (job_id, seq), its metrics two parallel arrays: name
-- ids into the job's own dictionary (training_jobs.metric_names, 1-based, in the order names first arrived; a
-- name's id never changes) and values. A point's metrics are kept in the order of their names' code points (the
-- "C" collation), the order the history answered them in on a database of that collation; on a database of
-- another one, the history answered them in that collation's order, and now answers them in code-point order (a
-- JSON object's members have no order). Per-name reads go through metric_blocks, whose (job, name, block) index
-- says which 16-seq blocks hold a name.
--
-- It rewrites every stored value while holding the tables it changes, so nothing reads or writes them until it
-- commits: run it in a quiet moment (infra/README.md, "Releasing"). The locks are taken first, all at once, and
-- given up after 30 s if a reader holds one (a dashboard's query), so the step fails and is run again rather
-- than deadlocking with that reader.
SET LOCAL lock_timeout = '30s';
LOCK TABLE training_jobs, metric_values, metric_blocks IN ACCESS EXCLUSIVE MODE;

ALTER TABLE training_jobs ADD COLUMN metric_names TEXT[] NOT NULL DEFAULT '{}';

-- job_id has no foreign key: its check, one lookup per inserted row, cost more than a fifth of storing a point.
-- The functions insert points only beside the job row's update that numbers them, which holds the row's lock; a
-- job's points go with it by the trigger metric_points_of_deleted_jobs below.
CREATE TABLE metric_points (
    job_id    BIGINT             NOT NULL,
    seq       BIGINT             NOT NULL,
    epoch     INTEGER            NOT NULL,
    step      BIGINT,
    ts        TIMESTAMPTZ        NOT NULL,
    name_ids  INTEGER[]          NOT NULL,  -- training_jobs.metric_names[id] is each value's name
    vals      DOUBLE PRECISION[] NOT NULL,  -- float8 keeps NaN and the infinities that trainers report
    PRIMARY KEY (job_id, seq),
    CHECK (cardinality(name_ids) = cardinality(vals) AND cardinality(vals) > 0)
);

-- No writer adds a value from here to the end of this migration (the locks above), so every stored value moves
-- exactly once.
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

-- Summaries merged into the blocks: V11's merge, which keeps whichever side holds the earlier first point and the
-- later last point, so it does not depend on order. Both writers of blocks below call it.
-- Answers how many summaries it was given.
CREATE FUNCTION metric_blocks_add(summaries metric_blocks[]) RETURNS integer LANGUAGE sql AS $$
  INSERT INTO metric_blocks AS b SELECT * FROM unnest(summaries)
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
  SELECT cardinality(summaries)
$$;

-- The blocks of points any other writer inserts (a script, a restore) are kept by the database, as V11's were:
-- one statement's points are unnested and summarized per name and block, a block's first and last points from
-- one ordered aggregate of samples. The functions summarize their own batches as they store them, from the
-- batch's arrays and with no sort (MetricRepository), which costs a fraction of this; their statement says so
-- with the transaction's setting trainwatch.blocks_kept, and this trigger then leaves its points alone.
CREATE TYPE metric_sample AS (seq BIGINT, value DOUBLE PRECISION, epoch INTEGER, step BIGINT, ts TIMESTAMPTZ);

CREATE OR REPLACE FUNCTION metric_blocks_absorb() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('trainwatch.blocks_kept', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM metric_blocks_add(ARRAY(
    SELECT ROW(g.job_id, j.metric_names[g.id], g.block, g.count, (g.s[1]).seq, (g.s[g.count]).seq, g.min, g.max,
               g.non_finite, (g.s[g.count]).value, (g.s[1]).epoch, (g.s[1]).step, g.ts,
               (g.s[g.count]).epoch, (g.s[g.count]).step, (g.s[g.count]).ts)::metric_blocks
    FROM (
      SELECT p.job_id, v.id, p.seq / 16 AS block, count(*)::integer AS count,
             min(v.value) FILTER (WHERE v.value NOT IN ('NaN', 'Infinity', '-Infinity')) AS min,
             max(v.value) FILTER (WHERE v.value NOT IN ('NaN', 'Infinity', '-Infinity')) AS max,
             (count(*) FILTER (WHERE v.value IN ('NaN', 'Infinity', '-Infinity')))::integer AS non_finite,
             min(p.ts) AS ts,
             array_agg((p.seq, v.value, p.epoch, p.step, p.ts)::metric_sample ORDER BY p.seq) AS s
      FROM inserted p CROSS JOIN LATERAL unnest(p.name_ids, p.vals) AS v(id, value)
      GROUP BY p.job_id, v.id, p.seq / 16) g
    JOIN training_jobs j ON j.id = g.job_id));
  RETURN NULL;
END
$$;

CREATE TRIGGER metric_blocks_absorb AFTER INSERT ON metric_points
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION metric_blocks_absorb();

-- A deleted job's points go with it, in the statement that deletes it (as ON DELETE CASCADE did). The trigger's
-- DELETE reads the points as committed when it runs, after the job row is gone: a batch that held the row's lock
-- has committed by then, and none can number points for the job after.
CREATE FUNCTION metric_points_of_deleted_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_points p USING deleted d WHERE p.job_id = d.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER metric_points_of_deleted_jobs AFTER DELETE ON training_jobs
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION metric_points_of_deleted_jobs();

-- The values as the rows they were, for Grafana's PostgreSQL data source and ad-hoc SQL (read only).
CREATE VIEW metric_values AS
SELECT p.job_id, p.seq, p.epoch, p.step, p.ts, j.metric_names[v.id] AS name, v.value
FROM metric_points p
  JOIN training_jobs j ON j.id = p.job_id
  CROSS JOIN LATERAL unnest(p.name_ids, p.vals) AS v(id, value);
