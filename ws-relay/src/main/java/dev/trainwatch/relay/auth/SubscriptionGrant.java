package dev.trainwatch.relay.auth;

import dev.trainwatch.relay.config.RedisNames;

/**
 * What one subscription token lets a socket follow, and until when: one job, or one session of one
 * project (a session token covers the session's channel, not its jobs' own channels). Sessions are
 * per project, so the channel of a session names its project: no event of project B's session 7 is
 * published on project A's.
 *
 * @param kind {@code job} or {@code session}
 * @param id the job's or session's id
 * @param project the session's project; null for a job
 * @param jti the token's id, by which it is revoked
 * @param parent the id of the API token that minted it (revoking that one ends this one), or null
 * @param expiresAt the token's exp, epoch seconds
 */
public record SubscriptionGrant(
    String kind, long id, String project, String jti, String parent, long expiresAt) {

  /**
   * Whether revoking the token {@code revokedJti} ends this grant: it is this one or its parent.
   */
  public boolean endedBy(String revokedJti) {
    return revokedJti.equals(jti) || revokedJti.equals(parent);
  }

  /** Whether this grant covers following {@code kind} {@code id}. */
  public boolean covers(String kind, long id) {
    return this.kind.equals(kind) && this.id == id;
  }

  /** The Redis channel this grant's events are published on. */
  public String channel(RedisNames names) {
    return project == null ? names.jobChannel(id) : names.sessionChannel(project, id);
  }
}
