package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.FailureReason;
import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.domain.TrainingJob;
import dev.trainwatch.functions.repository.JobStateRepository;
import dev.trainwatch.functions.service.LogIngestService;
import dev.trainwatch.functions.service.StatusService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a job as a child process of the functions host: the embedded executor that lets {@code
 * ./trainwatch up} run real jobs with no cluster. Its merged stdout and stderr become the job's log
 * as it is written; the process's start moves the job to running and its exit to completed or
 * failed. It serves one functions host: a process it did not start (the host restarted) is lost,
 * and the job fails as ProcessLost. Processes are stopped when the host stops.
 */
@ApplicationScoped
public class LocalProcessExecutor implements JobExecutor {

  /** How long a submitted job may go without a process before it counts as lost. */
  private static final Duration STARTING = Duration.ofMinutes(1);

  private static final int MAX_BATCH = 500;

  private final TrainwatchConfig.Local config;
  private final StatusService status;
  private final LogIngestService logs;
  private final JobStateRepository states;
  private final Map<Long, Process> processes = new ConcurrentHashMap<>();
  private final TrainerEnvironment environment;

  public LocalProcessExecutor(
      TrainwatchConfig config,
      StatusService status,
      LogIngestService logs,
      JobStateRepository states,
      TrainerEnvironment environment) {
    this.environment = environment;
    this.config = config.local();
    this.status = status;
    this.logs = logs;
    this.states = states;
  }

  @Override
  public ExecutorType type() {
    return ExecutorType.LOCAL;
  }

  @Override
  public String start(TrainingJob job) {
    List<String> command =
        new ArrayList<>(job.command != null ? job.command : config.defaultCommand());
    if (job.args != null) {
      command.addAll(job.args);
    }
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(new File(config.workDir())).redirectErrorStream(true);
    builder.environment().putAll(environment.of(job, config.ingestUrl()));
    builder.environment().put("PYTHONUNBUFFERED", "1"); // lines reach the log as they are printed
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ExecutorException("cannot run " + command, e);
    }
    processes.put(job.id, process);
    String pid = Long.toString(process.pid());
    JobRef ref =
        new JobRef(
            job.id, job.sessionId, JobStatus.PENDING, type(), pid, job.createdAt.toInstant());
    // Running is stored before the first log line is read, so watchers see them in that order.
    status
        .apply(ref, new Observation(JobStatus.RUNNING, null, "process " + pid + " started"))
        .await()
        .indefinitely();
    Thread pump = new Thread(() -> follow(ref, process), "local-job-" + job.id);
    pump.setDaemon(true);
    pump.start();
    return pid;
  }

  @Override
  public Observation observe(JobRef job) {
    if (processes.containsKey(job.id())) {
      return Observation.of(JobStatus.RUNNING); // its exit is applied by the thread that follows it
    }
    if (job.executionId() == null
        && Duration.between(job.createdAt(), Instant.now()).compareTo(STARTING) < 0) {
      return Observation.of(JobStatus.PENDING);
    }
    return Observation.failed(
        FailureReason.PROCESS_LOST,
        "the job's process is gone: the functions host stopped or restarted while it ran");
  }

  @Override
  public List<LogEntry> newLogs(JobRef job, int most) {
    return List.of(); // delivered as written, by follow()
  }

  @Override
  public void cancel(JobRef job) {
    Process process = processes.get(job.id());
    if (process != null) {
      stop(process);
    }
  }

  void stopAll(@Observes ShutdownEvent event) {
    processes.values().forEach(this::stop);
  }

  private void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(config.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Turns the process's output into log entries until it ends, then applies its exit. */
  private void follow(JobRef job, Process process) {
    LogLineParser parser = new LogLineParser();
    List<LogEntry> batch = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        batch.addAll(parser.accept(Instant.now(), line));
        if (batch.size() >= MAX_BATCH || !out.ready()) {
          store(job, batch);
        }
      }
    } catch (IOException e) {
      Log.warnf("Job %d: reading its output failed: %s", job.id(), e.getMessage());
    }
    batch.addAll(parser.finish());
    store(job, batch);
    try {
      int code = process.waitFor();
      Observation end =
          code == 0
              ? new Observation(JobStatus.COMPLETED, null, "exited with code 0")
              : Observation.failed(FailureReason.NON_ZERO_EXIT, "exited with code " + code);
      JobRef current = states.find(job.id()).await().indefinitely();
      if (current != null) {
        status.apply(current, end).await().indefinitely();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      Log.errorf(e, "Job %d: its exit could not be stored; the sweep will find it", job.id());
    } finally {
      processes.remove(job.id());
    }
  }

  private void store(JobRef job, List<LogEntry> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      logs.ingest(job.id(), List.copyOf(batch), null).await().indefinitely();
    } catch (RuntimeException e) {
      Log.warnf("Job %d: %d log lines lost: %s", job.id(), batch.size(), e.getMessage());
    }
    batch.clear();
  }
}
