package dev.trainwatch.functions.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
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

  /** The local executor. */
  Local local();

  /** The status sweep. */
  Sweep sweep();

  /** Log collection. */
  Logs logs();

  /** Tokens the functions mint. */
  Auth auth();

  /** Tokens the functions mint (they verify with mp.jwt.verify.*, in application.properties). */
  interface Auth {
    /** The iss claim of minted tokens; the same issuer the functions and the relay trust. */
    @WithDefault("trainwatch")
    String issuer();

    /** How long a job's ingest token lasts: longer than any job may run (see active-deadline). */
    @WithDefault("8d")
    Duration ingestTokenTtl();

    /** How long a relay subscription token is accepted; a socket opened with it stays open. */
    @WithDefault("1h")
    Duration subscriptionTokenTtl();
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

    /** Service account of training pods; empty for the namespace's default. */
    Optional<String> serviceAccount();
  }

  /** The local executor: a job is a child process of the functions host. */
  interface Local {
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
  }

  /** The status sweep: checks every active job against its executor. */
  interface Sweep {
    /** Whether the functions run the sweep on a timer (outside a cluster); Knative triggers it. */
    @WithDefault("true")
    boolean scheduled();

    /** Time between scheduled sweeps (MONITOR_POLL_INTERVAL seconds, as in the guide). */
    @WithDefault("10s")
    Duration interval();
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
  }

  /** HTTP limits. */
  interface Http {
    /** Largest request body accepted, in bytes; a larger one gets 413 and is not read. */
    @WithDefault("4194304")
    long maxBodyBytes();
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
