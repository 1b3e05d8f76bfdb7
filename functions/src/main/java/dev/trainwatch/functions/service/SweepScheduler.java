package dev.trainwatch.functions.service;

import dev.trainwatch.functions.config.TrainwatchConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs the sweep every {@code MONITOR_POLL_INTERVAL} seconds (default 10) when the functions run
 * outside a cluster; in Knative, a PingSource or CronJob triggers it instead and {@code
 * trainwatch.sweep.scheduled} is false. A sweep still running when the next is due is not
 * overlapped.
 */
@ApplicationScoped
public class SweepScheduler {

  private final StatusSweepService sweep;
  private final boolean enabled;

  public SweepScheduler(StatusSweepService sweep, TrainwatchConfig config) {
    this.sweep = sweep;
    this.enabled = config.sweep().scheduled();
  }

  @Scheduled(
      every = "${trainwatch.sweep.interval}",
      delayed = "${trainwatch.sweep.interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    if (enabled) {
      sweep.sweep();
    }
  }
}
