package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trainwatch.functions.service.JobAlreadyFinishedException;
import dev.trainwatch.functions.service.NoSuchJobException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every refusal into the one JSON error shape: {"error": code, "message": what is wrong}. */
public class ApiErrorMapper {

  @ServerExceptionMapper
  public Response refused(ApiException e) {
    return body(e.status(), e.error(), e.getMessage());
  }

  @ServerExceptionMapper
  public Response noSuchJob(NoSuchJobException e) {
    return body(404, "not_found", e.getMessage());
  }

  @ServerExceptionMapper
  public Response alreadyFinished(JobAlreadyFinishedException e) {
    return body(409, "job_finished", e.getMessage());
  }

  @ServerExceptionMapper
  public Response malformedJson(JsonProcessingException e) {
    return body(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
  }

  /**
   * What the REST layer refuses itself: unknown paths, wrong methods and media types, unreadable
   * bodies.
   */
  @ServerExceptionMapper
  public Response framework(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    return switch (status) {
      case 400 -> body(400, "malformed_json", "the body is not valid JSON");
      case 404 -> body(404, "not_found", "no such resource");
      case 405 -> body(405, "method_not_allowed", "this path does not take that method");
      case 415 -> body(415, "unsupported_media_type", "send the body as application/json");
      default -> body(status, "error", e.getMessage());
    };
  }

  private static Response body(int status, String error, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Map.of("error", error, "message", message))
        .build();
  }
}
