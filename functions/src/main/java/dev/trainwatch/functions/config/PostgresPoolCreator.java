package dev.trainwatch.functions.config;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;

/**
 * The PostgreSQL pool as Quarkus configures it, with prepared statements kept per connection unless
 * a transaction-mode pooler stands between the functions and PostgreSQL.
 *
 * <ul>
 *   <li>Connected to PostgreSQL itself: each connection keeps its prepared statements, so a
 *       statement is parsed and planned once rather than at every request. The client leaves out
 *       statements over 2,048 characters by default, and the ingest statement is longer, so the
 *       limit is raised here.
 *   <li>Behind a pooler in transaction mode ({@code
 *       quarkus.datasource.reactive.postgresql.use-layer7-proxy}, set by {@code
 *       POSTGRES_TRANSACTION_POOLER}): the next transaction may run on another server connection,
 *       where a statement prepared on this one does not exist (PgBouncer before 1.21 does not
 *       follow them), so nothing is kept and each statement is sent whole.
 * </ul>
 *
 * It builds the pool from Quarkus's options as they are; a credentials provider, which this project
 * does not use, would not be consulted again per connection.
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
      boolean pooled = options.getUseLayer7Proxy();
      options.setCachePreparedStatements(!pooled);
      if (!pooled) {
        options
            .setPreparedStatementCacheMaxSize(STATEMENTS_KEPT)
            .setPreparedStatementCacheSqlLimit(LONGEST_STATEMENT);
      }
    }
    // PgBuilder takes one server; this takes the list Quarkus made (one per configured URL).
    return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), input.poolOptions());
  }
}
