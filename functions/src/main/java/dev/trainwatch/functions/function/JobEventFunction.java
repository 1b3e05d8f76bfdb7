package dev.trainwatch.functions.function;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trainwatch.functions.executor.KubernetesJobFactory;
import dev.trainwatch.functions.service.StatusSweepService;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * Takes Knative ApiServerSource events for Jobs in the training namespace (Resource mode: the data
 * is the Job) and checks the named job at once, so a status does not wait for the next sweep. Jobs
 * without Trainwatch's label are ignored. A deleted Job reads as cancelled. The sweep stays the
 * safety net for events that never arrive.
 *
 * <p>The event's data is read as {@link LabelledObject}, not as fabric8's Job: Funqy builds a
 * reader for each input type at start-up, and one for Job loads some 700 model classes that a cold
 * start then pays for, to read one label.
 */
public class JobEventFunction {

  /** The part of a Kubernetes object this function reads: its labels. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record LabelledObject(Metadata metadata) {}

  /** An object's metadata, as far as it is read here. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record Metadata(Map<String, String> labels) {}

  private final StatusSweepService sweep;

  public JobEventFunction(StatusSweepService sweep) {
    this.sweep = sweep;
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.add")
  public void jobAdded(LabelledObject job) {
    check(job);
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.update")
  public void jobUpdated(LabelledObject job) {
    check(job);
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.delete")
  public void jobDeleted(LabelledObject job) {
    check(job);
  }

  private void check(LabelledObject job) {
    String id =
        job == null || job.metadata() == null || job.metadata().labels() == null
            ? null
            : job.metadata().labels().get(KubernetesJobFactory.JOB_ID_LABEL);
    if (id == null || !id.matches("[1-9][0-9]{0,18}")) {
      Log.debugf("Job event for a Job without a Trainwatch job id; ignored");
      return;
    }
    sweep.sweepOne(Long.parseLong(id));
  }
}
