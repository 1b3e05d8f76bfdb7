package dev.trainwatch.functions.config;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;

/**
 * The PostgreSQL pool as Quarkus configures it, with each connection keeping its prepared
 * statements. Without this every request's statement was parsed and planned again, which cost
 * PostgreSQL more CPU than storing a single point. Quarkus's {@code cache-prepared-statements}
 * alone does not do it: the client skips statements over 2,048 characters, and the ingest statement
 * is longer. Nothing else of Quarkus's settings is changed.
 */
@Singleton
public class PostgresPoolCreator implements PgPoolCreator {

  /** Statements a connection keeps prepared: every statement the functions run fits. */
  static final int STATEMENTS_KEPT = 256;

  /** The longest statement kept, in characters. */
  static final int LONGEST_STATEMENT = 16_384;

  @Override
  public Pool create(Input input) {
    for (PgConnectOptions options : input.pgConnectOptionsList()) {
      options
          .setCachePreparedStatements(true)
          .setPreparedStatementCacheMaxSize(STATEMENTS_KEPT)
          .setPreparedStatementCacheSqlLimit(LONGEST_STATEMENT);
    }
    // PgBuilder takes one server; this takes the list Quarkus made (one per configured URL).
    return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), input.poolOptions());
  }
}
