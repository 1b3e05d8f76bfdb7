package dev.trainwatch.relay.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The relay's own settings; connection settings live in application.properties. */
@ConfigMapping(prefix = "trainwatch.relay")
public interface RelayConfig {

  /**
   * Prefix of every Redis channel, so several installations (or tests) can share a Redis; the
   * functions' {@code trainwatch.events.key-prefix} must be the same.
   */
  @WithDefault("tw")
  String keyPrefix();

  /** How long start-up waits for the Redis subscriber connection before the relay fails. */
  @WithDefault("10s")
  Duration connectTimeout();
}
