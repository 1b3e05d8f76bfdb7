package dev.trainwatch.functions.rest;

import dev.trainwatch.functions.auth.AccessDeniedException;
import dev.trainwatch.functions.auth.IngestWindow;
import dev.trainwatch.functions.auth.NoSuchSessionException;
import dev.trainwatch.functions.auth.TokenClaims;
import dev.trainwatch.functions.domain.TrainingJob;
import dev.trainwatch.functions.service.JobService;
import dev.trainwatch.functions.service.NoSuchJobException;
import dev.trainwatch.guard.ClaimValues;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What the request's (already verified) token allows; see {@link TokenClaims}. Every /api resource
 * asks here before it reads or writes. A job or session the token may not see is answered exactly
 * as one that does not exist (404, {@link NoSuchJobException}), so a token cannot learn which ids
 * exist in other projects; a token of the wrong scope, or a submission to a project it does not
 * grant, is an {@link AccessDeniedException} (403). A missing, malformed, expired or foreign token
 * never gets here: it is refused with 401 first.
 */
@ApplicationScoped
public class Access {

  private final JsonWebToken token;
  private final JobService jobs;
  private final IngestWindow window;

  public Access(JsonWebToken token, JobService jobs, IngestWindow window) {
    this.token = token;
    this.jobs = jobs;
    this.window = window;
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
    List<String> projects = ClaimValues.strings(token.getClaim(TokenClaims.PROJECTS));
    return projects.contains(TokenClaims.ALL_PROJECTS) ? null : projects;
  }

  /** Refuses unless the token is an API token that grants {@code project}. */
  public void requireProject(String project) {
    requireGranted(projects(), project);
  }

  /**
   * The job, when the token may read and manage it; {@link NoSuchJobException} (404) when there is
   * no such job or it is in a project the token does not grant.
   */
  public Uni<TrainingJob> readableJob(long jobId) {
    List<String> granted = projects(); // the scope is refused before the database is asked
    return jobs.find(jobId)
        .map(
            job -> {
              if (granted != null && !granted.contains(job.project)) {
                throw new NoSuchJobException(jobId);
              }
              return job;
            });
  }

  /**
   * The project that owns session {@code sessionId} for this request: {@code requested}, or the
   * token's one project, or {@value #DEFAULT_PROJECT} (where submissions without a project go).
   * Sessions are per project, so the answer names a session the token may follow.
   *
   * @throws NoSuchSessionException (404) when the token does not grant that project
   */
  public String sessionProject(long sessionId, String requested) {
    List<String> granted = projects();
    String project = requested;
    if (project == null) {
      project = granted != null && granted.size() == 1 ? granted.get(0) : DEFAULT_PROJECT;
    }
    if (granted != null && !granted.contains(project)) {
      throw new NoSuchSessionException(sessionId, project);
    }
    return project;
  }

  /** The project of a submission that names none, and of jobs stored before projects existed. */
  public static final String DEFAULT_PROJECT = "default";

  private static void requireGranted(List<String> granted, String project) {
    if (granted != null && !granted.contains(project)) {
      throw new AccessDeniedException("this token does not grant project '" + project + "'");
    }
  }

  /**
   * Passes when the token may report metrics and logs for {@code jobId}: that job's own ingest
   * token while the job runs and for its grace after ({@link IngestWindow}; 403 later), or an API
   * token that grants the job's project.
   */
  public Uni<Void> requireIngest(long jobId) {
    if (TokenClaims.INGEST.equals(scope())) {
      Long job = ClaimValues.number(token.getClaim(TokenClaims.JOB));
      if (job == null || job != jobId) {
        return Uni.createFrom().failure(new NoSuchJobException(jobId));
      }
      return window
          .open(jobId)
          .invoke(
              open -> {
                if (!open) {
                  throw new AccessDeniedException(
                      "job "
                          + jobId
                          + " has ended; its ingest token no longer writes"
                          + " (trainwatch.auth.ingest-grace after the end)");
                }
              })
          .replaceWithVoid();
    }
    return readableJob(jobId).replaceWithVoid();
  }

  private String scope() {
    return ClaimValues.text(token.getClaim(TokenClaims.SCOPE));
  }
}
