package dev.trainwatch.functions.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;
import org.junit.jupiter.api.Test;

/**
 * Unit: the version the functions need is the newest migration's, and an older or missing schema is
 * refused with the step to run.
 */
class SchemaCheckTest {

  @Test
  void theRequiredVersionIsTheNewestMigration() {
    Map<String, String> env = System.getenv();
    MigrationInfoService info =
        Flyway.configure()
            .dataSource(
                "jdbc:postgresql://"
                    + env.getOrDefault("POSTGRES_HOST", "localhost")
                    + ":"
                    + env.getOrDefault("POSTGRES_PORT", "5432")
                    + "/"
                    + env.getOrDefault("POSTGRES_TEST_DB", "trainwatch_test"),
                env.getOrDefault("POSTGRES_USER", "postgres"),
                env.getOrDefault("POSTGRES_PASSWORD", ""))
            .locations("classpath:db/migration")
            .load()
            .info();
    assertThat(info.pending()).isEmpty();
    assertThat(Integer.parseInt(info.current().getVersion().getVersion()))
        .isEqualTo(SchemaCheck.REQUIRED);
  }

  @Test
  void anOlderOrMissingSchemaIsRefusedAndANewerOneServed() {
    assertThat(SchemaCheck.refusal(null)).contains("no Trainwatch schema", "migration step");
    assertThat(SchemaCheck.refusal(SchemaCheck.REQUIRED - 1))
        .contains("version " + (SchemaCheck.REQUIRED - 1), "needs " + SchemaCheck.REQUIRED);
    assertThat(SchemaCheck.refusal(SchemaCheck.REQUIRED)).isNull();
    assertThat(SchemaCheck.refusal(SchemaCheck.REQUIRED + 1)).isNull();
  }
}
