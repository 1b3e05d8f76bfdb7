package dev.trainwatch.relay.subscription;

import java.util.concurrent.CompletionStage;

/**
 * Which Redis node serves a channel: the one server, or on a Redis Cluster the master that owns a
 * shard channel's slot (any node for a plain channel, since a cluster passes every PUBLISH to all
 * of them).
 */
interface RedisTopology {

  /** Reads who serves what again, after a node was lost or gave up a channel. */
  CompletionStage<Void> refresh();

  /** The node to subscribe to {@code channel} on; fails when no node is known to serve it. */
  CompletionStage<RedisNode> nodeOf(String channel);

  /** A node that serves plain channels: where a plain channel is subscribed. */
  CompletionStage<RedisNode> anyNode();
}
