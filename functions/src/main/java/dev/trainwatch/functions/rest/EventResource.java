package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.event.OutboundEvent;
import dev.trainwatch.functions.event.StoredEventSource;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * A job's events after a seq, exactly as they were pushed (every type, in seq order), so a client
 * that saw a gap or reconnected fills it with one request and no duplicate. Repeated {@code type}
 * parameters keep only those types: a job page reads the status changes, alerts and pod events of
 * its timeline this way without reading every metric point and log line.
 */
@Path("/api/v1/training/jobs/{id}/events")
@Authenticated
public class EventResource {

  private static final int DEFAULT_EVENTS = 10_000;
  private static final int MAX_EVENTS = 100_000;

  private final Access access;
  private final StoredEventSource events;

  public EventResource(Access access, StoredEventSource events) {
    this.access = access;
    this.events = events;
  }

  /**
   * {@code {"job_id":N,"events":[...],"next_since":S}}; events are the protocol's messages. 400 for
   * a {@code type} that is no stored event type.
   */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @APIResponse(
      responseCode = "200",
      description = "the job's events after since, in seq order",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(ref = "./schemas/events-page.json")))
  public Uni<String> after(
      @RestPath String id,
      @RestQuery("since") String since,
      @RestQuery("limit") String limit,
      @RestQuery("type") List<String> type) {
    long jobId = Params.jobId(id);
    long after = Params.optionalLong(since, "since", 0, Long.MAX_VALUE - MAX_EVENTS - 1, 0);
    int most = (int) Params.optionalLong(limit, "limit", 1, MAX_EVENTS, DEFAULT_EVENTS);
    Set<String> types = type == null ? Set.of() : Set.copyOf(type);
    for (String name : types) {
      if (!events.typeNames().contains(name)) {
        throw ApiException.badRequest(
            "'type' must name a stored event type, one of " + events.typeNames());
      }
    }
    return access
        .readableJob(jobId)
        .flatMap(
            job ->
                types.isEmpty()
                    ? events.between(jobId, after, after + most + 1)
                    : events.ofTypes(jobId, after, types, most))
        .map(found -> body(jobId, after, found));
  }

  /** Written by hand: the events are JSON text already and go out as they are. */
  private static String body(long jobId, long since, List<OutboundEvent> found) {
    StringBuilder out = new StringBuilder(64 + found.size() * 160);
    out.append("{\"job_id\":").append(jobId).append(",\"events\":[");
    for (int i = 0; i < found.size(); i++) {
      out.append(i == 0 ? "" : ",").append(found.get(i).json());
    }
    long next = found.isEmpty() ? since : found.get(found.size() - 1).seq();
    return out.append("],\"next_since\":").append(next).append('}').toString();
  }
}
