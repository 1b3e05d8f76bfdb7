package dev.trainwatch.functions.service;

import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.NewJob;
import dev.trainwatch.functions.domain.TrainingJob;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Submits, finds and lists training jobs. Running them is the executors' work (a later stage). */
@ApplicationScoped
public class JobService {

  /**
   * One page of jobs and how many match in all.
   *
   * @param jobs the page, newest first
   * @param total how many jobs match the filters
   */
  public record JobPage(List<TrainingJob> jobs, long total) {}

  /** Stores a new job as {@code pending}. */
  @WithTransaction
  public Uni<TrainingJob> submit(NewJob request) {
    TrainingJob job = new TrainingJob();
    job.modelName = request.modelName();
    job.framework = request.framework();
    job.datasetPath = request.datasetPath();
    job.numEpochs = request.numEpochs();
    job.batchSize = request.batchSize();
    job.executorType = request.executorType().wireName();
    job.sessionId = request.sessionId();
    job.project = request.project();
    job.image = request.image();
    job.command = request.command();
    job.args = request.args();
    job.cpu = request.cpu();
    job.memory = request.memory();
    job.gpu = request.gpu();
    job.alertSettings = request.alerts().toJson().toString();
    job.status = JobStatus.PENDING.wireName();
    job.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    job.updatedAt = job.createdAt;
    return job.<TrainingJob>persist();
  }

  /** The job; fails with {@link NoSuchJobException}. */
  @WithSession
  public Uni<TrainingJob> find(long jobId) {
    return NoSuchJobException.unlessFound(TrainingJob.<TrainingJob>findById(jobId), jobId);
  }

  /**
   * A page of jobs, newest first, of the given projects (null for all), optionally only of one
   * status and one session.
   */
  @WithSession
  public Uni<JobPage> list(
      List<String> projects, JobStatus status, Long sessionId, int page, int size) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (projects != null) {
      where.add("project in :projects");
      params = params.and("projects", projects);
    }
    if (status != null) {
      where.add("status = :status");
      params = params.and("status", status.wireName());
    }
    if (sessionId != null) {
      where.add("sessionId = :sessionId");
      params = params.and("sessionId", sessionId);
    }
    PanacheQuery<TrainingJob> query =
        where.isEmpty()
            ? TrainingJob.findAll(Sort.descending("id"))
            : TrainingJob.find(String.join(" and ", where), Sort.descending("id"), params);
    return query
        .page(Page.of(page, size))
        .list()
        .flatMap(jobs -> query.count().map(total -> new JobPage(jobs, total)));
  }
}
