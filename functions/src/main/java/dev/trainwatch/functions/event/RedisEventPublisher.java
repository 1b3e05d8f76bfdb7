package dev.trainwatch.functions.event;

import dev.trainwatch.functions.config.RedisNames;
import dev.trainwatch.functions.config.TrainwatchConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes through one Lua script (resources/redis/publish.lua) that appends each event to the
 * job's capped history stream, SPUBLISHes it on the job's shard channel and PUBLISHes it on the
 * session's channel, atomically and in seq order (on a Redis Cluster too: the job's names share a
 * slot).
 *
 * <p>Ordering: sequence numbers are taken under the job row's lock, so every lower number is
 * committed before a batch reaches here. When a concurrent or failed earlier batch has not been
 * published yet, the script says so and this class reads the missing events back from storage and
 * publishes them first. It does not retry on its own when Redis is down; the events stay stored and
 * the job's next publish fills the gap.
 */
@ApplicationScoped
public class RedisEventPublisher implements EventPublisher {

  private final String script = readScript();
  private final RedisAPI redis;
  private final StoredEventSource stored;
  private final TrainwatchConfig.Events config;
  private final RedisNames names;
  private final Counter published;
  private volatile String scriptSha;

  public RedisEventPublisher(
      RedisAPI redis, StoredEventSource stored, TrainwatchConfig config, MeterRegistry registry) {
    this.redis = redis;
    this.stored = stored;
    this.config = config.events();
    this.names = RedisNames.of(config);
    this.published =
        Counter.builder("trainwatch.events.published")
            .description("Events appended to a job's history and published")
            .register(registry);
  }

  @Override
  public Uni<Void> publish(JobAddress job, List<OutboundEvent> events) {
    if (events.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return run(job, events, false)
        .flatMap(
            reply -> {
              if (reply.get(0).toInteger() == 1) {
                return count(reply);
              }
              long last = reply.get(1).toLong();
              long first = events.get(0).seq();
              boolean tooOld = first - last - 1 > config.historyLength();
              Uni<List<OutboundEvent>> missing =
                  tooOld
                      ? Uni.createFrom().item(List.of())
                      : stored.between(job.jobId(), last, first);
              return missing.flatMap(
                  earlier -> {
                    List<OutboundEvent> all = new ArrayList<>(earlier);
                    all.addAll(events);
                    if (tooOld || earlier.size() != first - last - 1) {
                      Log.warnf(
                          "Job %d: events %d to %d are not all stored or too many to replay; publishing on",
                          job.jobId(), last + 1, first - 1);
                    }
                    return run(job, all, true).flatMap(this::count);
                  });
            });
  }

  private Uni<Void> count(Response reply) {
    published.increment(reply.get(1).toLong());
    return Uni.createFrom().voidItem();
  }

  private Uni<Response> run(JobAddress job, List<OutboundEvent> events, boolean acrossGap) {
    List<String> args = new ArrayList<>(8 + 2 * events.size());
    args.add(null); // the script's SHA, filled in below
    args.add("2");
    args.add(names.history(job.jobId()));
    args.add(names.jobChannel(job.jobId()));
    args.add(job.sessionId() == null ? "" : names.sessionChannel(job.project(), job.sessionId()));
    args.add(Integer.toString(config.historyLength()));
    args.add(Long.toString(Math.max(1, config.historyTtl().toSeconds())));
    args.add(acrossGap ? "1" : "0");
    for (OutboundEvent event : events) {
      args.add(Long.toString(event.seq()));
      args.add(event.json());
    }
    return loadedSha()
        .flatMap(
            sha -> {
              args.set(0, sha);
              return redis.evalsha(args);
            })
        .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"))
        .recoverWithUni(
            () -> {
              // This node has not seen the script (SCRIPT LOAD reaches one node of a cluster, and a
              // restart empties the cache): EVAL runs it and leaves it cached there for EVALSHA.
              List<String> withScript = new ArrayList<>(args);
              withScript.set(0, script);
              return redis.eval(withScript);
            });
  }

  private Uni<String> loadedSha() {
    String sha = scriptSha;
    if (sha != null) {
      return Uni.createFrom().item(sha);
    }
    return redis
        .script(List.of("LOAD", script))
        .map(
            reply -> {
              scriptSha = reply.toString();
              return scriptSha;
            });
  }

  private static String readScript() {
    try (InputStream in =
        RedisEventPublisher.class.getClassLoader().getResourceAsStream("redis/publish.lua")) {
      if (in == null) {
        throw new IllegalStateException("redis/publish.lua is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
