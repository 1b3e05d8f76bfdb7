package dev.trainwatch.functions.event;

import dev.trainwatch.functions.config.RedisNames;
import dev.trainwatch.functions.config.TrainwatchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what Redis holds of a deleted job: every {@code {prefix}:job:{id}:*} key (pod log
 * cursors, held tracebacks) and its members of {@code {prefix}:tracebacks}; its history stream is
 * cut to its last event, {@code training_job_deleted}, kept a day, so that a socket that resumes
 * the job later is told it was deleted rather than that nothing happened. Found with SCAN, so it
 * does not block Redis; on a Redis Cluster, SCAN reads one node only, which this does not handle.
 */
@ApplicationScoped
public class RedisJobKeys {

  private final RedisAPI redis;
  private final RedisNames names;

  public RedisJobKeys(RedisAPI redis, TrainwatchConfig config) {
    this.redis = redis;
    this.names = RedisNames.of(config);
  }

  /** How long the history of a deleted job keeps its last event. */
  private static final String DELETED_HISTORY_SECONDS = "86400";

  /** Removes the job's keys but its history's last event; done when none is left. */
  public Uni<Void> forget(long jobId) {
    String history = names.history(jobId);
    return redis
        .xtrim(List.of(history, "MAXLEN", "1"))
        .chain(() -> redis.expire(List.of(history, DELETED_HISTORY_SECONDS)))
        .chain(() -> scan(null, "0", names.jobKeys(jobId), history))
        .chain(() -> scan(names.tracebacks(), "0", jobId + ":*", null));
  }

  /**
   * One SCAN (or ZSCAN of {@code key}) page from {@code cursor} for {@code match}; removes what it
   * found but {@code keep}, then goes on until the cursor is back at 0.
   */
  private Uni<Void> scan(String key, String cursor, String match, String keep) {
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
            String item = items.get(i).toString();
            if (!item.equals(keep)) {
              found.add(item);
            }
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
              () -> next.equals("0") ? Uni.createFrom().voidItem() : scan(key, next, match, keep));
        });
  }
}
