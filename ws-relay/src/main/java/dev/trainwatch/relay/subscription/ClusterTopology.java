package dev.trainwatch.relay.subscription;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Redis Cluster: the masters and their slots as {@code CLUSTER SLOTS} tells any node, and a shard
 * channel's slot as {@code CLUSTER KEYSLOT} computes it (asked once per channel). Each master is
 * reached by a client of its own, with the configured password; this does not do TLS.
 */
final class ClusterTopology implements RedisTopology {

  /** Not a slot: any master will do (a plain channel). */
  private static final int ANY = -1;

  /** The masters' slot ranges: first slot to (last slot, master's host:port). */
  private record Range(int last, String address) {}

  private final Redis cluster;
  private final Vertx vertx;
  private final Optional<String> password;
  private volatile TreeMap<Integer, Range> slots = new TreeMap<>();
  private final Map<String, Integer> slotOf = new ConcurrentHashMap<>();
  private final Map<String, Redis> clients = new ConcurrentHashMap<>();

  /**
   * @param cluster the configured cluster client, which asks a node it can reach
   * @param password the nodes' password, if they have one
   */
  ClusterTopology(Redis cluster, Vertx vertx, Optional<String> password) {
    this.cluster = cluster;
    this.vertx = vertx;
    this.password = password;
  }

  @Override
  public CompletionStage<Void> refresh() {
    return cluster
        .send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
        .invoke(this::read)
        .replaceWithVoid()
        .subscribeAsCompletionStage();
  }

  @Override
  public CompletionStage<RedisNode> nodeOf(String channel) {
    return SubscriberConnection.sharded(channel) ? owner(slot(channel)) : anyNode();
  }

  @Override
  public CompletionStage<RedisNode> anyNode() {
    return owner(Uni.createFrom().item(ANY));
  }

  private CompletionStage<RedisNode> owner(Uni<Integer> slot) {
    Uni<Void> known =
        slots.isEmpty() ? Uni.createFrom().completionStage(refresh()) : Uni.createFrom().voidItem();
    return known.chain(() -> slot).map(this::owner).subscribeAsCompletionStage();
  }

  /** A shard channel's slot. */
  private Uni<Integer> slot(String channel) {
    Integer known = slotOf.get(channel);
    if (known != null) {
      return Uni.createFrom().item(known);
    }
    return cluster
        .send(Request.cmd(Command.CLUSTER).arg("KEYSLOT").arg(channel))
        .map(Response::toInteger)
        .invoke(slot -> slotOf.put(channel, slot));
  }

  /** The master serving {@code slot}, or the first master for {@link #ANY}. */
  private RedisNode owner(int slot) {
    TreeMap<Integer, Range> now = slots;
    Map.Entry<Integer, Range> range = slot == ANY ? now.firstEntry() : now.floorEntry(slot);
    if (range == null || (slot != ANY && slot > range.getValue().last())) {
      throw new IllegalStateException("no Redis Cluster node serves slot " + slot);
    }
    String address = range.getValue().address();
    return new RedisNode(address, clients.computeIfAbsent(address, this::client));
  }

  private Redis client(String address) {
    RedisOptions options = new RedisOptions().setConnectionString("redis://" + address);
    password.ifPresent(options::setPassword);
    return Redis.createClient(vertx, options);
  }

  /** Reads CLUSTER SLOTS: [first, last, [host, port, id, ...], replicas...] per range. */
  private void read(Response reply) {
    TreeMap<Integer, Range> read = new TreeMap<>();
    for (Response range : reply) {
      Response master = range.get(2);
      read.put(
          range.get(0).toInteger(),
          new Range(
              range.get(1).toInteger(),
              master.get(0).toString() + ":" + master.get(1).toInteger()));
    }
    slots = read;
  }
}
