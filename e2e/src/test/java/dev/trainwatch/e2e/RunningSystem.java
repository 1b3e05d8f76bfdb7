package dev.trainwatch.e2e;

import dev.trainwatch.migrations.Migrate;
import dev.trainwatch.testing.MockCluster;
import dev.trainwatch.testing.TestSocket;
import dev.trainwatch.testing.TestTokens;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged functions and relay, started as real processes on free ports, with the test database
 * and a key prefix of their own. {@link #get} is the one system most end-to-end tests share, with
 * {@value #KEY_PREFIX}, stopped when the test JVM exits; {@link #start} starts another, on other
 * settings (a Redis Cluster, several relays), which its test stops.
 */
final class RunningSystem implements AutoCloseable {

  static final String KEY_PREFIX = "twe2e";

  private static RunningSystem instance;

  final int functionsPort;
  final int relayPort;
  final KubernetesClient kubernetes;
  private final Process functions;
  private final List<Process> relays;
  private final List<Integer> relayPorts;

  private RunningSystem(
      int functionsPort,
      KubernetesClient kubernetes,
      Process functions,
      List<Process> relays,
      List<Integer> relayPorts) {
    this.functionsPort = functionsPort;
    this.relayPort = relayPorts.get(0);
    this.kubernetes = kubernetes;
    this.functions = functions;
    this.relays = relays;
    this.relayPorts = relayPorts;
  }

  /** The shared system, started on first use. */
  static synchronized RunningSystem get() {
    if (instance == null) {
      RunningSystem started = start(KEY_PREFIX, Map.of(), 1);
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
      instance = started;
    }
    return instance;
  }

  URI functions(String path) {
    return URI.create("http://localhost:" + functionsPort + path);
  }

  URI relaySocket(String query) {
    return relaySocket(0, query);
  }

  /** A socket address of relay {@code index} (0 is the first). */
  URI relaySocket(int index, String query) {
    return URI.create(
        "ws://localhost:"
            + relayPorts.get(index)
            + "/api/v1/ws/training?"
            + TestSocket.withToken(query));
  }

  URI relay(String path) {
    return URI.create("http://localhost:" + relayPort + path);
  }

  /** Stops relay {@code index} at once (SIGKILL): its sockets end without a close frame. */
  void killRelay(int index) throws InterruptedException {
    relays.get(index).destroyForcibly().waitFor();
  }

  @Override
  public void close() {
    functions.destroy();
    relays.forEach(Process::destroy);
  }

  /**
   * Starts the functions and {@code relayCount} relays with key prefix {@code prefix} and {@code
   * env} on top of this JVM's environment (e.g. REDIS_CLIENT_TYPE, REDIS_PORT), and waits until
   * every one is ready.
   */
  static RunningSystem start(String prefix, Map<String, String> env, int relayCount) {
    Path root = Path.of(System.getProperty("trainwatch.root", "..")).toAbsolutePath().normalize();
    int functionsPort = freePort();
    KubernetesMockServer cluster = MockCluster.start();
    // The migration step, as before every start or rollout of the functions (they refuse an older
    // schema).
    Map<String, String> database = new HashMap<>(System.getenv());
    database.put("POSTGRES_DB", testDatabase());
    Migrate.migrate(database);
    Map<String, String> functionsEnv = new HashMap<>(env);
    functionsEnv.putAll(
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
    Path functionsLog = root.resolve("e2e/target/" + prefix + "-functions.log");
    Process functions = launch(root, "functions", prefix, functionsEnv, functionsLog);
    List<Process> relays = new ArrayList<>();
    List<Integer> relayPorts = new ArrayList<>();
    for (int i = 0; i < relayCount; i++) {
      int port = freePort();
      Map<String, String> relayEnv = new HashMap<>(env);
      relayEnv.put("RELAY_PORT", Integer.toString(port));
      relayPorts.add(port);
      relays.add(
          launch(
              root,
              "ws-relay",
              prefix,
              relayEnv,
              root.resolve("e2e/target/" + prefix + "-ws-relay-" + i + ".log")));
    }
    RunningSystem system =
        new RunningSystem(functionsPort, cluster.createClient(), functions, relays, relayPorts);
    awaitReady(system.functions("/q/health/ready"), functions, functionsLog);
    for (int i = 0; i < relayCount; i++) {
      awaitReady(
          URI.create("http://localhost:" + relayPorts.get(i) + "/q/health/ready"),
          relays.get(i),
          root.resolve("e2e/target/" + prefix + "-ws-relay-" + i + ".log"));
    }
    return system;
  }

  private static Process launch(
      Path root, String module, String prefix, Map<String, String> env, Path log) {
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
    builder.environment().put("TRAINWATCH_KEY_PREFIX", prefix);
    builder.environment().put("TRAINWATCH_JWT_PUBLIC_KEY", TestTokens.publicKeyFile().toString());
    builder.environment().put("TRAINWATCH_JWT_PRIVATE_KEY", TestTokens.privateKeyFile().toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
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
      Api.sleep(200);
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
}
