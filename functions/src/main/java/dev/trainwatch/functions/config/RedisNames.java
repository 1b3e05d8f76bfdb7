package dev.trainwatch.functions.config;

/**
 * Every Redis key and channel name the functions use, under the deployment's prefix ({@code
 * trainwatch.events.key-prefix}). The relay reads the same names (docs/protocol.md, "Redis: keys
 * and channels"); docs/redis-names.json pins them, and a test in each app checks its names against
 * it.
 *
 * <p>Every name of a job carries the job's id as a Redis Cluster hash tag ({@code {42}}): they all
 * hash to one slot, so the publish script may write the history and publish on the channel in one
 * step on a cluster too, and the job's channel is a shard channel (SPUBLISH), served by the shard
 * that holds its history.
 *
 * @param prefix the key prefix, e.g. {@code tw}
 */
public record RedisNames(String prefix) {

  /** The names under {@code config}'s prefix. */
  public static RedisNames of(TrainwatchConfig config) {
    return new RedisNames(config.events().keyPrefix());
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

  /** A SCAN pattern of every key of a job: {@code {prefix}:job:{jobId}:*}. */
  public String jobKeys(long jobId) {
    return jobChannel(jobId) + ":*";
  }

  /** The last pod log line read of a job's pod: {@code {prefix}:job:{jobId}:logcursor:{pod}}. */
  public String logCursor(long jobId, String pod) {
    return jobChannel(jobId) + ":logcursor:" + pod;
  }

  /** A traceback held open: {@code {prefix}:job:{jobId}:traceback:{source}}. */
  public String traceback(long jobId, String source) {
    return jobChannel(jobId) + ":traceback:" + source;
  }

  /** The sorted set of every held traceback, by due time: {@code {prefix}:tracebacks}. */
  public String tracebacks() {
    return prefix + ":tracebacks";
  }

  /**
   * The revoked tokens: {@code <prefix>:revoked}, a sorted set of token ids (jti) scored by their
   * exp (epoch seconds). One key, so a check reads one slot of a cluster and the relay reads them
   * all in one range.
   */
  public String revoked() {
    return prefix + ":revoked";
  }

  /** The channel of revocations: {@code {prefix}:revocations}. */
  public String revocations() {
    return prefix + ":revocations";
  }
}
