package dev.trainwatch.relay.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The relay's own settings; connection settings live in application.properties. */
@ConfigMapping(prefix = "trainwatch.relay")
public interface RelayConfig {

  /**
   * Prefix of every Redis channel, so several installations (or tests) can share a Redis; the
   * functions' {@code trainwatch.events.key-prefix} must be the same.
   */
  @WithDefault("tw")
  String keyPrefix();

  /** How long start-up waits for the Redis subscriber connection before the relay fails. */
  @WithDefault("10s")
  Duration connectTimeout();

  /** How often the subscriber connection is PINGed; no answer in that time counts as lost. */
  @WithDefault("3s")
  Duration subscriberCheck();

  /**
   * Characters a socket may have queued behind the frame being written; a browser whose backlog
   * passes it is closed with 4001 and resumes, so stalled sockets cannot grow the heap without
   * bound. One large frame alone never passes it.
   */
  @WithDefault("262144")
  long maxPendingBytes();

  /** Channels (jobs and sessions) one socket may follow at once. */
  @WithDefault("100")
  int maxChannelsPerSocket();

  /**
   * How long a socket closed for reading too slowly has to take its close frame before its
   * connection is cut (which frees what is queued for it).
   */
  @WithDefault("5s")
  Duration slowCloseGrace();

  /**
   * The longest a subscription token may be issued for (exp minus iat); a longer one is refused.
   * The functions mint them for trainwatch.auth.subscription-token-ttl, the same hour.
   */
  @WithDefault("1h")
  Duration maxTokenLifetime();

  /** How long a socket opened without a token may wait before its auth frame; then it is closed. */
  @WithDefault("10s")
  Duration authTimeout();

  /**
   * Host headers answered (a name or address, or *.suffix), others get 421: loopback names by
   * default. Set from TRAINWATCH_ALLOWED_HOSTS in application.properties, as the functions'.
   */
  List<String> allowedHosts();

  /**
   * Refused tokens one client address may present per minute (at open, in auth and subscribe
   * frames); past it, its new sockets are refused until the minute ends.
   */
  @WithDefault("30")
  int maxTokenFailuresPerMinute();

  /**
   * Sockets one client address may hold open without a token yet (waiting for their auth frame);
   * one more is closed at once with 4429.
   */
  @WithDefault("16")
  int maxUnauthenticatedSocketsPerAddress();

  /** The web UI the relay serves at /. */
  Web web();

  /** The web UI the relay serves at /, from the same origin as the WebSocket. */
  interface Web {
    /** Directory of the built UI (web/dist); without one, / answers that the UI is not built. */
    Optional<String> root();

    /** Where the UI's REST calls go (the functions); empty for this origin (one public host). */
    @WithDefault("http://localhost:8081")
    String apiUrl();

    /** Grafana's address for the job page's dashboard link; none hides the link. */
    Optional<String> grafanaUrl();

    /**
     * An API token handed to every visitor in /config.json, for development only (./trainwatch up
     * sets one); without it, each user brings their own (docs/protocol.md, "Tokens").
     */
    Optional<String> apiToken();
  }
}
