package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.trainwatch.functions.domain.MetricPoint;
import dev.trainwatch.functions.domain.SequencedPoint;
import dev.trainwatch.functions.domain.StoredText;
import dev.trainwatch.functions.repository.MetricRepository;
import dev.trainwatch.functions.service.MetricExportService;
import dev.trainwatch.functions.service.MetricIngestService;
import io.micrometer.core.annotation.Timed;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
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
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Takes the metrics a trainer reports and serves a job's metric history. */
@Path("/api/v1/training/jobs/{id}/metrics")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class MetricResource {

  private static final int DEFAULT_HISTORY_POINTS = 10_000;
  private static final int MAX_HISTORY_POINTS = 100_000;
  private static final int DEFAULT_BUCKETS = 1_000;
  private static final int MAX_BUCKETS = 5_000;

  private final MetricPointParser parser;
  private final MetricIngestService ingest;
  private final IngestGate gate;
  private final JsonBodyReader json;
  private final Access access;
  private final MetricExportService export;

  public MetricResource(
      MetricPointParser parser,
      MetricIngestService ingest,
      IngestGate gate,
      JsonBodyReader json,
      Access access,
      MetricExportService export) {
    this.export = export;
    this.parser = parser;
    this.ingest = ingest;
    this.gate = gate;
    this.json = json;
    this.access = access;
  }

  /**
   * A single point, or a batch {@code {"points":[...]}}; stored whole or not at all, and once per
   * {@code Idempotency-Key}.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Timed(value = "trainwatch.ingest.requests", description = "Metric ingest requests")
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(ref = "./schemas/metrics-request.json")))
  public Uni<Map<String, Object>> report(
      @RestPath String id,
      @RestHeader("Idempotency-Key") String key,
      @Parameter(hidden = true) RoutingContext body)
      throws JsonProcessingException {
    long jobId = Params.jobId(id);
    List<MetricPoint> points = parser.parse(json.read(body), Instant.now());
    String idempotencyKey = Params.idempotencyKey(key);
    return gate.report(jobId, points.size(), () -> ingest.ingest(jobId, points, idempotencyKey));
  }

  /**
   * Stored points in seq order after {@code since} (a seq, exclusive), optionally only the metrics
   * named by repeated {@code name} parameters; {@code next_since} continues the listing.
   */
  @GET
  public Uni<MetricHistoryView> history(
      @RestPath String id,
      @RestQuery("name") List<String> names,
      @RestQuery("since") String since,
      @RestQuery("limit") String limit) {
    long jobId = Params.jobId(id);
    long after = Params.optionalLong(since, "since", 0, Long.MAX_VALUE, 0);
    int most =
        (int) Params.optionalLong(limit, "limit", 1, MAX_HISTORY_POINTS, DEFAULT_HISTORY_POINTS);
    return access
        .readableJob(jobId)
        .flatMap(
            job ->
                ingest.history(
                    jobId,
                    after,
                    names == null ? null : names.stream().map(StoredText::of).toList(),
                    most))
        .map(points -> MetricHistoryView.of(jobId, after, points));
  }

  /**
   * Every stored point as CSV (columns and values: {@link MetricExportService}), for {@code Accept:
   * text/csv} or {@code ?format=csv} ({@link MetricFormatFilter}). Streamed a page at a time, so
   * any length of history is served in constant memory; 404 as for the JSON history. Repeated
   * {@code name} parameters choose the metrics; 400 when there would be more than {@value
   * MetricExportService#MAX_COLUMNS} metric columns.
   */
  @GET
  @Produces("text/csv")
  public Multi<String> csv(@RestPath String id, @RestQuery("name") List<String> wanted) {
    long jobId = Params.jobId(id);
    List<String> chosen = wanted == null ? List.of() : wanted.stream().map(StoredText::of).toList();
    return RestMulti.fromUniResponse(
        access
            .readableJob(jobId)
            .flatMap(job -> export.columns(jobId, chosen))
            .invoke(
                columns -> {
                  if (columns.size() > MetricExportService.MAX_COLUMNS) {
                    throw ApiException.badRequest(
                        "the job has "
                            + columns.size()
                            + " metrics, more than the "
                            + MetricExportService.MAX_COLUMNS
                            + " one CSV takes; choose them with name=");
                  }
                }),
        names -> export.csv(jobId, names),
        names ->
            Map.of(
                "Content-Disposition",
                List.of("attachment; filename=\"job-" + jobId + "-metrics.csv\"")));
  }

  /**
   * Metric {@code name} in at most {@code buckets} buckets (1 to 5,000; 1,000 by default) of equal
   * seq width, each with its finite minimum and maximum, so a chart of any length is drawn at once
   * with its spikes kept. {@code since} and {@code before} (seqs, both excluded) bound the points:
   * a page draws the history up to the job's {@code last_seq}, and a range it zooms into at a finer
   * grain (with as many buckets as points there, every point). 400 without a name, 404 as for the
   * history.
   */
  @GET
  @Path("/overview")
  public Uni<MetricOverviewView> overview(
      @RestPath String id,
      @RestQuery("name") String name,
      @RestQuery("buckets") String buckets,
      @RestQuery("since") String since,
      @RestQuery("before") String before) {
    long jobId = Params.jobId(id);
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest("'name' is required: the metric to draw");
    }
    int most = (int) Params.optionalLong(buckets, "buckets", 1, MAX_BUCKETS, DEFAULT_BUCKETS);
    long after = Params.optionalLong(since, "since", 0, Long.MAX_VALUE, 0);
    long upTo = Params.optionalLong(before, "before", 1, Long.MAX_VALUE, Long.MAX_VALUE);
    String metric = StoredText.of(name);
    return access
        .readableJob(jobId)
        .flatMap(job -> ingest.overview(jobId, metric, after, upTo, most))
        .map(found -> new MetricOverviewView(jobId, metric, found));
  }

  /** {@code {"job_id":N,"names":[...]}}: every metric the job reported, sorted; 404 as above. */
  @GET
  @Path("/names")
  public Uni<MetricNamesView> names(@RestPath String id) {
    long jobId = Params.jobId(id);
    return access
        .readableJob(jobId)
        .flatMap(job -> ingest.names(jobId))
        .map(names -> new MetricNamesView(jobId, names));
  }

  /**
   * The metrics of a job.
   *
   * @param jobId the job
   * @param names every metric name it reported, sorted
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @RegisterForReflection
  public record MetricNamesView(long jobId, List<String> names) {}

  /**
   * A metric's overview.
   *
   * @param jobId the job
   * @param name the metric
   * @param buckets its buckets in seq order; none when the job has no such metric
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @RegisterForReflection
  public record MetricOverviewView(
      long jobId, String name, List<MetricRepository.OverviewBucket> buckets) {}

  /**
   * A page of metric history.
   *
   * @param jobId the job
   * @param points the points, each with its seq
   * @param nextSince the seq to pass as {@code since} for the next page
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @RegisterForReflection
  public record MetricHistoryView(long jobId, List<PointView> points, long nextSince) {

    static MetricHistoryView of(long jobId, long since, List<SequencedPoint> points) {
      long next = points.isEmpty() ? since : points.get(points.size() - 1).seq();
      return new MetricHistoryView(jobId, points.stream().map(PointView::of).toList(), next);
    }
  }

  /**
   * One stored point, shaped as in a {@code training_metrics} message plus its seq.
   *
   * @param seq the job's event number of this point
   * @param epoch the epoch
   * @param step the step, or null
   * @param metrics metric name to value; NaN and infinities as strings
   * @param timestamp when it was measured
   */
  @RegisterForReflection
  public record PointView(
      long seq, int epoch, Long step, Map<String, Double> metrics, Instant timestamp) {

    static PointView of(SequencedPoint p) {
      return new PointView(
          p.seq(), p.point().epoch(), p.point().step(), p.point().metrics(), p.point().timestamp());
    }
  }
}
