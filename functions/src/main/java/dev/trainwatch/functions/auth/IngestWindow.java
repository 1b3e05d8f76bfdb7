package dev.trainwatch.functions.auth;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.repository.JobStateRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a job's ingest token still writes: until the job ends, and for {@code ingest-grace} (10
 * minutes) after, for the trainer's last flush. An end is remembered for good (a job never starts
 * again); that a job still runs is asked again after {@value #RECHECK_SECONDS} s, so a token stops
 * at most that long after its grace.
 */
@ApplicationScoped
public class IngestWindow {

  static final long RECHECK_SECONDS = 5;

  private static final int REMEMBERED = 100_000;

  private final JobStateRepository states;
  private final Duration grace;

  /** What was seen of a job: when it ended (null: still running) and when that was read. */
  private record Seen(Instant ended, Instant readAt) {}

  private final Map<Long, Seen> known = new ConcurrentHashMap<>();

  public IngestWindow(JobStateRepository states, TrainwatchConfig config) {
    this.states = states;
    this.grace = config.auth().ingestGrace();
  }

  /** Whether job {@code jobId}'s ingest token may still write now (true for a job that is gone). */
  public Uni<Boolean> open(long jobId) {
    Instant now = Instant.now();
    Seen seen = known.get(jobId);
    if (seen != null
        && (seen.ended() != null || seen.readAt().plusSeconds(RECHECK_SECONDS).isAfter(now))) {
      return Uni.createFrom().item(writable(seen.ended(), now));
    }
    return states
        .finishedAt(jobId)
        .map(
            ended -> {
              if (ended == null) {
                return true; // no such job: the store answers 404
              }
              if (known.size() > REMEMBERED) {
                known.clear();
              }
              known.put(jobId, new Seen(ended.orElse(null), now));
              return writable(ended.orElse(null), now);
            });
  }

  private boolean writable(Instant ended, Instant now) {
    return ended == null || ended.plus(grace).isAfter(now);
  }
}
