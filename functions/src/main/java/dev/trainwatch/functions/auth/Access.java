package dev.trainwatch.functions.auth;

import dev.trainwatch.functions.domain.TrainingJob;
import dev.trainwatch.functions.service.JobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What the request's (already verified) token allows; see {@link TokenClaims}. Every /api resource
 * asks here before it reads or writes, and a refusal is an {@link AccessDeniedException} (403). A
 * missing, malformed, expired or foreign token never gets here: it is refused with 401 first.
 */
@ApplicationScoped
public class Access {

  private final JsonWebToken token;
  private final JobService jobs;

  public Access(JsonWebToken token, JobService jobs) {
    this.token = token;
    this.jobs = jobs;
  }

  /** Refuses tokens that are not API tokens (a job's or a browser connection's). */
  public void requireApi() {
    if (!TokenClaims.API.equals(scope())) {
      throw new AccessDeniedException(
          "a token of scope '" + scope() + "' may not read or manage jobs; use an API token");
    }
  }

  /** The projects the token grants, or null for all; refuses tokens that are not API tokens. */
  public List<String> projects() {
    requireApi();
    List<String> projects = strings(token.getClaim(TokenClaims.PROJECTS));
    return projects.contains(TokenClaims.ALL_PROJECTS) ? null : projects;
  }

  /** Refuses unless the token is an API token that grants {@code project}. */
  public void requireProject(String project) {
    requireGranted(projects(), project);
  }

  /** The job, when the token may read and manage it; 404 when there is no such job. */
  public Uni<TrainingJob> readableJob(long jobId) {
    List<String> granted = projects(); // the scope is refused before the database is asked
    return jobs.find(jobId)
        .map(
            job -> {
              requireGranted(granted, job.project);
              return job;
            });
  }

  private static void requireGranted(List<String> granted, String project) {
    if (granted != null && !granted.contains(project)) {
      throw new AccessDeniedException("this token does not grant project '" + project + "'");
    }
  }

  /**
   * Passes when the token may report metrics and logs for {@code jobId}: that job's own ingest
   * token (no database round trip), or an API token that grants the job's project.
   */
  public Uni<Void> requireIngest(long jobId) {
    if (TokenClaims.INGEST.equals(scope())) {
      Long job = number(token.getClaim(TokenClaims.JOB));
      if (job == null || job != jobId) {
        return Uni.createFrom()
            .failure(new AccessDeniedException("this token reports for another job"));
      }
      return Uni.createFrom().voidItem();
    }
    return readableJob(jobId).replaceWithVoid();
  }

  private String scope() {
    Object scope = token.getClaim(TokenClaims.SCOPE);
    return scope instanceof JsonString text ? text.getString() : String.valueOf(scope);
  }

  private static Long number(Object claim) {
    if (claim instanceof JsonNumber number) {
      return number.longValue();
    }
    return claim instanceof Number number ? number.longValue() : null;
  }

  private static List<String> strings(Object claim) {
    if (claim instanceof JsonArray array) {
      return array.stream()
          .filter(value -> value.getValueType() == JsonValue.ValueType.STRING)
          .map(value -> ((JsonString) value).getString())
          .toList();
    }
    if (claim instanceof Collection<?> values) {
      return values.stream().map(String::valueOf).toList();
    }
    return List.of();
  }
}
