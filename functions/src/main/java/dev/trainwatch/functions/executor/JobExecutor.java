package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.NewJob;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.domain.TrainingJob;
import java.util.List;
import java.util.Map;

/**
 * Where jobs run. Every method blocks (it talks to Kubernetes or to processes): call it on a worker
 * thread, never on the event loop. An executor does not store statuses; it says what it sees, and
 * the status sweep applies that.
 */
public interface JobExecutor {

  /** The executor type it serves. */
  ExecutorType type();

  /**
   * Checks a submission against this server's policy before it is stored, and holds what the job
   * will take (a project's share of local processes) until it ends. Does not block.
   *
   * @return gives back what was held, for a submission that is not stored after all
   * @throws SubmissionRefusedException naming the setting or limit that refuses it
   */
  Runnable admit(NewJob job);

  /**
   * Starts the job.
   *
   * @return the execution id (the Kubernetes Job's name, the local process id)
   * @throws ExecutorException when the job cannot be started
   */
  String start(TrainingJob job);

  /**
   * What the executor sees of the job now.
   *
   * @throws ExecutorException when it cannot tell (the API is unreachable); the status stays
   */
  Observation observe(JobRef job);

  /**
   * Log entries written since the last call for this job, at most {@code most} (older ones are
   * replaced by one WARNING entry saying how many were skipped). Executors that deliver logs as
   * they are written return nothing here.
   */
  List<LogEntry> newLogs(JobRef job, int most);

  /**
   * The Kubernetes Events about the pods of {@code jobs} that the cluster still keeps (about an
   * hour), by job id, each job's in time order; read at once for all of them. The caller stores
   * each once. An executor without pods answers none.
   *
   * @throws ExecutorException when the API is unreachable
   */
  Map<Long, List<PodEvent>> podEvents(List<JobRef> jobs);

  /** Stops the job; a job that is already gone is not an error. */
  void cancel(JobRef job);
}
