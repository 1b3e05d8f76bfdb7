package dev.trainwatch.functions.config;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;

/**
 * The PostgreSQL pool as Quarkus configures it, with room in each connection's cache of prepared
 * statements for the functions' own. With {@code
 * quarkus.datasource.reactive.cache-prepared-statements} on (application.properties turns it on), a
 * connection parses and plans a statement once rather than at every request; but the client leaves
 * out statements over 2,048 characters by default, and the ingest statement is longer, so the limit
 * is raised here. With the setting off (a pooler in transaction mode that does not keep prepared
 * statements) nothing is cached. It builds the pool from Quarkus's options as they are; a
 * credentials provider, which this project does not use, would not be consulted again per
 * connection.
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
      if (options.getCachePreparedStatements()) {
        options
            .setPreparedStatementCacheMaxSize(STATEMENTS_KEPT)
            .setPreparedStatementCacheSqlLimit(LONGEST_STATEMENT);
      }
    }
    // PgBuilder takes one server; this takes the list Quarkus made (one per configured URL).
    return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), input.poolOptions());
  }
}
