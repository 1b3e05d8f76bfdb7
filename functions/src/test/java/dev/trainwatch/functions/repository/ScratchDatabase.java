package dev.trainwatch.functions.repository;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * A database of its own for a test that needs a schema other than the test database's (none, or an
 * older version), on the PostgreSQL the tests use (POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER,
 * POSTGRES_PASSWORD). Made empty, with the "C" collation, so that a test's answers do not depend on
 * the server's default one; a reactive pool to it and Flyway over it.
 */
final class ScratchDatabase implements AutoCloseable {

  private static final String HOST = System.getenv().getOrDefault("POSTGRES_HOST", "localhost");
  private static final int PORT =
      Integer.parseInt(System.getenv().getOrDefault("POSTGRES_PORT", "5432"));
  private static final String USER = System.getenv().getOrDefault("POSTGRES_USER", "postgres");
  private static final String PASSWORD = System.getenv().getOrDefault("POSTGRES_PASSWORD", "");

  private final String name;
  private final Vertx vertx = Vertx.vertx();
  private final Pool pool;

  ScratchDatabase(String name) throws SQLException {
    this.name = name;
    try (Connection admin = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
        Statement sql = admin.createStatement()) {
      sql.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      sql.execute("CREATE DATABASE " + name + " TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");
    }
    pool =
        PgBuilder.pool()
            .connectingTo(
                new PgConnectOptions()
                    .setHost(HOST)
                    .setPort(PORT)
                    .setDatabase(name)
                    .setUser(USER)
                    .setPassword(PASSWORD))
            .using(vertx)
            .build();
  }

  private static String url(String database) {
    return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
  }

  Pool pool() {
    return pool;
  }

  /** Flyway over this database, migrating up to {@code target} (null: every migration). */
  Flyway flyway(String target) {
    var configuration =
        Flyway.configure()
            .dataSource(url(name), USER, PASSWORD)
            .locations("classpath:db/migration");
    return (target == null ? configuration : configuration.target(target)).load();
  }

  @Override
  public void close() {
    pool.closeAndAwait();
    vertx.closeAndAwait();
  }
}
