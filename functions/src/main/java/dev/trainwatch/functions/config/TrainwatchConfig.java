package dev.trainwatch.functions.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trainwatch's own settings for the functions; connection settings live in application.properties.
 */
@ConfigMapping(prefix = "trainwatch")
public interface TrainwatchConfig {

  /** Ingest limits. */
  Ingest ingest();

  /** How events reach Redis. */
  Events events();

  /** HTTP limits. */
  Http http();

  /** How fast one job may report. */
  Rate rate();

  /** The rules on the live stream, as a job gets them unless its submission sets them. */
  Alerts alerts();

  /**
   * The server's default rules (docs/protocol.md, "Alerts"); a submission's {@code "alerts"} sets
   * or turns off each one for its job. The metric rules watch every metric whose name contains
   * {@code loss} unless the job names its metrics.
   */
  interface Alerts {
    /** divergence: a watched metric fires over this many times its best (lowest) value. */
    @WithDefault("2")
    double divergenceFactor();

    /** divergence: points of a metric before the factor applies. */
    @WithDefault("10")
    int divergenceWarmup();

    /** divergence: a metric that rose this many points in a row fires too; 0 for no limit. */
    @WithDefault("20")
    int divergenceRising();

    /** silent: a running job that reported no point and no log line for this long fires. */
    @WithDefault("10m")
    Duration silentAfter();

    /** stuck_pending: a job pending for this long fires, with the cluster's last warning. */
    @WithDefault("10m")
    Duration stuckPendingAfter();
  }

  /** How fast one job may report, per functions instance. */
  interface Rate {
    /** Points (or log entries) one job may report per second; more gets 429 with Retry-After. */
    @WithDefault("20000")
    int itemsPerSecondPerJob();

    /** Seconds of that rate a job may spend at once (the token bucket's size). */
    @WithDefault("2")
    int burstSeconds();
  }

  /** The Kubernetes executor. */
  Kubernetes kubernetes();

  /** The executors' settings that are not Kubernetes'. */
  Executor executor();

  /** The executors' settings that are not Kubernetes'. */
  interface Executor {
    /** The local executor (development only; docs/security.md). */
    Local local();
  }

  /** The status sweep. */
  Sweep sweep();

  /** Log collection. */
  Logs logs();

  /** Tokens the functions mint. */
  Auth auth();

  /**
   * Tokens: what the functions mint, and how long a token of each scope may live (they verify with
   * mp.jwt.verify.*, in application.properties; docs/security.md).
   */
  interface Auth {
    /** The iss claim of minted tokens; the same issuer the functions and the relay trust. */
    @WithDefault("trainwatch")
    String issuer();

    /**
     * How long a job's ingest token lasts, and the longest an ingest token may be issued for:
     * longer than any job may run (see active-deadline). It stops writing earlier, once its job has
     * ended and {@code ingest-grace} has passed.
     */
    @WithDefault("8d")
    Duration ingestTokenTtl();

    /** How long after its job ended an ingest token may still write (the trainer's last flush). */
    @WithDefault("10m")
    Duration ingestGrace();

    /**
     * How long a relay subscription token is accepted, and the longest one may be issued for; the
     * relay closes a socket whose token expired unless it sent a fresh one in an auth frame.
     */
    @WithDefault("1h")
    Duration subscriptionTokenTtl();

    /** The longest an API token may be issued for (exp minus iat); a longer one is refused. */
    @WithDefault("30d")
    Duration apiTokenMaxLifetime();

    /**
     * The kid header of minted tokens: the key they are signed with, among several in a JWK set at
     * mp.jwt.verify.publickey.location, so a new key can take over while the old one still verifies
     * the tokens it signed. None: no kid (a single PEM key).
     */
    Optional<String> signingKeyId();
  }

  /** The Kubernetes executor: how a submitted job becomes a batch/v1 Job. */
  interface Kubernetes {
    /**
     * Namespace the training Jobs run in; the functions' service account needs rights there only.
     */
    @WithDefault("training")
    String namespace();

    /** Image for jobs that name none. */
    @WithDefault("python:3.11-slim")
    String defaultImage();

    /** Pod failures a Job may retry before it fails (BackoffLimitExceeded). */
    @WithDefault("1")
    int backoffLimit();

    /** Longest a Job may run before Kubernetes stops it (DeadlineExceeded). */
    @WithDefault("24h")
    Duration activeDeadline();

    /** How long a finished Job and its pods stay for kubectl before Kubernetes deletes them. */
    @WithDefault("1h")
    Duration ttlAfterFinished();

    /** How long a pod may stay unschedulable before the job fails as Unschedulable. */
    @WithDefault("10m")
    Duration unschedulableAfter();

    /**
     * TRAINWATCH_URL given to training pods: where the ingest functions answer inside the cluster.
     */
    @WithDefault("http://trainwatch-ingest.trainwatch.svc.cluster.local")
    String ingestUrl();

    /**
     * Service account of training pods; empty for the namespace's default. Its token is never
     * mounted: a trainer has no business with the Kubernetes API.
     */
    Optional<String> serviceAccount();

    /**
     * Image prefixes a submission's {@code image} must start with (end each with '/' or ':', so
     * {@code registry.corp/ml/} does not admit {@code registry.corp.evil/}); the default image is
     * always allowed.
     */
    @WithDefault("python:,docker.io/library/python:")
    List<String> allowedImagePrefixes();

    /** The most one job may request, for projects without their own line in project-limits. */
    Limits limits();

    /** The most one job of a named project may request: {@code project-limits.<project>.cpu=32}. */
    Map<String, Limits> projectLimits();

    /** The uid training containers run as, for images that would run as root. */
    @WithDefault("65534")
    long runAsUser();
  }

  /** The most one Kubernetes job may request; more is refused with 400, naming the limit. */
  interface Limits {
    /** CPU, a Kubernetes quantity. */
    @WithDefault("16")
    String cpu();

    /** Memory, a Kubernetes quantity. */
    @WithDefault("64Gi")
    String memory();

    /** GPUs (nvidia.com/gpu). */
    @WithDefault("4")
    int gpu();
  }

  /**
   * The local executor: a job is a child process of the functions host. A development tool: off
   * unless {@code enabled}, and no manifest under infra/ turns it on (docs/security.md).
   */
  interface Local {
    /**
     * Whether {@code "executor_type": "local"} is accepted; when off, such a submission gets 400.
     * ./trainwatch up and the test system turn it on.
     */
    @WithDefault("false")
    boolean enabled();

    /** Command of jobs that name none: the bundled demo trainer. */
    @WithDefault("python3,examples/demo_train.py")
    List<String> defaultCommand();

    /** Working directory of local jobs (./trainwatch up runs from the project's root). */
    @WithDefault(".")
    String workDir();

    /** TRAINWATCH_URL given to local jobs: these functions. */
    @WithDefault("http://localhost:8081")
    String ingestUrl();

    /** How long a cancelled process tree has to exit before it is killed. */
    @WithDefault("5s")
    Duration stopGrace();

    /**
     * Whether, when the functions run as root, each job runs as a user of its own (through
     * util-linux's {@code setpriv}): uid and gid {@code uid-base} + job id mod 100,000, with no
     * passwd entry. It cannot read the key pair (mode 600), another job's environment or the
     * functions'; it cannot signal another job; and what it leaves running is killed when it ends.
     * Ignored when the functions run as another user: jobs then run as that user.
     */
    @WithDefault("true")
    boolean separateUsers();

    /** The first uid of the jobs' users (see separate-users). */
    @WithDefault("200000")
    int uidBase();

    /**
     * PATH of a job's process: its environment holds nothing of the functions' own (no keys, no
     * database settings), only PATH, HOME, LANG and the job's TRAINWATCH_* variables.
     */
    @WithDefault("/usr/local/bin:/usr/bin:/bin")
    String path();

    /** Local processes one project may run at once on one functions host; more gets 429. */
    @WithDefault("4")
    int maxProcessesPerProject();
  }

  /** Who may call the CloudEvent routes without a token. */
  enum SweepCallers {
    /** Loopback callers, or an API token that grants every project. */
    LOOPBACK,
    /** Any caller: the cluster's network keeps the rest out. */
    CLUSTER
  }

  /** The status sweep: checks every active job against its executor. */
  interface Sweep {
    /** Whether the functions run the sweep on a timer (outside a cluster); Knative triggers it. */
    @WithDefault("true")
    boolean scheduled();

    /** Time between scheduled sweeps (MONITOR_POLL_INTERVAL seconds). */
    @WithDefault("10s")
    Duration interval();

    /**
     * Who may call the CloudEvent routes (/, /sweep, the Job events): {@code loopback} (loopback
     * callers, or an API token that grants every project) or {@code cluster} (any caller: set where
     * only the cluster reaches them and Knative's Broker, which sends no token, calls them).
     */
    @WithDefault("loopback")
    SweepCallers callers();
  }

  /** Log collection. */
  interface Logs {
    /**
     * Most log lines taken per job per sweep; older lines beyond it are skipped, and a message says
     * so.
     */
    @WithDefault("1000")
    int maxLinesPerSweep();

    /** Log lines quoted in the message of a job that exited with an error. */
    @WithDefault("10")
    int failureTailLines();

    /**
     * How long a traceback left open at the end of a request or a read of a pod's log waits for the
     * rest of its lines; then (at the source's next batch or the next sweep) it is stored as it is.
     */
    @WithDefault("30s")
    Duration tracebackHold();
  }

  /** HTTP limits. */
  interface Http {
    /** Largest request body accepted, in bytes; a larger one gets 413 and is not read. */
    @WithDefault("4194304")
    long maxBodyBytes();

    /**
     * Host headers answered (a name or address, or *.suffix), others get 421: loopback names by
     * default, the public and in-cluster names in a deployment. Set from TRAINWATCH_ALLOWED_HOSTS
     * in application.properties, which both apps read.
     */
    List<String> allowedHosts();

    /**
     * Refused tokens (401) one client address may cause per minute; past it, every /api request
     * from there gets 429 until the minute ends.
     */
    @WithDefault("30")
    int maxTokenFailuresPerMinute();
  }

  /** Ingest limits. */
  interface Ingest {
    /** Most points one metrics request may carry; a larger batch is rejected whole. */
    @WithDefault("10000")
    int maxPointsPerBatch();

    /** Most metrics one point may carry. */
    @WithDefault("200")
    int maxMetricsPerPoint();

    /** Longest metric name accepted, in characters. */
    @WithDefault("200")
    int maxMetricNameLength();

    /**
     * Most distinct metric names one job may report; a batch that would pass it is rejected whole
     * (400). Bounds the job's name dictionary, which each batch with a new name extends.
     */
    @WithDefault("10000")
    int maxMetricNamesPerJob();
  }

  /** How events reach Redis; the relay must use the same key prefix. */
  interface Events {
    /**
     * Prefix of every Redis key and channel, so several installations (or tests) can share a Redis.
     */
    @WithDefault("tw")
    String keyPrefix();

    /** Events kept per job in its capped Redis history, for clients that resume. */
    @WithDefault("10000")
    int historyLength();

    /** How long a job's Redis history lives after its last event. */
    @WithDefault("7d")
    Duration historyTtl();
  }
}
