package dev.trainwatch.relay.subscription;

import io.vertx.mutiny.redis.client.Redis;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One Redis server (quarkus.redis.hosts), which serves every channel. */
final class StandaloneTopology implements RedisTopology {

  private final RedisNode server;

  StandaloneTopology(Redis redis) {
    this.server = new RedisNode("redis", redis);
  }

  @Override
  public CompletionStage<Void> refresh() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<RedisNode> nodeOf(String channel) {
    return anyNode();
  }

  @Override
  public CompletionStage<RedisNode> anyNode() {
    return CompletableFuture.completedFuture(server);
  }
}
