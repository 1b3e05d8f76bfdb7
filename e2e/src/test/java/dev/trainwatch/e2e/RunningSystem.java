package dev.trainwatch.e2e;

import dev.trainwatch.migrations.Migrate;
import dev.trainwatch.testing.MockCluster;
import dev.trainwatch.testing.TestSocket;
import dev.trainwatch.testing.TestTokens;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The packaged functions and relay, started once as real processes for all end-to-end tests, on
 * free ports, with the test database and the key prefix {@value #KEY_PREFIX}. Stopped when the test
 * JVM exits.
 */
final class RunningSystem {

  static final String KEY_PREFIX = "twe2e";

  private static RunningSystem instance;

  final int functionsPort;
  final int relayPort;
  final KubernetesClient kubernetes;

  private RunningSystem(int functionsPort, int relayPort, KubernetesClient kubernetes) {
    this.functionsPort = functionsPort;
    this.relayPort = relayPort;
    this.kubernetes = kubernetes;
  }

  /** The system, started on first use. */
  static synchronized RunningSystem get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  URI functions(String path) {
    return URI.create("http://localhost:" + functionsPort + path);
  }

  URI relaySocket(String query) {
    return URI.create(
        "ws://localhost:" + relayPort + "/api/v1/ws/training?" + TestSocket.withToken(query));
  }

  URI relay(String path) {
    return URI.create("http://localhost:" + relayPort + path);
  }

  private static RunningSystem start() {
    Path root = Path.of(System.getProperty("trainwatch.root", "..")).toAbsolutePath().normalize();
    int functionsPort = freePort();
    int relayPort = freePort();
    KubernetesMockServer cluster = MockCluster.start();
    // The migration step, as before every start or rollout of the functions (they refuse an older
    // schema).
    Map<String, String> database = new HashMap<>(System.getenv());
    database.put("POSTGRES_DB", testDatabase());
    Migrate.migrate(database);
    Process functions =
        launch(
            root,
            "functions",
            Map.of(
                "FUNCTIONS_PORT",
                Integer.toString(functionsPort),
                "KUBERNETES_MASTER",
                MockCluster.masterUrl(cluster),
                "TRAINWATCH_LOCAL_WORKDIR",
                root.toString(),
                "MONITOR_POLL_INTERVAL",
                "1",
                "TRAINWATCH_EXECUTOR_LOCAL_ENABLED",
                "true"));
    Process relay = launch(root, "ws-relay", Map.of("RELAY_PORT", Integer.toString(relayPort)));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  functions.destroy();
                  relay.destroy();
                }));
    RunningSystem system = new RunningSystem(functionsPort, relayPort, cluster.createClient());
    awaitReady(
        system.functions("/q/health/ready"), functions, root.resolve("e2e/target/functions.log"));
    awaitReady(system.relay("/q/health/ready"), relay, root.resolve("e2e/target/ws-relay.log"));
    return system;
  }

  private static Process launch(Path root, String module, Map<String, String> env) {
    Path jar = root.resolve(module + "/target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: package the applications first (./trainwatch test does)");
    }
    ProcessBuilder builder =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString());
    builder.environment().putAll(env);
    builder.environment().put("POSTGRES_DB", testDatabase());
    builder.environment().put("TRAINWATCH_KEY_PREFIX", KEY_PREFIX);
    builder.environment().put("TRAINWATCH_JWT_PUBLIC_KEY", TestTokens.publicKeyFile().toString());
    builder.environment().put("TRAINWATCH_JWT_PRIVATE_KEY", TestTokens.privateKeyFile().toString());
    builder.redirectErrorStream(true);
    File log = root.resolve("e2e/target/" + module + ".log").toFile();
    builder.redirectOutput(log);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + jar, e);
    }
  }

  private static String testDatabase() {
    return System.getenv().getOrDefault("POSTGRES_TEST_DB", "trainwatch_test");
  }

  private static void awaitReady(URI health, Process process, Path log) {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the process behind " + health + " exited; see " + log);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(200);
    }
    throw new IllegalStateException(health + " was not ready within 60 s; see " + log);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
