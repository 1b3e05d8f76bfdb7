package dev.trainwatch.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/**
 * Integration: the migration step on a real PostgreSQL applies every migration to an empty database
 * once, and a second run applies nothing.
 */
class MigrateIntegrationTest {

  private static final String DATABASE = "trainwatch_test_migrate";

  @Test
  void anEmptyDatabaseIsMigratedOnceAndThenLeftAlone() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    String url =
        "jdbc:postgresql://"
            + env.getOrDefault("POSTGRES_HOST", "localhost")
            + ":"
            + env.getOrDefault("POSTGRES_PORT", "5432")
            + "/postgres";
    try (Connection admin =
            DriverManager.getConnection(
                url,
                env.getOrDefault("POSTGRES_USER", "postgres"),
                env.getOrDefault("POSTGRES_PASSWORD", ""));
        Statement sql = admin.createStatement()) {
      sql.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      sql.execute("CREATE DATABASE " + DATABASE);
    }
    env.put("POSTGRES_DB", DATABASE);

    Migrate.Outcome first = Migrate.migrate(env);
    assertThat(first.applied()).isGreaterThanOrEqualTo(13);
    assertThat(first.version()).isEqualTo(Integer.toString(first.applied()));

    // Again, as the Lambda build's one-off invoke runs it: nothing is left to apply.
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    Migrate.answer(env, answer);
    assertThat(answer.toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"version\":\"" + first.version() + "\",\"applied\":0}");
  }

  @Test
  void anUnreachableDatabaseFailsTheStep() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("POSTGRES_DB", "trainwatch_test_no_such_database");
    assertThatThrownBy(() -> Migrate.migrate(env)).isInstanceOf(FlywayException.class);
  }
}
