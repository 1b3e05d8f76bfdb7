package dev.trainwatch.functions.service;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.FailureReason;
import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.LogLevel;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.domain.StatusChange;
import dev.trainwatch.functions.event.JobAddress;
import dev.trainwatch.functions.repository.JobStateRepository;
import dev.trainwatch.functions.repository.LogRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Applies what an executor observed to a job's stored status, along {@link JobStatus#pathTo}: each
 * step is a conditional update from the status the caller saw, so when two callers race, one stores
 * and publishes the change and the other does nothing. It never moves a job backwards or out of a
 * final status.
 */
@ApplicationScoped
public class StatusService {

  private final JobStateRepository states;
  private final LogRepository logs;
  private final EventFeed feed;
  private final StatusChangeEventType type;
  private final JobGauges gauges;
  private final int tailLines;

  public StatusService(
      JobStateRepository states,
      LogRepository logs,
      EventFeed feed,
      StatusChangeEventType type,
      JobGauges gauges,
      TrainwatchConfig config) {
    this.states = states;
    this.logs = logs;
    this.feed = feed;
    this.type = type;
    this.gauges = gauges;
    this.tailLines = config.logs().failureTailLines();
  }

  /**
   * Moves {@code job} (as last read, in {@code job.status()}) towards the observed status. Returns
   * the status it ends in as far as this caller knows: unchanged when someone else moved it first.
   */
  public Uni<JobStatus> apply(JobRef job, Observation seen) {
    List<JobStatus> path = job.status().pathTo(seen.status());
    if (path.isEmpty()) {
      return Uni.createFrom().item(job.status());
    }
    if (seen.reason() == FailureReason.NON_ZERO_EXIT) {
      return withLogTail(job.id(), seen).flatMap(explained -> follow(job, path, explained));
    }
    return follow(job, path, seen);
  }

  private Uni<JobStatus> follow(JobRef job, List<JobStatus> path, Observation seen) {
    Uni<JobStatus> at = Uni.createFrom().item(job.status());
    for (JobStatus next : path) {
      at =
          at.flatMap(
              from ->
                  from != next && from.canMoveTo(next)
                      ? move(job, from, next, seen)
                      : Uni.createFrom().item(from));
    }
    return at;
  }

  /** The observation with the job's last log lines added to its message. */
  private Uni<Observation> withLogTail(long jobId, Observation seen) {
    return logs.tail(jobId, Long.MAX_VALUE, LogLevel.DEBUG, tailLines)
        .map(
            tail -> {
              if (tail.isEmpty()) {
                return seen;
              }
              StringBuilder message = new StringBuilder(seen.message()).append("; last log lines:");
              tail.forEach(line -> message.append('\n').append(line.entry().message()));
              return new Observation(seen.status(), seen.reason(), message.toString());
            });
  }

  private Uni<JobStatus> move(JobRef job, JobStatus from, JobStatus to, Observation seen) {
    // A step on the way (running, before completed) carries no reason of its own.
    boolean last = to == seen.status();
    FailureReason failure = last ? seen.reason() : null;
    String reason = failure == null ? null : failure.code();
    String message = last ? seen.message() : "seen " + seen.status().wireName() + " before running";
    return states
        .transition(job.id(), from, to, failure, message)
        .flatMap(
            stored -> {
              if (stored == null) {
                return Uni.createFrom().item(from); // moved by someone else; they published it
              }
              if (failure != null) {
                gauges.failed(failure);
              }
              Log.infof(
                  "[TrainingMonitor] Job %d: %s -> %s%s",
                  job.id(),
                  from.wireName(),
                  to.wireName(),
                  reason == null ? "" : " (" + reason + ")");
              StatusChange change =
                  new StatusChange(stored.seq(), from, to, reason, message, stored.at());
              return feed.publish(
                      new JobAddress(job.id(), stored.sessionId(), stored.project()),
                      List.of(type.render(job.id(), stored.seq(), change)))
                  .replaceWith(to);
            });
  }
}
