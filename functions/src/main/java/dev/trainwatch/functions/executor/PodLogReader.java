package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.config.RedisNames;
import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLevel;
import dev.trainwatch.functions.domain.LogLineParser;
import dev.trainwatch.functions.repository.HeldTracebackRepository;
import dev.trainwatch.functions.repository.HeldTracebackRepository.HeldTraceback;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads new log lines of a job's pods from the Kubernetes logs API, with timestamps on, from a
 * cursor kept in Redis per pod ({@code {prefix}:job:{id}:logcursor:{pod}} = the last line's
 * timestamp and how many lines carried it). Each line is returned once, in order, however often the
 * sweep runs; the API's sinceTime has whole seconds, so lines at or before the cursor are dropped
 * here. A traceback still open at the end of a read is held for the pod's next read ({@link
 * HeldTracebackRepository}, source "pod:NAME"), and closed when the pod has ended. Blocking.
 */
@ApplicationScoped
public class PodLogReader {

  private final KubernetesClient client;
  private final ValueCommands<String, String> cursors;
  private final String namespace;
  private final RedisNames names;
  private final HeldTracebackRepository held;
  private final Duration hold;

  public PodLogReader(
      KubernetesClient client,
      RedisDataSource redis,
      HeldTracebackRepository held,
      TrainwatchConfig config) {
    this.client = client;
    this.cursors = redis.value(String.class);
    this.held = held;
    this.hold = config.logs().tracebackHold();
    this.namespace = config.kubernetes().namespace();
    this.names = RedisNames.of(config);
  }

  /** Up to {@code most} new entries of the job's pods (oldest pods first), parsed into levels. */
  public List<LogEntry> read(long jobId, List<Pod> pods, int most) {
    List<LogEntry> entries = new ArrayList<>();
    List<Pod> ordered = new ArrayList<>(pods);
    ordered.sort(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())));
    for (Pod pod : ordered) {
      entries.addAll(readPod(jobId, pod));
    }
    if (entries.size() <= most) {
      return entries;
    }
    int skipped = entries.size() - most;
    List<LogEntry> kept = new ArrayList<>(most + 1);
    kept.add(
        new LogEntry(
            entries.get(skipped).timestamp(),
            LogLevel.WARNING,
            "[trainwatch] "
                + skipped
                + " log lines skipped: more than "
                + most
                + " since the last look"));
    kept.addAll(entries.subList(skipped, entries.size()));
    return kept;
  }

  private List<LogEntry> readPod(long jobId, Pod of) {
    String pod = of.getMetadata().getName();
    String key = names.logCursor(jobId, pod);
    Cursor cursor = Cursor.parse(cursors.get(key));
    String text;
    try {
      var logs = client.pods().inNamespace(namespace).withName(pod).usingTimestamps();
      text =
          cursor.at == null
              ? logs.getLog()
              : logs.sinceTime(cursor.at.truncatedTo(ChronoUnit.SECONDS).toString()).getLog();
    } catch (KubernetesClientException e) {
      Log.debugf("Job %d: no logs of pod %s yet: %s", jobId, pod, e.getMessage());
      return List.of();
    }
    String source = "pod:" + pod;
    Instant now = Instant.now();
    List<LogEntry> entries = new ArrayList<>();
    HeldTraceback taken = held.take(jobId, source).await().indefinitely();
    LogLineParser parser = HeldTraceback.goOn(taken, now, entries);
    Cursor next = cursor;
    int repeatsPassed = 0;
    for (String raw : text == null ? new String[0] : text.split("\n")) {
      int space = raw.indexOf(' ');
      Instant at;
      try {
        at = Instant.parse(space < 0 ? raw : raw.substring(0, space));
      } catch (DateTimeParseException e) {
        continue; // not a timestamped line (the API always prefixes one)
      }
      if (cursor.at != null && at.isBefore(cursor.at)) {
        continue; // read in an earlier look
      }
      if (at.equals(cursor.at) && repeatsPassed < cursor.seenAtSameInstant) {
        repeatsPassed++;
        continue; // one of the lines at the cursor's instant that an earlier look took
      }
      next = next.after(at);
      entries.addAll(parser.accept(at, space < 0 ? "" : raw.substring(space + 1)));
    }
    entries.addAll(parser.endOfBatch());
    if (ended(of)) {
      entries.addAll(parser.finish());
    } else {
      held.hold(jobId, source, parser.held(), now.plus(hold), null).await().indefinitely();
    }
    if (next != cursor) {
      cursors.set(key, next.toString());
    }
    return entries;
  }

  /** Whether the pod's containers have ended for good, so no line will follow. */
  private static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** The last line read: its timestamp, and how many lines so far carried that same timestamp. */
  private record Cursor(Instant at, int seenAtSameInstant) {

    static Cursor parse(String stored) {
      if (stored == null) {
        return new Cursor(null, 0);
      }
      int bar = stored.indexOf('|');
      return new Cursor(
          Instant.parse(stored.substring(0, bar)), Integer.parseInt(stored.substring(bar + 1)));
    }

    Cursor after(Instant instant) {
      return instant.equals(at) ? new Cursor(at, seenAtSameInstant + 1) : new Cursor(instant, 1);
    }

    @Override
    public String toString() {
      return at + "|" + seenAtSameInstant;
    }
  }
}
