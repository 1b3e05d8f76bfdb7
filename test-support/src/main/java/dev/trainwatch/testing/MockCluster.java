package dev.trainwatch.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * A stand-in Kubernetes API: the fabric8 mock server in CRUD mode (objects created are stored and
 * served back), with room for expectations where CRUD mode serves nothing (pod logs, access
 * reviews). It does not run pods: tests set their status themselves.
 */
public final class MockCluster {

  private MockCluster() {}

  /** Starts a server on a free port. */
  public static KubernetesMockServer start() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init();
    return server;
  }

  /** The URL a client takes as its master (KUBERNETES_MASTER, or kubernetes.master). */
  public static String masterUrl(KubernetesMockServer server) {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }
}
