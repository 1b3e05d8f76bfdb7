package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.trainwatch.functions.domain.LogLevel;
import dev.trainwatch.functions.domain.LogLine;
import dev.trainwatch.functions.domain.SequencedLog;
import dev.trainwatch.functions.repository.LogRepository;
import dev.trainwatch.functions.service.LogIngestService;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * A job's log: trainers (the SDK) add entries; readers get the stored log, so a page opened late
 * shows what came before: the newest entries (or those before {@code before}), with {@code since}
 * the entries after a seq (for filling a gap), with both the entries between them (a range of a
 * job's timeline), and with {@code level} only those at that level or above.
 */
@Path("/api/v1/training/jobs/{id}/logs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class LogResource {

  private static final int DEFAULT_ENTRIES = 500;
  private static final int MAX_ENTRIES = 5000;

  /** The latest time a log line can carry (TimestampParser takes years 1 to 9999). */
  private static final Instant LAST_TIME = Instant.parse("9999-12-31T23:59:59.999999Z");

  private final Access access;
  private final LogRepository logs;
  private final LogIngestService ingest;

  private final IngestGate gate;
  private final JsonBodyReader json;

  public LogResource(
      Access access,
      LogRepository logs,
      LogIngestService ingest,
      IngestGate gate,
      JsonBodyReader json) {
    this.access = access;
    this.logs = logs;
    this.ingest = ingest;
    this.gate = gate;
    this.json = json;
  }

  /** One entry or a batch {@code {"logs":[...]}}; stored whole or not at all, once per key. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(ref = "./schemas/logs-request.json")))
  public Uni<Map<String, Object>> report(
      @RestPath String id,
      @RestHeader("Idempotency-Key") String key,
      @Parameter(hidden = true) RoutingContext body)
      throws JsonProcessingException {
    long jobId = Params.jobId(id);
    List<LogLine> lines = LogEntryParser.parse(json.read(body), Instant.now());
    String idempotencyKey = Params.idempotencyKey(key);
    return gate.report(jobId, lines.size(), () -> ingest.ingestLines(jobId, lines, idempotencyKey));
  }

  /**
   * A page of at most {@code limit} entries (1 to {@value MAX_ENTRIES}; {@value DEFAULT_ENTRIES} by
   * default), by seq or by the time they were written. By seq: the oldest after {@code since} when
   * it is given (and below {@code before}, if that is given too), else the newest below {@code
   * before}. By time (ISO-8601 or Unix time, as ingest takes them): with {@code from}, the first
   * written from it (up to {@code to}, if given), else the last written up to {@code to}; in the
   * order they were written. {@code level} (DEBUG, INFO, WARNING or ERROR) keeps the entries at
   * that level or above. 400 for a bad parameter or for seqs and times together, 404 as for the
   * job.
   */
  @GET
  public Uni<LogPageView> page(
      @RestPath String id,
      @RestQuery("before") String before,
      @RestQuery("since") String since,
      @RestQuery("from") String from,
      @RestQuery("to") String to,
      @RestQuery("limit") String limit,
      @RestQuery("level") String level) {
    long jobId = Params.jobId(id);
    int most = (int) Params.optionalLong(limit, "limit", 1, MAX_ENTRIES, DEFAULT_ENTRIES);
    long upTo = Params.optionalLong(before, "before", 1, Long.MAX_VALUE, Long.MAX_VALUE);
    long after = Params.optionalLong(since, "since", 0, Long.MAX_VALUE, -1);
    LogLevel floor = level == null ? LogLevel.DEBUG : LogLevel.named(level.strip());
    if (floor == null) {
      throw ApiException.badRequest("'level' must be DEBUG, INFO, WARNING or ERROR");
    }
    boolean byTime = from != null || to != null;
    if (byTime && (before != null || since != null)) {
      throw ApiException.badRequest(
          "give seqs ('since', 'before') or times ('from', 'to'), not both");
    }
    Instant start = from == null ? null : time(from, "from");
    Instant end = to == null ? null : time(to, "to");
    if (start != null && end != null && start.isAfter(end)) {
      throw ApiException.badRequest("'from' is after 'to'");
    }
    return access
        .readableJob(jobId)
        .flatMap(
            job -> {
              if (start != null) {
                return logs.written(jobId, start, end == null ? LAST_TIME : end, floor, most);
              }
              if (end != null) {
                return logs.writtenUntil(jobId, end, floor, most);
              }
              return after >= 0
                  ? logs.between(jobId, after, upTo, floor, most)
                  : logs.tail(jobId, upTo, floor, most);
            })
        .map(entries -> LogPageView.of(jobId, entries, byTime));
  }

  private static Instant time(String text, String name) {
    if (text.isBlank()) {
      throw ApiException.badRequest(
          "'" + name + "' is empty: give a date and time, or leave it out");
    }
    try {
      return TimestampParser.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("'" + name + "' " + e.getMessage());
    }
  }

  /**
   * A page of log entries, oldest first.
   *
   * @param jobId the job
   * @param logs the entries
   * @param nextBefore the {@code before} for the older page, or null when this page starts at seq
   *     1, is empty, or was read by time (a time read is one page: a narrower range reads the rest)
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @RegisterForReflection
  public record LogPageView(long jobId, List<LogView> logs, Long nextBefore) {

    static LogPageView of(long jobId, List<SequencedLog> entries, boolean byTime) {
      Long next = entries.isEmpty() || byTime ? null : entries.get(0).seq();
      return new LogPageView(jobId, entries.stream().map(LogView::of).toList(), next);
    }
  }

  /**
   * One entry, shaped as the {@code log} of a {@code training_log} message plus its seq.
   *
   * @param seq the entry's seq
   * @param message the text
   * @param level DEBUG, INFO, WARNING or ERROR
   * @param timestamp when it was written
   */
  @RegisterForReflection
  public record LogView(long seq, String message, String level, Instant timestamp) {

    static LogView of(SequencedLog log) {
      return new LogView(
          log.seq(), log.entry().message(), log.entry().level().name(), log.entry().timestamp());
    }
  }
}
