package dev.trainwatch.functions.executor;

import dev.trainwatch.testing.MockCluster;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A {@link MockCluster} that every integration test's application talks to instead of a cluster.
 */
public class KubernetesMockResource implements QuarkusTestResourceLifecycleManager {

  private static KubernetesMockServer server;

  /** The running server, for tests that set expectations. */
  public static KubernetesMockServer server() {
    return server;
  }

  @Override
  public Map<String, String> start() {
    server = MockCluster.start();
    // fabric8's own setting, read when the client is built: the Quarkus keys for it are fixed at
    // build time, and test profiles rebuild the application.
    System.setProperty("kubernetes.master", MockCluster.masterUrl(server));
    return Map.of();
  }

  @Override
  public void stop() {
    System.clearProperty("kubernetes.master");
    server.destroy();
  }
}
