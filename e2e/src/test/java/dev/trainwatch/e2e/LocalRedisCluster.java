package dev.trainwatch.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * A Redis Cluster of three masters with a replica each: Debian's {@code redis-server} as six local
 * processes on free ports, joined by {@code redis-cli --cluster create}, nothing kept on disk. The
 * node timeout is 1 s, so a master that dies is replaced by its replica within seconds.
 */
final class LocalRedisCluster implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Path dir;
  private final Map<Integer, Process> nodes = new LinkedHashMap<>();

  private LocalRedisCluster(Path dir) {
    this.dir = dir;
  }

  /** Starts the six nodes and forms the cluster; returns once every slot is served. */
  static LocalRedisCluster start() throws IOException, InterruptedException {
    LocalRedisCluster cluster =
        new LocalRedisCluster(Files.createTempDirectory("trainwatch-redis-cluster"));
    // Not left behind by a test JVM that ends without closing it.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> cluster.nodes.values().forEach(Process::destroyForcibly)));
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int port = freePort();
      addresses.add("127.0.0.1:" + port);
      cluster.nodes.put(
          port,
          new ProcessBuilder(
                  "redis-server",
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--cluster-enabled",
                  "yes",
                  "--cluster-config-file",
                  cluster.dir.resolve("nodes-" + port + ".conf").toString(),
                  "--cluster-node-timeout",
                  "1000",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  cluster.dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(cluster.dir.resolve(port + ".log").toFile())
              .start());
    }
    try {
      for (int port : cluster.nodes.keySet()) {
        cluster.await(() -> "PONG".equals(cli(port, "PING").trim()), "node " + port + " answers");
      }
      List<String> create = new ArrayList<>(List.of("--cluster", "create"));
      create.addAll(addresses);
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      cli(cluster.seedPort(), create.toArray(String[]::new));
      for (int port : cluster.nodes.keySet()) {
        cluster.await(
            () -> cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"), "cluster ok");
      }
    } catch (RuntimeException | InterruptedException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Every node, as QUARKUS_REDIS_HOSTS lists them: a client reaches the cluster while any is up.
   */
  String hosts() {
    return String.join(
        ",", nodes.keySet().stream().map(port -> "redis://127.0.0.1:" + port).toList());
  }

  /** A node to start from: the first one. */
  int seedPort() {
    return nodes.keySet().iterator().next();
  }

  /** The port of the master that serves {@code key}'s slot now. */
  int masterOf(String key) {
    int slot = Integer.parseInt(cli(seedPort(), "CLUSTER", "KEYSLOT", key).trim());
    for (String line : cli(seedPort(), "CLUSTER", "NODES").split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
        continue;
      }
      for (int i = 8; i < fields.length; i++) {
        String[] range = fields[i].split("-");
        int first = Integer.parseInt(range[0]);
        int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
        if (slot >= first && slot <= last) {
          return Integer.parseInt(
              fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
        }
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  /**
   * Kills the node (SIGKILL) and waits until its replica serves its slots: another node sees it
   * failed and the cluster is whole again.
   */
  void killAndAwaitFailover(int port) throws InterruptedException {
    nodes.remove(port).destroyForcibly().waitFor();
    int survivor = seedPort();
    await(
        () ->
            cli(survivor, "CLUSTER", "NODES")
                    .lines()
                    .anyMatch(node -> node.contains(":" + port + "@") && node.contains("fail"))
                && cli(survivor, "CLUSTER", "INFO").contains("cluster_state:ok"),
        "failover of " + port);
  }

  @Override
  public void close() throws IOException {
    nodes.values().forEach(Process::destroyForcibly);
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private void await(BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "Redis Cluster: no " + what + " within " + WAIT + "; see " + dir);
  }

  /** What {@code redis-cli -p port args...} prints ("" when it fails). */
  private static String cli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** A free port whose cluster bus port (10,000 above) is free too. */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = 20_000 + ThreadLocalRandom.current().nextInt(9_000);
      try (ServerSocket client = new ServerSocket(port);
          ServerSocket bus = new ServerSocket(port + 10_000)) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port pair for a Redis Cluster node");
  }
}
