package dev.trainwatch.migrations;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The schema migration step: applies the versioned migrations in {@code db/migration} to the
 * database the functions use, then exits. It runs once per release before the functions start or
 * roll out ({@code ./trainwatch up} and the tests before starting them, a Kubernetes Job in {@code
 * infra/}, a one-off invoke on AWS Lambda); the functions only check the version it left ({@code
 * SchemaCheck}) and hold no Flyway, Agroal or JDBC code: they load 1,327 fewer classes by their
 * first answer (632 of them Flyway's, Agroal's and the JDBC driver's; README, "Cold start").
 *
 * <p>The database is named by the same variables the functions read: {@code POSTGRES_HOST}
 * (localhost), {@code POSTGRES_PORT} (5432), {@code POSTGRES_DB} (trainwatch), {@code
 * POSTGRES_USER} (postgres), {@code POSTGRES_PASSWORD} (empty). Each migration runs in one
 * transaction, so a failed one leaves the schema at the version before it; running the step again
 * applies only what is missing. It never cleans or baselines a database.
 */
public final class Migrate {

  private Migrate() {}

  /**
   * Applies what is missing to the database at {@code jdbcUrl}.
   *
   * @return the schema's version after the step, e.g. "13", and how many migrations it applied
   * @throws org.flywaydb.core.api.FlywayException when the database cannot be reached or a
   *     migration fails (the schema then stays at the last version that succeeded)
   */
  public static Outcome migrate(String jdbcUrl, String user, String password) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(jdbcUrl, user, password)
            .locations("classpath:db/migration")
            .load();
    MigrateResult result = flyway.migrate();
    return new Outcome(
        flyway.info().current().getVersion().getVersion(), result.migrationsExecuted);
  }

  /**
   * What a run did.
   *
   * @param version the schema's version after it
   * @param applied the migrations it applied (0 when the schema was up to date)
   */
  public record Outcome(String version, int applied) {
    String describe() {
      return "schema at version " + version + " (" + applied + " migrations applied)";
    }
  }

  /**
   * Applies what is missing to the database that {@code env} names with the variables of the class
   * comment (missing ones take their defaults).
   */
  public static Outcome migrate(Map<String, String> env) {
    return migrate(
        "jdbc:postgresql://"
            + env.getOrDefault("POSTGRES_HOST", "localhost")
            + ":"
            + env.getOrDefault("POSTGRES_PORT", "5432")
            + "/"
            + env.getOrDefault("POSTGRES_DB", "trainwatch"),
        env.getOrDefault("POSTGRES_USER", "postgres"),
        env.getOrDefault("POSTGRES_PASSWORD", ""));
  }

  /** {@code java -jar trainwatch-migrations.jar}: exits 0 when the schema is up to date, else 1. */
  public static void main(String[] args) {
    try {
      System.out.println("trainwatch-migrations: " + migrate(System.getenv()).describe());
    } catch (RuntimeException e) {
      System.err.println("trainwatch-migrations: failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * The AWS Lambda handler of the one-off invoke ({@code
   * dev.trainwatch.migrations.Migrate::handleRequest}; infra/aws/README.md): the event is ignored,
   * the answer is a JSON object with the version, and a failure fails the invocation.
   */
  public static void handleRequest(InputStream event, OutputStream answer) throws IOException {
    answer(System.getenv(), answer);
  }

  /** Migrates the database {@code env} names and writes the outcome as JSON to {@code answer}. */
  static void answer(Map<String, String> env, OutputStream answer) throws IOException {
    Outcome outcome = migrate(env);
    answer.write(
        ("{\"version\":\"" + outcome.version() + "\",\"applied\":" + outcome.applied() + "}")
            .getBytes(StandardCharsets.UTF_8));
  }
}
