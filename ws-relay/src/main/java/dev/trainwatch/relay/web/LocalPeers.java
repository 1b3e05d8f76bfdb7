package dev.trainwatch.relay.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a loopback client's process belongs to the OS user this relay runs as: Linux lists every
 * TCP socket with its owner's uid in /proc/net/tcp and /proc/net/tcp6, so the client's end of the
 * connection (its port, talking to ours) says who opened it. Where /proc cannot tell (another OS),
 * the answer is no. It exists so that a local job, which runs as a user of its own, does not get
 * the development token a browser of the developer gets.
 */
final class LocalPeers {

  private LocalPeers() {}

  /** Whether the connection from {@code clientPort} to {@code serverPort} is this user's. */
  static boolean sameUser(int clientPort, int serverPort) {
    String own = ownUid();
    if (own == null) {
      return false;
    }
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : lines(table)) {
        String[] fields = line.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
        if (fields.length > 7 && port(fields[1]) == clientPort && port(fields[2]) == serverPort) {
          return own.equals(fields[7]);
        }
      }
    }
    return false;
  }

  private static int port(String hexAddress) {
    int colon = hexAddress.lastIndexOf(':');
    try {
      return colon < 0 ? -1 : Integer.parseInt(hexAddress.substring(colon + 1), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String ownUid() {
    for (String line : lines("/proc/self/status")) {
      if (line.startsWith("Uid:")) {
        return line.substring(4).trim().split("\\s+")[0];
      }
    }
    return null;
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
