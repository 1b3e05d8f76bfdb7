package dev.trainwatch.functions.repository;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Iterator;

/**
 * Refuses to start on a schema older than this build needs. The functions do not migrate the
 * schema: the migration step does, once per release, before they start or roll out
 * (migrations/README.md). At start they read the version that step recorded, in one query, and fail
 * to start (so a Deployment's rollout or a Lambda's init fails, and the old revision keeps serving)
 * when it is older than {@link #REQUIRED} or was never recorded. A database that does not answer
 * within 5 s is not a refusal: the functions start and answer 503 where they need it, as when it
 * goes away later (readiness is down meanwhile); a database that answers with an error (no such
 * database, no permission) is. A newer schema is served: migrations only add what an older build
 * can ignore until a release says otherwise.
 */
@ApplicationScoped
public class SchemaCheck {

  /**
   * The schema version this build reads and writes: the newest migration's, e.g. 13 for {@code
   * V13__metric_points.sql} (SchemaCheckIntegrationTest holds the two together).
   */
  public static final int REQUIRED = 13;

  /** Flyway's record of what the migration step applied; the newest successful one is current. */
  private static final String CURRENT =
      """
      SELECT version FROM flyway_schema_history
      WHERE success AND version IS NOT NULL
      ORDER BY installed_rank DESC LIMIT 1
      """;

  /** The undefined_table SQLSTATE: no migration step ever ran on this database. */
  private static final String UNDEFINED_TABLE = "42P01";

  void onStart(@Observes StartupEvent start, Pool pool) {
    String refusal = check(pool);
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
  }

  /**
   * Why the functions may not serve the database behind {@code pool}, or null when they may (also
   * when it does not answer within 5 s: then they cannot tell, and serve).
   */
  static String check(Pool pool) {
    return pool.query(CURRENT)
        .execute()
        .map(rows -> refusal(versionOf(rows)))
        .ifNoItem()
        .after(Duration.ofSeconds(5))
        .fail()
        .onFailure(PgException.class)
        .recoverWithItem(
            e ->
                UNDEFINED_TABLE.equals(((PgException) e).getSqlState())
                    ? refusal(null)
                    : "the database refused the schema check: " + e.getMessage())
        .onFailure()
        .invoke(
            e ->
                Log.warnf(
                    "The schema's version could not be read at start (%s): serving; what needs"
                        + " the database answers 503 until it answers",
                    e.toString()))
        .onFailure()
        .recoverWithNull()
        .await()
        .indefinitely();
  }

  /** The recorded version's major number ("13" and "13.1" are 13), or null when none is. */
  private static Integer versionOf(RowSet<Row> rows) {
    Iterator<Row> row = rows.iterator();
    return row.hasNext() ? Integer.valueOf(row.next().getString(0).split("\\.")[0]) : null;
  }

  /** Why a schema at version {@code current} (null: never migrated) is refused, or null. */
  static String refusal(Integer current) {
    if (current == null) {
      return "the database has no Trainwatch schema: run the migration step first"
          + " (java -jar migrations/target/trainwatch-migrations.jar; migrations/README.md)";
    }
    if (current < REQUIRED) {
      return "the database's schema is at version "
          + current
          + ", and this build needs "
          + REQUIRED
          + ": run the migration step first (migrations/README.md)";
    }
    return null;
  }
}
