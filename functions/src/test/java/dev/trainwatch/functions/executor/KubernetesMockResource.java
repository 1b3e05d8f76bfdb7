package dev.trainwatch.functions.executor;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The fabric8 Kubernetes mock server in CRUD mode (objects created are stored and served back),
 * with room for expectations where CRUD mode serves nothing (pod logs, access reviews). Every
 * integration test's application talks to it instead of a cluster.
 */
public class KubernetesMockResource implements QuarkusTestResourceLifecycleManager {

  private static KubernetesMockServer server;

  /** The running server, for tests that set expectations. */
  public static KubernetesMockServer server() {
    return server;
  }

  @Override
  public Map<String, String> start() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init();
    // fabric8's own setting, read when the client is built: the Quarkus keys for it are fixed at
    // build time, and test profiles rebuild the application.
    System.setProperty(
        "kubernetes.master", "http://" + server.getHostName() + ":" + server.getPort());
    return Map.of();
  }

  @Override
  public void stop() {
    System.clearProperty("kubernetes.master");
    server.destroy();
  }
}
