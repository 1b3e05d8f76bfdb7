package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trainwatch.functions.auth.TokenIssuer;
import dev.trainwatch.functions.domain.AlertSettings;
import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.NewJob;
import dev.trainwatch.functions.domain.WireEnum;
import dev.trainwatch.functions.service.AlertService;
import dev.trainwatch.functions.service.ExecutionService;
import dev.trainwatch.functions.service.JobDeletionService;
import dev.trainwatch.functions.service.JobService;
import dev.trainwatch.functions.service.NoSuchJobException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Submits, lists and shows training jobs: {@code /api/v1/training/jobs}. */
@Path("/api/v1/training/jobs")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

  private static final Set<String> FIELDS =
      Set.of(
          "model_name",
          "framework",
          "dataset_path",
          "num_epochs",
          "batch_size",
          "executor_type",
          "session_id",
          "project",
          "image",
          "command",
          "args",
          "resources",
          "alerts");
  private static final Set<String> RESOURCE_FIELDS = Set.of("cpu", "memory", "gpu");

  /** A Kubernetes quantity such as 2, 500m, 1.5 or 8Gi. */
  private static final Pattern QUANTITY =
      Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");

  private static final int MAX_ARGS = 256;
  private static final int MAX_TEXT = 1000;
  private static final int MAX_PAGE_SIZE = 500;

  private final JobService jobs;
  private final ExecutionService execution;
  private final JobDeletionService deletion;
  private final JsonBodyReader json;
  private final Access access;
  private final TokenIssuer issuer;
  private final JsonWebToken caller;
  private final AlertService alerts;

  public JobResource(
      JobService jobs,
      ExecutionService execution,
      JobDeletionService deletion,
      JsonBodyReader json,
      Access access,
      TokenIssuer issuer,
      JsonWebToken caller,
      AlertService alerts) {
    this.alerts = alerts;
    this.jobs = jobs;
    this.execution = execution;
    this.deletion = deletion;
    this.json = json;
    this.access = access;
    this.issuer = issuer;
    this.caller = caller;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @ResponseStatus(201)
  @APIResponse(
      responseCode = "201",
      description = "the job, as stored",
      content = @Content(schema = @Schema(implementation = JobView.class)))
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema =
                  @Schema(
                      type = SchemaType.OBJECT,
                      description = "A job: docs/protocol.md, \"Submitting a job\"")))
  public Uni<JobView> submit(@Parameter(hidden = true) RoutingContext raw)
      throws JsonProcessingException {
    access.requireApi();
    JsonNode body = json.read(raw);
    JsonFields.requireObject(body, "the job", FIELDS);
    String project = Params.optionalProject(JsonFields.optionalText(body, "project", 63));
    if (project == null) {
      project = Access.DEFAULT_PROJECT;
    }
    String executorName = JsonFields.requireText(body, "executor_type", MAX_TEXT);
    ExecutorType executor = WireEnum.fromWireName(ExecutorType.class, executorName);
    if (executor == null) {
      throw ApiException.badRequest("'executor_type' must be 'kubernetes' or 'local'");
    }
    JsonNode resources = body.get("resources");
    if (resources != null && !resources.isNull()) {
      JsonFields.requireObject(resources, "'resources'", RESOURCE_FIELDS);
    } else {
      resources = JsonNodeFactory.instance.objectNode();
    }
    NewJob job =
        new NewJob(
            JsonFields.requireText(body, "model_name", MAX_TEXT),
            JsonFields.requireText(body, "framework", MAX_TEXT),
            JsonFields.requireText(body, "dataset_path", MAX_TEXT),
            JsonFields.requireInt(body, "num_epochs", 1),
            JsonFields.requireInt(body, "batch_size", 1),
            executor,
            JsonFields.optionalLong(body, "session_id", 1),
            project,
            JsonFields.optionalText(body, "image", MAX_TEXT),
            JsonFields.optionalStrings(body, "command", MAX_ARGS),
            JsonFields.optionalStrings(body, "args", MAX_ARGS),
            quantity(resources, "cpu"),
            quantity(resources, "memory"),
            gpus(resources),
            alertSettings(body.get("alerts")));
    access.requireProject(project);
    Runnable release = execution.admit(job);
    Context context = Vertx.currentContext();
    return jobs.submit(job)
        .onFailure()
        .invoke(release)
        .flatMap(
            stored ->
                execution
                    .launch(stored)
                    // Back on the request's event loop, where Hibernate Reactive reads the job
                    // again.
                    .emitOn(command -> context.runOnContext(ignored -> command.run()))
                    .flatMap(started -> jobs.find(stored.id)))
        .map(JobView::of);
  }

  private AlertSettings alertSettings(JsonNode given) {
    try {
      return alerts.settingsFor(given);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  @GET
  public Uni<JobListView> list(
      @RestQuery("status") String status,
      @RestQuery("session_id") String sessionId,
      @RestQuery("project") String project,
      @RestQuery("page") String page,
      @RestQuery("size") String size) {
    JobStatus wanted = null;
    if (status != null) {
      wanted = WireEnum.fromWireName(JobStatus.class, status);
      if (wanted == null) {
        throw ApiException.badRequest(
            "'status' must be pending, running, completed, failed or cancelled");
      }
    }
    long session = Params.optionalLong(sessionId, "session_id", 1, Long.MAX_VALUE, 0);
    int pageSize = (int) Params.optionalLong(size, "size", 1, MAX_PAGE_SIZE, 50);
    // page * size is the query's offset, an int: no page may start past it.
    int pageNo = (int) Params.optionalLong(page, "page", 0, Integer.MAX_VALUE / pageSize - 1, 0);
    List<String> projects = access.projects();
    String only = Params.optionalProject(project);
    if (only != null) {
      projects = projects == null || projects.contains(only) ? List.of(only) : List.of();
    }
    return jobs.list(projects, wanted, session == 0 ? null : session, pageNo, pageSize)
        .map(
            result ->
                new JobListView(
                    result.jobs().stream().map(JobView::of).toList(),
                    pageNo,
                    pageSize,
                    result.total()));
  }

  @GET
  @Path("/{id}")
  public Uni<JobView> get(@RestPath String id) {
    return access.readableJob(Params.jobId(id)).map(JobView::of);
  }

  /**
   * Stops the job (deletes its Kubernetes Job, or kills its process tree) and marks it cancelled.
   */
  @POST
  @Path("/{id}/cancel")
  public Uni<JobView> cancel(@RestPath String id) {
    long jobId = Params.jobId(id);
    Context context = Vertx.currentContext();
    return access
        .readableJob(jobId)
        .flatMap(job -> execution.cancel(jobId))
        .emitOn(command -> context.runOnContext(ignored -> command.run()))
        .flatMap(status -> jobs.find(jobId))
        .map(JobView::of);
  }

  /**
   * Deletes the job everywhere (JobDeletionService): 204, and 204 again for a retry by a caller of
   * the job's project; 404 for a job that never was or is another project's.
   */
  @DELETE
  @Path("/{id}")
  public Uni<Void> delete(@RestPath String id) {
    long jobId = Params.jobId(id);
    List<String> granted = access.projects();
    return access
        .readableJob(jobId)
        .replaceWithVoid()
        .onFailure(NoSuchJobException.class)
        .recoverWithUni(() -> deletion.deleted(jobId, granted).replaceWithVoid())
        .chain(() -> deletion.delete(jobId));
  }

  /**
   * A relay subscription token for following this job (SessionResource mints them for sessions).
   * The browser asks for one before each connection, so its API token never goes to the relay.
   */
  @POST
  @Path("/{id}/subscription-token")
  public Uni<SubscriptionTokenView> subscriptionToken(@RestPath String id) {
    long jobId = Params.jobId(id);
    return access
        .readableJob(jobId)
        .map(job -> SubscriptionTokenView.of(issuer.jobToken(jobId, caller.getTokenID())));
  }

  private static String quantity(JsonNode resources, String field) {
    String value = JsonFields.optionalText(resources, field, 32);
    if (value != null && !QUANTITY.matcher(value).matches()) {
      throw ApiException.badRequest(
          "'resources." + field + "' must be a Kubernetes quantity such as 2, 500m or 8Gi");
    }
    return value;
  }

  private static Integer gpus(JsonNode resources) {
    Long gpus = JsonFields.optionalLong(resources, "gpu", 0);
    if (gpus != null && gpus > 64) {
      throw ApiException.badRequest("'resources.gpu' must be between 0 and 64");
    }
    return gpus == null ? null : gpus.intValue();
  }
}
