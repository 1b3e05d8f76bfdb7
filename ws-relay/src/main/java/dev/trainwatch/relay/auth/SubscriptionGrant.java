package dev.trainwatch.relay.auth;

/**
 * What one subscription token lets a socket follow: one job or one session (a session token covers
 * the session's channel, not its jobs' own channels).
 *
 * @param kind {@code job} or {@code session}
 * @param id the job's or session's id
 */
public record SubscriptionGrant(String kind, long id) {

  /** Whether this grant covers following {@code kind} {@code id}. */
  public boolean covers(String kind, long id) {
    return this.kind.equals(kind) && this.id == id;
  }
}
