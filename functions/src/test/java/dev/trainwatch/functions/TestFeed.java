package dev.trainwatch.functions;

import dev.trainwatch.functions.config.RedisNames;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads what was published for a job, for assertions: from its Redis history stream, or as it is
 * published on its shard channel.
 */
public final class TestFeed {

  /** The names under the tests' prefix ({@code twtest}, application.properties). */
  public static final RedisNames NAMES = new RedisNames("twtest");

  private static final Duration WAIT = Duration.ofSeconds(5);

  private TestFeed() {}

  /** What a job's shard channel carries from the moment {@link #listen} returns until closed. */
  public static final class Heard implements AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final RedisConnection connection;

    private Heard(RedisConnection connection) {
      this.connection = connection;
    }

    /** The messages heard so far, oldest first. */
    public List<String> messages() {
      return messages;
    }

    @Override
    public void close() {
      connection.closeAndForget();
    }
  }

  /** Subscribes to the job's shard channel (SSUBSCRIBE) on a connection of its own. */
  public static Heard listen(Redis redis, long jobId) {
    Heard heard = new Heard(redis.connect().await().atMost(WAIT));
    heard.connection.handler(
        push -> {
          if (push.size() == 3 && "smessage".equals(push.get(0).toString())) {
            heard.messages.add(push.get(2).toString());
          }
        });
    heard
        .connection
        .send(Request.cmd(Command.SSUBSCRIBE).arg(NAMES.jobChannel(jobId)))
        .await()
        .atMost(WAIT);
    return heard;
  }

  /** The job's published messages, oldest first. */
  public static List<String> of(RedisDataSource redis, long jobId) {
    Response entries = redis.execute("XRANGE", NAMES.history(jobId), "-", "+");
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
