package dev.trainwatch.functions.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.migrations.Migrate;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Integration: the version the functions need is the newest migration's, and the check at start
 * refuses a database with no schema or an older one, with the step to run, and passes the migrated
 * one.
 */
class SchemaCheckIntegrationTest {

  @Test
  void theRequiredVersionIsTheNewestMigration() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("POSTGRES_DB", env.getOrDefault("POSTGRES_TEST_DB", "trainwatch_test"));
    Migrate.Outcome outcome = Migrate.migrate(env); // migrated before the tests: nothing to apply
    assertThat(outcome.applied()).isZero();
    assertThat(Integer.parseInt(outcome.version())).isEqualTo(SchemaCheck.REQUIRED);
  }

  @Test
  void anEmptyOrOlderSchemaIsRefusedAndTheNewestServed() throws SQLException {
    try (ScratchDatabase database = new ScratchDatabase("trainwatch_test_schema_check")) {
      assertThat(SchemaCheck.check(database.pool()))
          .contains("no Trainwatch schema", "migration step");

      database.flyway(Integer.toString(SchemaCheck.REQUIRED - 1)).migrate();
      assertThat(SchemaCheck.check(database.pool()))
          .contains("version " + (SchemaCheck.REQUIRED - 1), "needs " + SchemaCheck.REQUIRED);

      database.flyway(null).migrate();
      assertThat(SchemaCheck.check(database.pool())).isNull();
    }
  }

  @Test
  void aNewerSchemaIsServed() {
    assertThat(SchemaCheck.refusal(SchemaCheck.REQUIRED + 1)).isNull();
  }
}
