package dev.trainwatch.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Asks the real Redis how many subscribers a job's shard channel has (PUBSUB SHARDNUMSUB), over a
 * plain socket.
 */
final class RedisProbe {

  private RedisProbe() {}

  static long shardSubscribers(String channel) throws IOException {
    String host = System.getenv().getOrDefault("REDIS_HOST", "localhost");
    int port = Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379"));
    try (Socket socket = new Socket(host, port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUBSUB SHARDNUMSUB " + channel + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      // Reply: *2, $len, channel, :count
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(":")) {
          return Long.parseLong(line.substring(1));
        }
      }
      throw new IOException("Redis closed the connection before answering");
    }
  }
}
