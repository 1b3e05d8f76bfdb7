package dev.trainwatch.functions;

import dev.trainwatch.migrations.Migrate;
import java.util.HashMap;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs the migration step on the test database once, before any test of this module starts the
 * functions: they hold no migration code and refuse an unmigrated schema (SchemaCheck), as a
 * deployment's functions do after its migration Job. The database is the one the test profile
 * reads: {@code POSTGRES_TEST_DB} (trainwatch_test) on {@code POSTGRES_HOST}:{@code POSTGRES_PORT}.
 */
public class MigratedTestDatabase implements LauncherSessionListener {

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("POSTGRES_DB", env.getOrDefault("POSTGRES_TEST_DB", "trainwatch_test"));
    Migrate.migrate(env);
  }
}
