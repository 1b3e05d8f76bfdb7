package dev.trainwatch.functions.event;

import dev.trainwatch.functions.config.TrainwatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what Redis holds of a deleted job: every {@code {prefix}:job:{id}:*} key (its history
 * stream, pod log cursors, held tracebacks) and its members of {@code {prefix}:tracebacks}. Found
 * with SCAN, so it does not block Redis; on a Redis Cluster, SCAN reads one node only, which this
 * does not handle.
 */
@ApplicationScoped
public class RedisJobKeys {

  private final RedisAPI redis;
  private final String prefix;

  public RedisJobKeys(RedisAPI redis, TrainwatchConfig config) {
    this.redis = redis;
    this.prefix = config.events().keyPrefix();
  }

  /** Removes the job's keys; done when none is left. */
  public Uni<Void> forget(long jobId) {
    return scan(null, "0", prefix + ":job:" + jobId + ":*")
        .chain(() -> scan(prefix + ":tracebacks", "0", jobId + ":*"));
  }

  /**
   * One SCAN (or ZSCAN of {@code key}) page from {@code cursor} for {@code match}; removes what it
   * found, then goes on until the cursor is back at 0.
   */
  private Uni<Void> scan(String key, String cursor, String match) {
    List<String> args = new ArrayList<>();
    if (key != null) {
      args.add(key);
    }
    args.addAll(List.of(cursor, "MATCH", match, "COUNT", "1000"));
    Uni<Response> page = key == null ? redis.scan(args) : redis.zscan(args);
    return page.chain(
        reply -> {
          String next = reply.get(0).toString();
          List<String> found = new ArrayList<>();
          Response items = reply.get(1);
          // ZSCAN answers member, score, member, score ...
          for (int i = 0; i < items.size(); i += key == null ? 1 : 2) {
            found.add(items.get(i).toString());
          }
          Uni<?> removed;
          if (found.isEmpty()) {
            removed = Uni.createFrom().voidItem();
          } else if (key == null) {
            removed = redis.unlink(found);
          } else {
            List<String> zrem = new ArrayList<>(found.size() + 1);
            zrem.add(key);
            zrem.addAll(found);
            removed = redis.zrem(zrem);
          }
          return removed.chain(
              () -> next.equals("0") ? Uni.createFrom().voidItem() : scan(key, next, match));
        });
  }
}
