package dev.trainwatch.functions.function;

import dev.trainwatch.functions.service.StatusSweepService;
import dev.trainwatch.functions.service.StatusSweepService.SweepResult;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;

/**
 * The status sweep as CloudEvent functions (Knative Eventing). Two triggers, one sweep: a Knative
 * PingSource, and a {@code trainwatch.sweep} event that a plain Kubernetes CronJob can POST where
 * Eventing is not installed. Both binary and structured CloudEvents are accepted (Funqy reads
 * both).
 */
public class SweepFunctions {

  private final StatusSweepService sweep;

  public SweepFunctions(StatusSweepService sweep) {
    this.sweep = sweep;
  }

  /** Answers a PingSource tick; the event's data is ignored. */
  @Funq
  @CloudEventMapping(trigger = "dev.knative.sources.ping", responseType = "trainwatch.sweep.done")
  public SweepResult pingSweep() {
    return sweep.sweep();
  }

  /** Answers a {@code trainwatch.sweep} event, e.g. from the CronJob in infra/. */
  @Funq
  @CloudEventMapping(trigger = "trainwatch.sweep", responseType = "trainwatch.sweep.done")
  public SweepResult sweep() {
    return sweep.sweep();
  }
}
