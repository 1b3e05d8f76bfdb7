package dev.trainwatch.relay.subscription;

import io.vertx.mutiny.redis.client.Redis;

/**
 * A Redis node the relay subscribes on, and the client that connects to it.
 *
 * @param address {@code host:port}, or a name of the configured server
 * @param client connects to that node alone
 */
record RedisNode(String address, Redis client) {}
