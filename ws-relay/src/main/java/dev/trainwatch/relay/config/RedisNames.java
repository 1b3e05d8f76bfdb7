package dev.trainwatch.relay.config;

/**
 * Every Redis key and channel name the relay reads, under the deployment's prefix ({@code
 * trainwatch.relay.key-prefix}, the functions' {@code trainwatch.events.key-prefix}). The functions
 * write the same names (docs/protocol.md, "Redis: keys and channels"); docs/redis-names.json pins
 * them, and a test in each app checks its names against it. A job's names carry its id as a Redis
 * Cluster hash tag (the functions' RedisNames says why); its channel is a shard channel.
 *
 * @param prefix the key prefix, e.g. {@code tw}
 */
public record RedisNames(String prefix) {

  /** The names under {@code config}'s prefix. */
  public static RedisNames of(RelayConfig config) {
    return new RedisNames(config.keyPrefix());
  }

  /**
   * The shard channel of every event of a job: {@code <prefix>:job:{<jobId>}}, e.g. tw:job:{42}.
   */
  public String jobChannel(long jobId) {
    return prefix + ":job:{" + jobId + "}";
  }

  /** The channel of every event of a project's session: {@code {prefix}:session:{project}:{id}}. */
  public String sessionChannel(String project, long sessionId) {
    return prefix + ":session:" + project + ":" + sessionId;
  }

  /** A job's capped history stream: {@code {prefix}:job:{jobId}:history}. */
  public String history(long jobId) {
    return jobChannel(jobId) + ":history";
  }

  /**
   * The revoked tokens: {@code <prefix>:revoked}, a sorted set of token ids scored by their exp.
   */
  public String revoked() {
    return prefix + ":revoked";
  }

  /** The channel of revocations: {@code {prefix}:revocations}. */
  public String revocations() {
    return prefix + ":revocations";
  }
}
