package dev.trainwatch.functions.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

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
