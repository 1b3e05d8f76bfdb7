package dev.trainwatch.functions.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deletes jobs, and remembers that it did ({@code deleted_jobs}). Deleting is one statement: the
 * job's row goes with every row that refers to it (ON DELETE CASCADE), and its tombstone is
 * written, or nothing happens.
 */
@ApplicationScoped
public class JobDeletionRepository {

  private static final String DELETE =
      """
      WITH job AS (
        DELETE FROM training_jobs WHERE id = $1
        RETURNING id, session_id, project, last_seq + 1 AS final_seq),
      tombstone AS (
        INSERT INTO deleted_jobs (id, session_id, project, final_seq, deleted_at)
        SELECT id, session_id, project, final_seq, now() FROM job
        RETURNING deleted_at)
      SELECT job.id, job.session_id, job.project, job.final_seq, tombstone.deleted_at
      FROM job, tombstone
      """;

  private static final String DELETED =
      """
      SELECT id, session_id, project, final_seq, deleted_at
      FROM deleted_jobs WHERE id = $1
      """;

  private final Pool pool;

  public JobDeletionRepository(Pool pool) {
    this.pool = pool;
  }

  /** Deletes the job; null when there is no such job (any more). */
  public Uni<DeletedJob> delete(long jobId) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(jobId)).map(JobDeletionRepository::first);
  }

  /** The tombstone of a deleted job; null when no job of that id was deleted. */
  public Uni<DeletedJob> deleted(long jobId) {
    return pool.preparedQuery(DELETED).execute(Tuple.of(jobId)).map(JobDeletionRepository::first);
  }

  private static DeletedJob first(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row row = rows.iterator().next();
    return new DeletedJob(
        row.getLong("id"),
        row.getLong("session_id"),
        row.getString("project"),
        row.getLong("final_seq"),
        row.getOffsetDateTime("deleted_at").toInstant());
  }
}
