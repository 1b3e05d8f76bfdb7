package dev.trainwatch.functions;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** Reads what was published for a job from its Redis history stream, for assertions. */
public final class TestFeed {

  private TestFeed() {}

  /** The job's published messages, oldest first. */
  public static List<String> of(RedisDataSource redis, long jobId) {
    Response entries = redis.execute("XRANGE", "twtest:job:" + jobId + ":history", "-", "+");
    List<String> messages = new ArrayList<>();
    for (Response entry : entries) {
      messages.add(entry.get(1).get(1).toString());
    }
    return messages;
  }

  /** The job's published status changes as "old->new" (with ":reason" when there is one). */
  public static List<String> statusChanges(RedisDataSource redis, long jobId) {
    List<String> changes = new ArrayList<>();
    for (String message : of(redis, jobId)) {
      if (message.contains("\"type\":\"training_status_change\"")) {
        String change = field(message, "old_status") + "->" + field(message, "new_status");
        String reason = field(message, "reason");
        changes.add(reason == null ? change : change + ":" + reason);
      }
    }
    return changes;
  }

  /** The messages of {@code type} (e.g. training_log), oldest first. */
  public static List<String> ofType(RedisDataSource redis, long jobId, String type) {
    return of(redis, jobId).stream().filter(m -> m.contains("\"type\":\"" + type + "\"")).toList();
  }

  /** A string field's value in a flat message, or null. */
  public static String field(String message, String name) {
    String key = "\"" + name + "\":\"";
    int at = message.indexOf(key);
    if (at < 0) {
      return null;
    }
    int start = at + key.length();
    return message.substring(start, message.indexOf('"', start));
  }

  /** The messages of the job's training_log events, in seq order. */
  public static List<String> logMessages(RedisDataSource redis, long jobId) {
    return ofType(redis, jobId, "training_log").stream().map(m -> field(m, "message")).toList();
  }
}
