package dev.trainwatch.functions.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainwatch.functions.config.RedisNames;
import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLineParser;
import dev.trainwatch.functions.domain.LogLineParser.Held;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Tracebacks left open at the end of a batch, per job and source (an API caller, a pod), kept in
 * Redis until the source's next batch takes them or their time is up. {@code
 * {prefix}:job:{id}:traceback:{source}} holds "due-millis\n{"at":...,"cut":N,"lines":[...]}", and
 * the sorted set {@code {prefix}:tracebacks} indexes them by due time ("id:source"), so a sweep
 * finds those nobody came back for. Every script touches one key, so this works on a Redis Cluster
 * too.
 *
 * <p>Taking is atomic: a held traceback is taken by exactly one batch or sweep, never twice. One
 * writer per source is assumed (the SDK sends a job's batches one at a time; one sweep reads a
 * pod).
 */
@ApplicationScoped
public class HeldTracebackRepository {

  /**
   * A held traceback.
   *
   * @param jobId its job
   * @param source where its lines came from ("api", "pod:NAME")
   * @param held its first line's time and its lines
   * @param due when it is stored as it is, if its source has not gone on with it
   * @param idempotencyKey the key of the request that held it; null for none
   */
  public record HeldTraceback(
      long jobId, String source, Held held, Instant due, String idempotencyKey) {

    /**
     * A parser for the source's next lines that goes on with {@code taken}; or, when its time is up
     * at {@code now}, a new one, after adding {@code taken}'s traceback as it is to {@code
     * entries}. A new parser when {@code taken} is null.
     */
    public static LogLineParser goOn(HeldTraceback taken, Instant now, List<LogEntry> entries) {
      if (taken == null) {
        return new LogLineParser();
      }
      if (taken.due().isAfter(now)) {
        return new LogLineParser(taken.held());
      }
      entries.addAll(new LogLineParser(taken.held()).finish());
      return new LogLineParser();
    }
  }

  // Deletes and returns the value when its due time (before the newline) has passed; "gone" when
  // there is none (a batch took it, or it expired), false when its time is not up.
  private static final String TAKE_IF_DUE =
      "local v = redis.call('GET', KEYS[1]) "
          + "if not v then return 'gone' end "
          + "local due = tonumber(string.sub(v, 1, string.find(v, '\\n') - 1)) "
          + "if due > tonumber(ARGV[1]) then return false end "
          + "redis.call('DEL', KEYS[1]) return v";

  private static final int MOST_PER_SWEEP = 100;

  private final RedisAPI redis;
  private final ObjectMapper json;
  private final RedisNames names;

  public HeldTracebackRepository(RedisAPI redis, ObjectMapper json, TrainwatchConfig config) {
    this.redis = redis;
    this.json = json;
    this.names = RedisNames.of(config);
  }

  /** Takes the traceback held for {@code source} of a job; null when none is. */
  public Uni<HeldTraceback> take(long jobId, String source) {
    return redis
        .getdel(key(jobId, source))
        .call(
            value ->
                value == null // the common case: nothing held, so nothing indexed either
                    ? Uni.createFrom().nullItem()
                    : redis.zrem(List.of(index(), member(jobId, source))))
        .map(value -> value == null ? null : parse(jobId, source, value.toString()));
  }

  /**
   * Holds {@code held} for {@code source} of a job until {@code due}, noting the idempotency key of
   * the request that left it open (null for none); nothing when {@code held} is null.
   */
  public Uni<Void> hold(long jobId, String source, Held held, Instant due, String idempotencyKey) {
    if (held == null) {
      return Uni.createFrom().voidItem();
    }
    ObjectNode value =
        json.createObjectNode().put("at", held.at().toString()).put("cut", held.cut());
    if (idempotencyKey != null) {
      value.put("key", idempotencyKey);
    }
    ArrayNode lines = value.putArray("lines");
    held.lines().forEach(lines::add);
    String stored;
    try {
      stored = due.toEpochMilli() + "\n" + json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings is always written", e);
    }
    return redis
        .set(List.of(key(jobId, source), stored, "PX", Long.toString(keepFor(due))))
        .chain(
            () ->
                redis.zadd(
                    List.of(index(), Long.toString(due.toEpochMilli()), member(jobId, source))))
        .replaceWithVoid();
  }

  /** Takes up to 100 held tracebacks whose time is up at {@code now}. */
  public Uni<List<HeldTraceback>> takeDue(Instant now) {
    String millis = Long.toString(now.toEpochMilli());
    return redis
        .zrangebyscore(List.of(index(), "-inf", millis, "LIMIT", "0", "" + MOST_PER_SWEEP))
        .chain(
            members -> {
              List<Uni<HeldTraceback>> taken = new ArrayList<>();
              for (Response member : members) {
                String name = member.toString();
                int colon = name.indexOf(':');
                long jobId = Long.parseLong(name.substring(0, colon));
                String source = name.substring(colon + 1);
                taken.add(takeIfDue(jobId, source, millis));
              }
              return taken.isEmpty()
                  ? Uni.createFrom().item(List.<HeldTraceback>of())
                  : Uni.join().all(taken).andFailFast();
            })
        .map(all -> all.stream().filter(held -> held != null).toList());
  }

  private Uni<HeldTraceback> takeIfDue(long jobId, String source, String now) {
    return redis
        .eval(List.of(TAKE_IF_DUE, "1", key(jobId, source), now))
        .call(
            value ->
                value == null
                    ? Uni.createFrom().nullItem()
                    : redis.zrem(List.of(index(), member(jobId, source))))
        .map(
            value ->
                value == null || value.toString().equals("gone")
                    ? null
                    : parse(jobId, source, value.toString()));
  }

  private HeldTraceback parse(long jobId, String source, String value) {
    int newline = value.indexOf('\n');
    try {
      JsonNode tree = json.readTree(value.substring(newline + 1));
      List<String> lines = new ArrayList<>();
      tree.get("lines").forEach(line -> lines.add(line.asText()));
      return new HeldTraceback(
          jobId,
          source,
          new Held(Instant.parse(tree.get("at").asText()), lines, tree.path("cut").asLong(0)),
          Instant.ofEpochMilli(Long.parseLong(value.substring(0, newline))),
          tree.hasNonNull("key") ? tree.get("key").asText() : null);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a held traceback is written by hold()", e);
    }
  }

  /** Kept a day past due, so one a sweep never came for does not stay forever. */
  private static long keepFor(Instant due) {
    return Math.max(1, due.toEpochMilli() - System.currentTimeMillis()) + 86_400_000L;
  }

  private String key(long jobId, String source) {
    return names.traceback(jobId, source);
  }

  private String index() {
    return names.tracebacks();
  }

  private static String member(long jobId, String source) {
    return jobId + ":" + source;
  }
}
