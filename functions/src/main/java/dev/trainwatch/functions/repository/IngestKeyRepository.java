package dev.trainwatch.functions.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Idempotency keys of ingest batches (claimed by the batch statements, see BatchSql). */
@ApplicationScoped
public class IngestKeyRepository {

  private final Pool pool;

  public IngestKeyRepository(Pool pool) {
    this.pool = pool;
  }

  /** Forgets keys older than {@code age}: a retry that late is a new batch. Returns how many. */
  public Uni<Integer> forgetOlderThan(Duration age) {
    return pool.preparedQuery(
            "DELETE FROM ingest_keys WHERE created_at < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) age.toSeconds()))
        .map(rows -> rows.rowCount());
  }
}
