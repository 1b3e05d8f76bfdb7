package dev.trainwatch.relay.config;

/**
 * Every Redis key and channel name the relay reads, under the deployment's prefix ({@code
 * trainwatch.relay.key-prefix}, the functions' {@code trainwatch.events.key-prefix}). The functions
 * write the same names (docs/protocol.md, "Redis: keys and channels"); docs/redis-names.json pins
 * them, and a test in each app checks its names against it.
 *
 * @param prefix the key prefix, e.g. {@code tw}
 */
public record RedisNames(String prefix) {

  /** The names under {@code config}'s prefix. */
  public static RedisNames of(RelayConfig config) {
    return new RedisNames(config.keyPrefix());
  }

  /** The channel of every event of a job: {@code {prefix}:job:{jobId}}. */
  public String jobChannel(long jobId) {
    return prefix + ":job:" + jobId;
  }

  /** The channel of every event of a project's session: {@code {prefix}:session:{project}:{id}}. */
  public String sessionChannel(String project, long sessionId) {
    return prefix + ":session:" + project + ":" + sessionId;
  }

  /** A job's capped history stream: {@code {prefix}:job:{jobId}:history}. */
  public String history(long jobId) {
    return jobChannel(jobId) + ":history";
  }

  /** A revoked token: {@code {prefix}:revoked:{jti}}. */
  public String revoked(String jti) {
    return prefix + ":revoked:" + jti;
  }

  /** The token id of a {@link #revoked} key, or null for another name. */
  public String revokedJti(String key) {
    String start = revoked("");
    return key.startsWith(start) ? key.substring(start.length()) : null;
  }

  /** The channel of revocations: {@code {prefix}:revocations}. */
  public String revocations() {
    return prefix + ":revocations";
  }
}
