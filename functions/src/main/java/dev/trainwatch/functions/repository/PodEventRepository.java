package dev.trainwatch.functions.repository;

import dev.trainwatch.functions.domain.PodEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's pod events in PostgreSQL, each Event object (uid) once. Storing locks the job's row
 * first, then numbers only the events not stored yet: two sweeps, or a sweep and an ApiServerSource
 * event, that see the same Event store it once, and the job's seq has no gap.
 */
@ApplicationScoped
public class PodEventRepository {

  private static final String LOCK = "SELECT 1 FROM training_jobs WHERE id = $1 FOR UPDATE";

  /** The events of $2.. not stored yet, numbered from the job's next seq, in time order. */
  private static final String INSERT =
      """
      WITH fresh AS (
        SELECT v.*, row_number() OVER (ORDER BY v.ts, v.uid) AS n
        FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                    $8::timestamptz[]) AS v(uid, pod, event_type, reason, message, count, ts)
        WHERE NOT EXISTS (SELECT 1 FROM pod_events p WHERE p.job_id = $1 AND p.uid = v.uid)),
      job AS (
        UPDATE training_jobs SET last_seq = last_seq + (SELECT count(*) FROM fresh)
        WHERE id = $1 AND EXISTS (SELECT 1 FROM fresh)
        RETURNING last_seq - (SELECT count(*) FROM fresh) AS base_seq, session_id, project)
      INSERT INTO pod_events (job_id, seq, uid, pod, event_type, reason, message, count, ts)
      SELECT $1, job.base_seq + fresh.n, fresh.uid, fresh.pod, fresh.event_type, fresh.reason,
             fresh.message, fresh.count, fresh.ts
      FROM job, fresh
      RETURNING seq, uid, (SELECT session_id FROM job) AS session_id,
                (SELECT project FROM job) AS project
      """;

  private static final String BETWEEN =
      """
      SELECT seq, uid, pod, event_type, reason, message, count, ts FROM pod_events
      WHERE job_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT $4
      """;

  /**
   * What one store did: the events stored now, in seq order from {@code stored.firstSeq()}; none
   * (and a null batch) when every event was stored before or the job is gone.
   *
   * @param stored where the new events start, and the job's session and project
   * @param events the new events, in seq order
   */
  public record StoredEvents(StoredBatch stored, List<PodEvent> events) {}

  private final Pool pool;

  public PodEventRepository(Pool pool) {
    this.pool = pool;
  }

  /** Stores the events of {@code jobId} it does not have yet (by uid). */
  public Uni<StoredEvents> insertNew(long jobId, List<PodEvent> events) {
    Map<String, PodEvent> byUid = new LinkedHashMap<>();
    events.forEach(e -> byUid.putIfAbsent(e.uid(), e));
    List<PodEvent> unique = List.copyOf(byUid.values());
    if (unique.isEmpty()) {
      return Uni.createFrom().item(new StoredEvents(null, List.of()));
    }
    Tuple args =
        Tuple.tuple()
            .addLong(jobId)
            .addArrayOfString(unique.stream().map(PodEvent::uid).toArray(String[]::new))
            .addArrayOfString(unique.stream().map(PodEvent::pod).toArray(String[]::new))
            .addArrayOfString(unique.stream().map(PodEvent::type).toArray(String[]::new))
            .addArrayOfString(unique.stream().map(PodEvent::reason).toArray(String[]::new))
            .addArrayOfString(unique.stream().map(PodEvent::message).toArray(String[]::new))
            .addArrayOfInteger(unique.stream().map(PodEvent::count).toArray(Integer[]::new))
            .addArrayOfOffsetDateTime(
                unique.stream()
                    .map(e -> e.at().atOffset(ZoneOffset.UTC))
                    .toArray(OffsetDateTime[]::new));
    return pool.withTransaction(
        connection ->
            connection
                .preparedQuery(LOCK)
                .execute(Tuple.of(jobId))
                .flatMap(locked -> connection.preparedQuery(INSERT).execute(args))
                .map(
                    rows -> {
                      List<Row> stored = new ArrayList<>();
                      rows.forEach(stored::add);
                      if (stored.isEmpty()) {
                        return new StoredEvents(null, List.of());
                      }
                      stored.sort(Comparator.comparingLong(r -> r.getLong("seq")));
                      Row first = stored.get(0);
                      List<PodEvent> fresh =
                          stored.stream().map(r -> byUid.get(r.getString("uid"))).toList();
                      return new StoredEvents(
                          new StoredBatch(
                              first.getLong("seq"),
                              first.getLong("session_id"),
                              first.getString("project")),
                          fresh);
                    }));
  }

  /** The job's stored pod events with afterSeq &lt; seq &lt; beforeSeq, at most {@code most}. */
  public Uni<List<Sequenced>> between(long jobId, long afterSeq, long beforeSeq, int most) {
    return pool.preparedQuery(BETWEEN)
        .execute(Tuple.of(jobId, afterSeq, beforeSeq, most))
        .map(
            rows -> {
              List<Sequenced> events = new ArrayList<>();
              for (Row r : rows) {
                events.add(
                    new Sequenced(
                        r.getLong("seq"),
                        new PodEvent(
                            r.getString("uid"),
                            r.getString("pod"),
                            r.getString("event_type"),
                            r.getString("reason"),
                            r.getString("message"),
                            r.getInteger("count"),
                            r.getOffsetDateTime("ts").toInstant())));
              }
              return events;
            });
  }

  /**
   * A stored pod event and its seq.
   *
   * @param seq the job's event number
   * @param event the event
   */
  public record Sequenced(long seq, PodEvent event) {}
}
