package dev.trainwatch.functions.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.WireEnum;
import dev.trainwatch.functions.service.JobService;
import dev.trainwatch.functions.service.NewJob;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Submits, lists and shows training jobs: the guide's {@code /api/v1/training/jobs}. */
@Path("/api/v1/training/jobs")
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
          "session_id");
  private static final int MAX_TEXT = 1000;
  private static final int MAX_PAGE_SIZE = 500;

  private final JobService jobs;

  public JobResource(JobService jobs) {
    this.jobs = jobs;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @ResponseStatus(201)
  public Uni<JobView> submit(JsonNode body) {
    JsonFields.requireObject(body, "the job", FIELDS);
    String executorName = JsonFields.requireText(body, "executor_type", MAX_TEXT);
    ExecutorType executor = WireEnum.fromWireName(ExecutorType.class, executorName);
    if (executor == null) {
      throw ApiException.badRequest("'executor_type' must be 'kubernetes' or 'local'");
    }
    NewJob job =
        new NewJob(
            JsonFields.requireText(body, "model_name", MAX_TEXT),
            JsonFields.requireText(body, "framework", MAX_TEXT),
            JsonFields.requireText(body, "dataset_path", MAX_TEXT),
            JsonFields.requireInt(body, "num_epochs", 1),
            JsonFields.requireInt(body, "batch_size", 1),
            executor,
            JsonFields.optionalLong(body, "session_id", 1));
    return jobs.submit(job).map(JobView::of);
  }

  @GET
  public Uni<JobListView> list(
      @RestQuery("status") String status,
      @RestQuery("session_id") String sessionId,
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
    int pageNo = (int) Params.optionalLong(page, "page", 0, Integer.MAX_VALUE, 0);
    int pageSize = (int) Params.optionalLong(size, "size", 1, MAX_PAGE_SIZE, 50);
    return jobs.list(wanted, session == 0 ? null : session, pageNo, pageSize)
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
    return jobs.find(Params.jobId(id)).map(JobView::of);
  }
}
