package dev.trainwatch.relay.websocket;

import dev.trainwatch.relay.auth.RevokedTokens;
import dev.trainwatch.relay.auth.SubscriptionGrant;
import dev.trainwatch.relay.auth.SubscriptionTokenVerifier;
import dev.trainwatch.relay.auth.TokenRefusedException;
import dev.trainwatch.relay.config.RedisNames;
import dev.trainwatch.relay.config.RelayConfig;
import dev.trainwatch.relay.history.EventHistory;
import dev.trainwatch.relay.metrics.RelayMetrics;
import dev.trainwatch.relay.subscription.SubscriptionRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browsers' live feed (docs/protocol.md). {@code ?job_id=N} or {@code ?session_id=N} (with {@code
 * &since=S} for a job) makes the socket follow that job or session; frames add and drop more
 * (subscribe, unsubscribe, resume) and ping. A socket with neither, both or a bad id is closed with
 * 1008 before anything is sent. On shutdown every socket is closed with 1012 so clients reconnect
 * (with jitter) to another relay.
 *
 * <p>Every target needs a subscription token that covers it: {@code &token=T} in the query, or an
 * {@code auth} frame as the socket's first frame, or a {@code token} in a subscribe frame. A socket
 * whose first token is missing (within {@code trainwatch.relay.auth-timeout}) or refused is closed
 * with {@value #UNAUTHORIZED}; one whose token does not cover its query's target, with {@value
 * #FORBIDDEN}. A later subscribe that no token covers gets an error frame. An auth frame on an
 * admitted socket renews its token (answered {@code token_renewed}); a socket whose tokens have all
 * expired, or that follows a channel no unexpired token covers, is closed with {@value
 * #TOKEN_EXPIRED} within a second; one whose token is revoked, with {@value #UNAUTHORIZED}.
 */
@ServerEndpoint("/api/v1/ws/training")
@ApplicationScoped
public class RelayEndpoint {

  private static final String FOLLOWER = SocketFollower.class.getName();
  private static final CloseReason REFUSED =
      new CloseReason(CloseCodes.VIOLATED_POLICY, FollowTarget.REFUSAL);

  /** Close code of a socket whose token is missing, malformed, expired or not ours. */
  static final int UNAUTHORIZED = 4401;

  /** Close code of a socket whose token does not cover what its query asks to follow. */
  static final int FORBIDDEN = 4403;

  /**
   * Close code of a socket whose token expired while it followed something, and that sent no fresh
   * one in an auth frame before: it reconnects with a new token and resumes by seq.
   */
  static final int TOKEN_EXPIRED = 4408;

  /**
   * Close code of a socket its client address may not open now: too many sockets of that address
   * wait for their token ({@link SocketGate}).
   */
  static final int LIMITED = 4429;

  /** User property: the address whose place for a socket without a token this socket holds. */
  private static final String WAITING_ADDRESS = "trainwatch.waiting-address";

  /** User property: the socket's client address. */
  private static final String ADDRESS = "trainwatch.address";

  private static final String GRANTS = SocketGrants.class.getName();
  private static final CloseReason RESTARTING =
      new CloseReason(CloseCodes.SERVICE_RESTART, "relay restarting; reconnect and resume");

  private final SubscriptionRegistry registry;
  private final Frames frames;
  private final RelayMetrics metrics;
  private final EventHistory history;
  private final RelayConfig config;
  private final RedisNames names;
  private final SubscriptionTokenVerifier tokens;
  private final Vertx vertx;
  private final SlowSocketCutter cutter;
  private final SocketGate gate;
  private final Set<Session> open = ConcurrentHashMap.newKeySet();

  public RelayEndpoint(
      SubscriptionRegistry registry,
      Frames frames,
      RelayMetrics metrics,
      EventHistory history,
      RelayConfig config,
      SubscriptionTokenVerifier tokens,
      RevokedTokens revoked,
      SocketGate gate,
      Vertx vertx,
      SlowSocketCutter cutter) {
    this.gate = gate;
    this.cutter = cutter;
    this.tokens = tokens;
    this.vertx = vertx;
    this.registry = registry;
    this.frames = frames;
    this.metrics = metrics;
    this.history = history;
    this.config = config;
    this.names = RedisNames.of(config);
    revoked.onRevoked(this::closeHolders);
    vertx.setPeriodic(EXPIRY_CHECK_MILLIS, timer -> closeExpired());
  }

  /** How often sockets are checked for expired tokens. */
  private static final long EXPIRY_CHECK_MILLIS = 1000;

  /** Closes every socket that holds the revoked token {@code jti}. */
  private void closeHolders(String jti) {
    for (Session session : open) {
      if (session.getUserProperties().get(GRANTS) instanceof SocketGrants grants
          && grants.endedBy(jti)) {
        refuse(session, UNAUTHORIZED, "the token was revoked");
      }
    }
  }

  /** Closes the admitted sockets whose tokens expired and were not renewed. */
  private void closeExpired() {
    long now = Instant.now().getEpochSecond();
    for (Session session : open) {
      if (!(session.getUserProperties().get(GRANTS) instanceof SocketGrants grants)
          || !(session.getUserProperties().get(FOLLOWER) instanceof SocketFollower follower)
          || !grants.admitted()) {
        continue; // its first token is still being checked, or awaited
      }
      if (grants.dropExpired(now)
          && (grants.isEmpty()
              || follower.channels().stream()
                  .anyMatch(channel -> !grants.coversChannel(channel, names)))) {
        refuse(
            session,
            TOKEN_EXPIRED,
            "the token expired: send a fresh one in an auth frame before it does, or reconnect");
      }
    }
  }

  @OnOpen
  public void onOpen(Session session) {
    FollowTarget target = FollowTarget.parse(session.getRequestParameterMap()).orElse(null);
    Long since = since(session);
    if (target == null || (since != null && (since < 0 || !target.isJob()))) {
      Sockets.close(session, REFUSED);
      return;
    }
    session.setMaxTextMessageBufferSize(Frames.MAX_FRAME_CHARS * 4);
    SocketFollower follower =
        new SocketFollower(
            session,
            frames,
            frames.connected(Instant.now()),
            metrics,
            history,
            config.maxPendingBytes(),
            cutter);
    SocketGrants grants = new SocketGrants();
    String address = gate.addressOf(session);
    String token = single(session, "token");
    if (token == null && !gate.holdWaiting(address)) {
      refuse(session, LIMITED, "too many sockets without a token from this address");
      return;
    }
    session.getUserProperties().put(ADDRESS, address);
    session.getUserProperties().put(FOLLOWER, follower);
    session.getUserProperties().put(GRANTS, grants);
    open.add(session);
    if (token == null) {
      session.getUserProperties().put(WAITING_ADDRESS, address);
      grants.await(target, since);
      vertx.setTimer(
          config.authTimeout().toMillis(),
          timer -> {
            if (grants.waiting()) {
              refuse(session, UNAUTHORIZED, "no token: send ?token= or an auth frame first");
            }
          });
      return;
    }
    admit(session, follower, grants, token, target, since);
  }

  /** The socket's first token: it must cover what the query asked to follow. */
  private void admit(
      Session session,
      SocketFollower follower,
      SocketGrants grants,
      String token,
      FollowTarget target,
      Long since) {
    releaseWaiting(session);
    SubscriptionGrant grant;
    try {
      grant = tokens.verify(token);
    } catch (TokenRefusedException e) {
      gate.tokenRefused(addressOf(session));
      refuse(session, UNAUTHORIZED, e.getMessage());
      return;
    }
    if (!grant.covers(target.kind(), target.id())) {
      refuse(session, FORBIDDEN, "the token does not cover " + target.kind() + " " + target.id());
      return;
    }
    grants.add(grant);
    follow(follower, grant, target, since);
  }

  @OnMessage
  public void onMessage(String text, Session session) {
    if (!(session.getUserProperties().get(FOLLOWER) instanceof SocketFollower follower)
        || !(session.getUserProperties().get(GRANTS) instanceof SocketGrants grants)) {
      return;
    }
    ClientFrame frame = frames.read(text);
    if (grants.waiting()) {
      if (frame instanceof ClientFrame.Auth auth) {
        admit(
            session, follower, grants, auth.token(), grants.waitingTarget(), grants.waitingSince());
      } else {
        refuse(session, UNAUTHORIZED, "the first frame must be {\"type\":\"auth\",\"token\":...}");
      }
      return;
    }
    if (frame instanceof ClientFrame.Ping) {
      follower.write(frames.pong());
    } else if (frame instanceof ClientFrame.Subscribe subscribe) {
      Optional<SubscriptionGrant> grant = covering(session, grants, subscribe);
      if (grant.isPresent()) {
        follow(follower, grant.get(), subscribe.target(), subscribe.since());
      } else {
        follower.write(
            frames.error(
                "forbidden: no token of this socket covers "
                    + subscribe.target().kind()
                    + " "
                    + subscribe.target().id()
                    + "; send one in the subscribe frame's 'token'"));
      }
    } else if (frame instanceof ClientFrame.Auth auth) {
      renew(session, follower, grants, auth.token());
    } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
      grants
          .covering(unsubscribe.target())
          .map(grant -> grant.channel(names))
          .filter(follower::follows)
          .ifPresent(
              channel -> {
                follower.unfollow(channel);
                registry.remove(channel, follower);
              });
      follower.write(frames.unsubscribed(unsubscribe.target()));
    } else if (frame instanceof ClientFrame.Invalid invalid) {
      follower.write(frames.error(invalid.message()));
    }
  }

  @OnClose
  public void onClose(Session session) {
    open.remove(session);
    releaseWaiting(session);
    if (session.getUserProperties().get(FOLLOWER) instanceof SocketFollower follower) {
      for (String channel : follower.channels()) {
        follower.unfollow(channel);
        registry.remove(channel, follower);
      }
    }
  }

  @OnError
  public void onError(Session session, Throwable error) {
    Log.debugf(error, "Socket %s failed", session.getId());
  }

  void closeAll(@Observes ShutdownEvent event) {
    open.forEach(session -> Sockets.close(session, RESTARTING));
  }

  private void follow(
      SocketFollower follower, SubscriptionGrant grant, FollowTarget target, Long since) {
    String channel = grant.channel(names);
    if (follower.follows(channel)) {
      if (since != null) {
        follower.resume(target.id(), since);
      } else {
        follower.write(frames.subscribed(target));
      }
      return;
    }
    if (follower.channelCount() >= config.maxChannelsPerSocket()) {
      follower.write(
          frames.error(
              "a socket follows at most " + config.maxChannelsPerSocket() + " jobs and sessions"));
      return;
    }
    follower.expect(channel, target, since);
    registry.add(channel, follower);
  }

  /** A fresh token for an admitted socket: it keeps the socket open past the old one's expiry. */
  private void renew(Session session, SocketFollower follower, SocketGrants grants, String token) {
    try {
      SubscriptionGrant grant = tokens.verify(token);
      grants.add(grant);
      follower.write(frames.tokenRenewed(Instant.ofEpochSecond(grant.expiresAt())));
    } catch (TokenRefusedException e) {
      gate.tokenRefused(addressOf(session));
      follower.write(frames.error("token refused: " + e.getMessage()));
    }
  }

  /** Gives back the place this socket held while it waited for its first token, once. */
  private void releaseWaiting(Session session) {
    if (session.getUserProperties().remove(WAITING_ADDRESS) instanceof String address) {
      gate.releaseWaiting(address);
    }
  }

  private static String addressOf(Session session) {
    return session.getUserProperties().get(ADDRESS) instanceof String address ? address : "";
  }

  /** The socket's grant that covers the frame's target, counting a valid token it carries. */
  private Optional<SubscriptionGrant> covering(
      Session session, SocketGrants grants, ClientFrame.Subscribe subscribe) {
    if (grants.covering(subscribe.target()).isEmpty() && subscribe.token() != null) {
      try {
        grants.add(tokens.verify(subscribe.token()));
      } catch (TokenRefusedException e) {
        gate.tokenRefused(addressOf(session));
        return Optional.empty();
      }
    }
    return grants.covering(subscribe.target());
  }

  private void refuse(Session session, int code, String reason) {
    Sockets.close(session, new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
  }

  private static String single(Session session, String name) {
    List<String> values = session.getRequestParameterMap().get(name);
    return values == null || values.size() != 1 ? null : values.get(0);
  }

  private static Long since(Session session) {
    List<String> values = session.getRequestParameterMap().get("since");
    if (values == null || values.isEmpty()) {
      return null;
    }
    try {
      return values.size() == 1 ? Long.parseLong(values.get(0)) : -1L;
    } catch (NumberFormatException e) {
      return -1L;
    }
  }
}
