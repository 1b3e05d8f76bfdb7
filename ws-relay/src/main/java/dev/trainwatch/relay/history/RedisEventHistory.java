package dev.trainwatch.relay.history;

import dev.trainwatch.relay.config.RedisNames;
import dev.trainwatch.relay.config.RelayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Reads the history stream the functions append to ({@code {prefix}:job:{id}:history}, entry id
 * {@code 0-{seq}}, field {@code m}) over the pooled Redis client, never the subscriber connection.
 */
@ApplicationScoped
public class RedisEventHistory implements EventHistory {

  private final RedisAPI redis;
  private final RedisNames names;

  public RedisEventHistory(RedisAPI redis, RelayConfig config) {
    this.redis = redis;
    this.names = RedisNames.of(config);
  }

  @Override
  public CompletionStage<HistoryRange> after(long jobId, long since) {
    String key = names.history(jobId);
    return redis
        .xrange(List.of(key, "0-" + (since + 1), "+"))
        .flatMap(
            entries -> {
              List<String> messages = new ArrayList<>(entries.size());
              long first = -1;
              for (Response entry : entries) {
                if (first < 0) {
                  first = seqOf(entry.get(0).toString());
                }
                messages.add(entry.get(1).get(1).toString());
              }
              if (first >= 0) {
                return Uni.createFrom().item(new HistoryRange(messages, first == since + 1));
              }
              // Nothing after since: complete when since is the newest event, or the job has none
              // yet.
              return redis
                  .xrevrange(List.of(key, "+", "-", "COUNT", "1"))
                  .map(
                      newest ->
                          new HistoryRange(
                              messages,
                              newest.size() == 0
                                  ? since == 0
                                  : seqOf(newest.get(0).get(0).toString()) == since));
            })
        .subscribeAsCompletionStage();
  }

  private static long seqOf(String entryId) {
    return Long.parseLong(entryId.substring(entryId.indexOf('-') + 1));
  }
}
