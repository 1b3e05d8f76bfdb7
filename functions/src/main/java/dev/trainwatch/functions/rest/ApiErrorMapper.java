package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.trainwatch.functions.auth.AccessDeniedException;
import dev.trainwatch.functions.auth.NoSuchSessionException;
import dev.trainwatch.functions.executor.SubmissionRefusedException;
import dev.trainwatch.functions.repository.TooManyMetricNamesException;
import dev.trainwatch.functions.service.JobAlreadyFinishedException;
import dev.trainwatch.functions.service.NoSuchJobException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every refusal into the one JSON error shape: {"error": code, "message": what is wrong}. */
public class ApiErrorMapper {

  /** Seconds a client waits before retrying while the database is unreachable. */
  private static final long DATABASE_RETRY_SECONDS = 5;

  /** Seconds a client waits before retrying while this process has no connection to spare. */
  private static final long OVERLOADED_RETRY_SECONDS = 1;

  /**
   * Seconds a client waits before submitting again to a project at its limit of local processes.
   */
  private static final long BUSY_RETRY_SECONDS = 10;

  @ServerExceptionMapper
  public Response refused(ApiException e) {
    Response response = body(e.status(), e.error(), e.getMessage());
    return e.retryAfterSeconds() > 0 ? withRetryAfter(response, e.retryAfterSeconds()) : response;
  }

  /**
   * Anything else: a database that cannot be reached, or no connection to spare, answers 503 with
   * Retry-After (the SDK spools and retries; nothing was stored, since every write is one
   * statement), a value the database refused as data 400, the rest 500.
   */
  @ServerExceptionMapper(priority = 10_000)
  public Response unexpected(Throwable e) {
    if (DatabaseFailures.isOverloaded(e)) {
      Log.warn("A request found no connection to spare: " + e);
      return withRetryAfter(
          body(503, "overloaded", "no connection to spare right now; retry shortly"),
          OVERLOADED_RETRY_SECONDS);
    }
    if (DatabaseFailures.isUnavailable(e)) {
      return withRetryAfter(
          body(503, "database_unavailable", "the database cannot be reached; retry later"),
          DATABASE_RETRY_SECONDS);
    }
    String badValue = DatabaseFailures.badValue(e);
    if (badValue != null) {
      Log.warn("A request carried a value the database refused", e);
      return body(400, "bad_request", "a value cannot be stored or compared: " + badValue);
    }
    Log.error("Request failed", e);
    return body(500, "internal_error", "the request failed; see the functions' log");
  }

  /** What the JSON reader said, when it said something. */
  private static String detail(Throwable e) {
    Throwable cause = e.getCause();
    if (cause instanceof JsonProcessingException json) {
      return ": " + json.getOriginalMessage();
    }
    return cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
  }

  private static Response withRetryAfter(Response response, long seconds) {
    return Response.fromResponse(response).header("Retry-After", Long.toString(seconds)).build();
  }

  /**
   * No token, or one that is malformed, expired, revoked, issued for longer than its scope allows,
   * from another issuer or signed by another key.
   */
  @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
  public Response unauthenticated(RuntimeException e) {
    return Response.fromResponse(
            body(
                401,
                "unauthorized",
                "send a valid bearer token (Authorization: Bearer ...); this one is missing,"
                    + " malformed, expired, revoked, longer-lived than its scope allows, or not"
                    + " ours"))
        .header("WWW-Authenticate", "Bearer")
        .build();
  }

  /** A valid token that does not allow this request. */
  @ServerExceptionMapper
  public Response forbidden(AccessDeniedException e) {
    return body(403, "forbidden", e.getMessage());
  }

  /** A submission this server's policy refuses: 400, or 429 while the project is at its limit. */
  @ServerExceptionMapper
  public Response submissionRefused(SubmissionRefusedException e) {
    return e.busy()
        ? withRetryAfter(body(429, "too_many_jobs", e.getMessage()), BUSY_RETRY_SECONDS)
        : body(400, "not_allowed", e.getMessage());
  }

  @ServerExceptionMapper({NoSuchJobException.class, NoSuchSessionException.class})
  public Response noSuchJob(RuntimeException e) {
    return body(404, "not_found", e.getMessage());
  }

  @ServerExceptionMapper
  public Response tooManyNames(TooManyMetricNamesException e) {
    return body(400, "too_many_metric_names", e.getMessage());
  }

  @ServerExceptionMapper
  public Response alreadyFinished(JobAlreadyFinishedException e) {
    return body(409, "job_finished", e.getMessage());
  }

  /**
   * A body that is not one JSON value. MismatchedInputException is named because Quarkus REST maps
   * it itself otherwise, to a 400 with no body (content after the value raises it).
   */
  @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
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
      case 400 -> body(400, "malformed_json", "the body is not valid JSON" + detail(e));
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
