package dev.trainwatch.relay.websocket;

import dev.trainwatch.relay.auth.SubscriptionGrant;
import dev.trainwatch.relay.config.RedisNames;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The subscription grants one socket has presented, and, until its first token arrives, what its
 * query asked to follow. A socket follows nothing no grant covers.
 */
final class SocketGrants {

  private final List<SubscriptionGrant> grants = new CopyOnWriteArrayList<>();
  private volatile FollowTarget waitingTarget;
  private volatile Long waitingSince;
  private volatile boolean admitted;

  /** A socket opened without a token: it follows {@code target} once an auth frame covers it. */
  void await(FollowTarget target, Long since) {
    waitingTarget = target;
    waitingSince = since;
  }

  /** Whether the socket still waits for its first token. */
  boolean waiting() {
    return waitingTarget != null;
  }

  FollowTarget waitingTarget() {
    return waitingTarget;
  }

  Long waitingSince() {
    return waitingSince;
  }

  /** Records a verified grant; the socket waits no more. */
  void add(SubscriptionGrant grant) {
    grants.add(grant);
    waitingTarget = null;
    admitted = true;
  }

  /**
   * Whether the socket's first token was accepted. Before that its grants are empty because none
   * has been checked yet, not because they expired.
   */
  boolean admitted() {
    return admitted;
  }

  /** Whether the socket holds no grant (it may still wait for its first). */
  boolean isEmpty() {
    return grants.isEmpty();
  }

  /**
   * Drops the grants whose token expired before {@code epochSecond}.
   *
   * @return whether it dropped one: only then can the socket have lost what it follows
   */
  boolean dropExpired(long epochSecond) {
    return grants.removeIf(grant -> grant.expiresAt() < epochSecond);
  }

  /** Whether revoking the token {@code jti} ends some grant of this socket. */
  boolean endedBy(String jti) {
    return grants.stream().anyMatch(grant -> grant.endedBy(jti));
  }

  /** Whether some grant publishes on {@code channel}. */
  boolean coversChannel(String channel, RedisNames names) {
    return grants.stream().anyMatch(grant -> grant.channel(names).equals(channel));
  }

  /** The first grant of this socket that covers {@code target}, if any. */
  Optional<SubscriptionGrant> covering(FollowTarget target) {
    return grants.stream().filter(grant -> grant.covers(target.kind(), target.id())).findFirst();
  }
}
