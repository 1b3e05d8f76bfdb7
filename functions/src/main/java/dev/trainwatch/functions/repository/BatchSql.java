package dev.trainwatch.functions.repository;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/**
 * The statement shape every batch of events is stored with, written once. In one statement: claim
 * the batch's idempotency key ($3, or null for none), take the batch's $2 sequence numbers from the
 * job row $1 (its row lock orders concurrent batches of one job), and run the insert, which reads
 * {@code job.base_seq} and its own arrays from $4 on. A claimed key, a missing job or a repeated
 * key store nothing. The job row also records when the trainer last reported ({@code
 * last_report_at}, which the {@code silent} rule reads).
 */
final class BatchSql {

  private BatchSql() {}

  /**
   * The whole statement around {@code insert} (an INSERT … SELECT … FROM job, …).
   *
   * @param training an SQL condition over the statement's parameters: whether the batch is the
   *     trainer's own work, which moves the job's {@code last_report_at} (the {@code silent} rule);
   *     the SDK's machine samples alone do not
   */
  static String around(String insert, String training) {
    return around(insert, training, "NULL");
  }

  /**
   * The same, with {@code alongside} (an SQL expression, e.g. a scalar subquery over {@code job})
   * evaluated once after the insert, as column {@code alongside}: more that the batch writes.
   */
  static String around(String insert, String training, String alongside) {
    return """
        WITH claim AS (
          INSERT INTO ingest_keys (job_id, key)
          SELECT $1, $3 WHERE $3::text IS NOT NULL AND EXISTS (SELECT 1 FROM training_jobs WHERE id = $1)
          ON CONFLICT DO NOTHING
          RETURNING 1),
        job AS (
          UPDATE training_jobs SET last_seq = last_seq + $2, updated_at = now(),
            last_report_at = CASE WHEN %s THEN now() ELSE last_report_at END
          WHERE id = $1 AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM claim))
          RETURNING last_seq - $2 AS base_seq, session_id, project),
        ins AS (%s)
        SELECT (SELECT base_seq + 1 FROM job) AS first_seq,
               (SELECT session_id FROM job) AS session_id,
               (SELECT project FROM job) AS project,
               EXISTS (SELECT 1 FROM training_jobs WHERE id = $1) AS job_exists,
               %s AS alongside
        """
        .formatted(training, insert, alongside);
  }

  /** What the statement answered. */
  static BatchResult result(RowSet<Row> rows) {
    Row row = rows.iterator().next();
    Long first = row.getLong("first_seq");
    StoredBatch stored =
        first == null
            ? null
            : new StoredBatch(first, row.getLong("session_id"), row.getString("project"));
    return new BatchResult(stored, row.getBoolean("job_exists"));
  }
}
