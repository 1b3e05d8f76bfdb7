package dev.trainwatch.relay;

import dev.trainwatch.relay.config.RedisNames;
import io.quarkus.redis.datasource.RedisDataSource;

/**
 * What the tests publish and count on the relay's Redis channels, as the functions do: a job's
 * shard channel with SPUBLISH (counted by PUBSUB SHARDNUMSUB), any other channel with PUBLISH.
 */
public final class TestChannels {

  /** The names under the tests' prefix ({@code twtest}, application.properties). */
  public static final RedisNames NAMES = new RedisNames("twtest");

  private TestChannels() {}

  /** Publishes {@code message} on {@code channel}. */
  public static void publish(RedisDataSource redis, String channel, String message) {
    redis.execute(sharded(channel) ? "SPUBLISH" : "PUBLISH", channel, message);
  }

  /** Subscribers of {@code channel} on this Redis. */
  public static long subscribers(RedisDataSource redis, String channel) {
    return redis
        .execute("PUBSUB", sharded(channel) ? "SHARDNUMSUB" : "NUMSUB", channel)
        .get(1)
        .toLong();
  }

  private static boolean sharded(String channel) {
    return channel.contains("{");
  }
}
