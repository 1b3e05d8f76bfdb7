package dev.trainwatch.testing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Optional;

/** This machine as another host sees it, for tests of what only loopback callers may do. */
public final class TestNetwork {

  private TestNetwork() {}

  /** An IPv4 address of an interface that is up and not loopback, if this machine has one. */
  public static Optional<InetAddress> ownAddress() throws SocketException {
    return NetworkInterface.networkInterfaces()
        .filter(TestNetwork::upAndNotLoopback)
        .flatMap(NetworkInterface::inetAddresses)
        .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
        .findFirst();
  }

  private static boolean upAndNotLoopback(NetworkInterface nic) {
    try {
      return nic.isUp() && !nic.isLoopback();
    } catch (SocketException e) {
      return false;
    }
  }
}
