package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.FailureReason;
import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.JobStatus;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.LogLineParser;
import dev.trainwatch.functions.domain.NewJob;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.domain.TrainingJob;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a job as a child process of the functions host: the embedded executor that lets {@code
 * ./trainwatch up} run real jobs with no cluster. Its merged stdout and stderr become the job's log
 * as it is written; the process's start moves the job to running and its exit to completed or
 * failed. It serves one functions host: a process it did not start (the host restarted) is lost,
 * and the job fails as ProcessLost. Processes are stopped when the host stops.
 *
 * <p>A development tool, off unless {@code trainwatch.executor.local.enabled}. The process gets a
 * clean environment (PATH, HOME, LANG and the job's TRAINWATCH_* variables, nothing of the
 * functions'), a HOME of its own, and, when the functions run as root, an unprivileged user of its
 * own through {@code setpriv}, so it cannot read the token key pair nor reach another job; whatever
 * it leaves running is killed when it ends. It is not a sandbox: it reads what any user may and
 * reaches the network, including this machine's services (docs/security.md).
 */
@ApplicationScoped
public class LocalProcessExecutor implements JobExecutor {

  /** How long a submitted job may go without a process before it counts as lost. */
  private static final Duration STARTING = Duration.ofMinutes(1);

  private static final int MAX_BATCH = 500;

  /** Lines read and not yet parsed; a reader waits when they are this many. */
  private static final int MAX_QUEUED_LINES = 256;

  private final TrainwatchConfig.Local config;
  private final ExecutionListener listener;
  private final Map<Long, Process> processes = new ConcurrentHashMap<>();

  /** Processes each project runs or is about to run (admitted, not yet ended). */
  private final Map<String, Integer> held = new HashMap<>();

  /** Whether each job runs as a user of its own: the functions run as root, and it is not off. */
  private final boolean separateUsers;

  private final TrainerEnvironment environment;

  public LocalProcessExecutor(
      TrainwatchConfig config, ExecutionListener listener, TrainerEnvironment environment) {
    this.environment = environment;
    this.config = config.executor().local();
    this.separateUsers =
        this.config.separateUsers() && "root".equals(System.getProperty("user.name"));
    this.listener = listener;
  }

  @Override
  public ExecutorType type() {
    return ExecutorType.LOCAL;
  }

  @Override
  public synchronized Runnable admit(NewJob job) {
    if (!config.enabled()) {
      throw SubmissionRefusedException.notAllowed(
          "the local executor is off on this server (trainwatch.executor.local.enabled);"
              + " submit with \"executor_type\": \"kubernetes\"");
    }
    int now = held.getOrDefault(job.project(), 0);
    if (now >= config.maxProcessesPerProject()) {
      throw SubmissionRefusedException.busy(
          "project '"
              + job.project()
              + "' already runs "
              + now
              + " local processes, the most it may"
              + " (trainwatch.executor.local.max-processes-per-project); retry when one ends");
    }
    held.put(job.project(), now + 1);
    return () -> release(job.project());
  }

  private synchronized void release(String project) {
    held.computeIfPresent(project, (name, now) -> now > 1 ? now - 1 : null);
  }

  @Override
  public String start(TrainingJob job) {
    if (!config.enabled()) {
      throw new ExecutorException(
          "cannot run job " + job.id,
          new IllegalStateException("the local executor is off on this server"));
    }
    Process process;
    Path home = null;
    try {
      home = home(job.id);
      process = command(job, home).start();
    } catch (IOException | RuntimeException e) {
      release(job.project);
      delete(home);
      throw new ExecutorException("cannot run job " + job.id, e);
    }
    processes.put(job.id, process);
    String pid = Long.toString(process.pid());
    JobRef ref =
        new JobRef(
            job.id, job.sessionId, JobStatus.PENDING, type(), pid, job.createdAt.toInstant());
    // Running is stored before the first log line is read, so watchers see them in that order.
    listener.observed(
        job.id, new Observation(JobStatus.RUNNING, null, "process " + pid + " started"));
    Path jobHome = home;
    Thread pump =
        new Thread(
            () -> {
              try {
                follow(ref, process);
              } finally {
                killLeftovers(job.id);
                release(job.project);
                delete(jobHome);
              }
            },
            "local-job-" + job.id);
    pump.setDaemon(true);
    pump.start();
    return pid;
  }

  /**
   * The job's process: its command in the work dir, with a clean environment, as the run-as user
   * when the functions run as root.
   */
  private ProcessBuilder command(TrainingJob job, Path home) throws IOException {
    List<String> trainer =
        new ArrayList<>(job.command != null ? job.command : config.defaultCommand());
    if (job.args != null) {
      trainer.addAll(job.args);
    }
    trainer.set(0, executable(trainer.get(0)));
    List<String> command = new ArrayList<>();
    if (separateUsers) {
      String uid = Integer.toString(uid(job.id));
      command.addAll(
          List.of(
              "setpriv",
              "--reuid=" + uid,
              "--regid=" + uid,
              "--clear-groups",
              "--no-new-privs",
              "--"));
    }
    command.addAll(trainer);
    ProcessBuilder builder = new ProcessBuilder(command).directory(new File(config.workDir()));
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", config.path());
    env.put("HOME", home.toString());
    env.put("USER", "trainwatch-job-" + job.id);
    env.put("LOGNAME", "trainwatch-job-" + job.id);
    env.put("LANG", "C.UTF-8");
    env.put("PYTHONUNBUFFERED", "1"); // lines reach the log as they are printed
    env.putAll(environment.of(job, config.ingestUrl()));
    return builder;
  }

  /**
   * The program's path: as given when it has a '/' (relative to the work dir), else the first match
   * on the job's PATH. Found here, so a program that cannot run fails the job as SubmitFailed, also
   * when setpriv would be the one to find it missing.
   */
  private String executable(String program) throws IOException {
    Stream<Path> candidates =
        program.contains("/")
            ? Stream.of(Path.of(config.workDir()).resolve(program))
            : Stream.of(config.path().split(":")).map(dir -> Path.of(dir, program));
    return candidates
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(
            () -> new IOException("no executable '" + program + "' (PATH " + config.path() + ")"));
  }

  /** A HOME of the job's own, readable by its user only. */
  private Path home(long jobId) throws IOException {
    Path home =
        Files.createTempDirectory(
            "trainwatch-job-" + jobId + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (separateUsers) {
      Files.setAttribute(home, "unix:uid", uid(jobId));
      Files.setAttribute(home, "unix:gid", uid(jobId));
    }
    return home;
  }

  /** The uid (and gid) job {@code jobId} runs as when jobs run as users of their own. */
  private int uid(long jobId) {
    return config.uidBase() + (int) (jobId % 100_000);
  }

  /**
   * Kills whatever the job's user still runs (a daemon it forked and left), so a job's share of its
   * project's processes ends with it.
   */
  private void killLeftovers(long jobId) {
    if (!separateUsers) {
      return;
    }
    try {
      new ProcessBuilder("pkill", "-KILL", "-U", Integer.toString(uid(jobId)))
          .redirectErrorStream(true)
          .start()
          .waitFor(config.stopGrace().toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      Log.warnf("Job %d: what it left running was not killed: %s", jobId, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void delete(Path home) {
    if (home == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      Log.debugf("%s not removed: %s", home, e.getMessage());
    }
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

  /** A local process has no pods, so no pod events. */
  @Override
  public Map<Long, List<PodEvent>> podEvents(List<JobRef> jobs) {
    return Map.of();
  }

  @Override
  public void cancel(JobRef job) {
    Process process = processes.get(job.id());
    if (process != null) {
      stop(process);
    }
    // A process that left the tree (a double fork) still runs as the job's user, and may hold its
    // output open, so the reader would not end and kill it itself.
    killLeftovers(job.id());
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

  /**
   * One line of a process's output, or the end of one of its streams (text null).
   *
   * @param stream 0 for standard output, 1 for standard error
   * @param at when the line was read
   * @param text the line, as OutputLineReader gives it
   * @param cut characters of it dropped past the longest line
   */
  private record StreamLine(int stream, Instant at, String text, long cut) {}

  /**
   * Turns the process's output into log entries until it ends, then applies its exit. Standard
   * output and standard error are read apart, each line by line with a parser of its own, as the
   * kubelet reads a pod's: a progress bar redrawn on stderr is not broken by a print on stdout, nor
   * a traceback by a line of the other stream. Lines are stored in the order they were read.
   */
  private void follow(JobRef job, Process process) {
    BlockingQueue<StreamLine> lines = new ArrayBlockingQueue<>(MAX_QUEUED_LINES);
    readInto(lines, 0, process.getInputStream(), job);
    readInto(lines, 1, process.getErrorStream(), job);
    LogLineParser[] parsers = {new LogLineParser(), new LogLineParser()};
    List<LogEntry> batch = new ArrayList<>();
    try {
      for (int open = 2; open > 0; ) {
        StreamLine line = lines.take();
        if (line.text() == null) {
          open--;
          batch.addAll(parsers[line.stream()].finish());
        } else {
          batch.addAll(parsers[line.stream()].accept(line.at(), line.text(), line.cut()));
        }
        if (batch.size() >= MAX_BATCH || lines.isEmpty()) {
          batch.addAll(parsers[0].endOfBatch());
          batch.addAll(parsers[1].endOfBatch());
          report(job, batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    report(job, batch);
    try {
      int code = process.waitFor();
      Observation end =
          code == 0
              ? new Observation(JobStatus.COMPLETED, null, "exited with code 0")
              : Observation.failed(FailureReason.NON_ZERO_EXIT, "exited with code " + code);
      listener.observed(job.id(), end);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      Log.errorf(e, "Job %d: its exit could not be stored; the sweep will find it", job.id());
    } finally {
      processes.remove(job.id());
    }
  }

  /** Reads {@code stream} into {@code lines} on a thread of its own, then puts its end. */
  private static void readInto(
      BlockingQueue<StreamLine> lines, int index, InputStream stream, JobRef job) {
    Thread reader =
        new Thread(
            () -> {
              try (OutputLineReader out =
                  new OutputLineReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                OutputLineReader.Line line;
                while ((line = out.next()) != null) {
                  lines.put(new StreamLine(index, Instant.now(), line.text(), line.cut()));
                }
              } catch (IOException e) {
                Log.warnf("Job %d: reading its output failed: %s", job.id(), e.getMessage());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              // The end, always: follow() takes lines until both streams' ends came, so this put
              // returns; an interrupt (which put clears as it throws) only makes it try again.
              boolean interrupted = Thread.interrupted();
              while (true) {
                try {
                  lines.put(new StreamLine(index, null, null, 0));
                  break;
                } catch (InterruptedException e) {
                  interrupted = true;
                }
              }
              if (interrupted) {
                Thread.currentThread().interrupt();
              }
            },
            "local-job-" + job.id() + (index == 0 ? "-stdout" : "-stderr"));
    reader.setDaemon(true);
    reader.start();
  }

  private void report(JobRef job, List<LogEntry> batch) {
    if (batch.isEmpty()) {
      return;
    }
    listener.wrote(job.id(), List.copyOf(batch));
    batch.clear();
  }
}
