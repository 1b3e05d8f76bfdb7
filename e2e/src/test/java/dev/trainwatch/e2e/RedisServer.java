package dev.trainwatch.e2e;

import java.io.IOException;
import java.net.Socket;
import java.time.Instant;
import java.util.List;

/**
 * The machine's Redis, crashed and started again for a test: {@code kill -9} of the process that
 * listens on the port, then the start command of ./trainwatch (no persistence, loopback only).
 */
final class RedisServer {

  private RedisServer() {}

  static void crashAndRestart() throws IOException, InterruptedException {
    String port = System.getenv().getOrDefault("REDIS_PORT", "6379");
    run(
        List.of(
            "sh",
            "-c",
            "kill -9 $(redis-cli -p "
                + port
                + " info server | sed -n 's/^process_id:\\([0-9]*\\).*/\\1/p')"));
    waitUntil(port, false);
    Thread.sleep(1000); // an outage, not a blink
    run(
        List.of(
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            port,
            "--save",
            "",
            "--appendonly",
            "no"));
    waitUntil(port, true);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException(command + " failed");
    }
  }

  private static void waitUntil(String port, boolean up) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(port))) {
        if (up) {
          return;
        }
      } catch (IOException e) {
        if (!up) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Redis did not go " + (up ? "up" : "down") + " in 20 s");
  }
}
