package dev.trainwatch.functions.function;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trainwatch.functions.executor.KubernetesEvents;
import dev.trainwatch.functions.executor.KubernetesJobFactory;
import dev.trainwatch.functions.service.StatusSweepService;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/**
 * Takes Knative ApiServerSource events (Resource mode: the data is the object) from the training
 * namespace and checks the job they are about at once, so a status or a pod event does not wait for
 * the next sweep: a Job by its label (a deleted Job reads as cancelled), an Event by its training
 * pod's name (its job's pod events are then read from the API; the CloudEvent's data is never
 * stored). Other objects, and an Event's deletion (the cluster expiring it), are ignored. The sweep
 * stays the safety net for events that never arrive.
 *
 * <p>The event's data is read as {@link KubernetesObject}, not as fabric8's Job or Event: Funqy
 * builds a reader for each input type at start-up, and one for a fabric8 model loads some 700 model
 * classes that a cold start then pays for, to read a few fields.
 */
public class JobEventFunction {

  /** The parts of a Job or an Event this function reads. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record KubernetesObject(String kind, Metadata metadata, InvolvedObject involvedObject) {}

  /** An object's metadata, as far as it is read here. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record Metadata(Map<String, String> labels) {}

  /** What an Event is about. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record InvolvedObject(String kind, String name) {}

  private final StatusSweepService sweep;

  public JobEventFunction(StatusSweepService sweep) {
    this.sweep = sweep;
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.add")
  public void jobAdded(KubernetesObject object) {
    seen(object, false);
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.update")
  public void jobUpdated(KubernetesObject object) {
    seen(object, false);
  }

  @Funq
  @CloudEventMapping(trigger = "dev.knative.apiserver.resource.delete")
  public void jobDeleted(KubernetesObject object) {
    seen(object, true);
  }

  private void seen(KubernetesObject object, boolean deleted) {
    if (object != null && "Event".equals(object.kind())) {
      if (!deleted) {
        podEventSeen(object);
      }
      return;
    }
    String id =
        object == null || object.metadata() == null || object.metadata().labels() == null
            ? null
            : object.metadata().labels().get(KubernetesJobFactory.JOB_ID_LABEL);
    if (id == null || !id.matches("[1-9][0-9]{0,18}")) {
      Log.debugf("Job event for a Job without a Trainwatch job id; ignored");
      return;
    }
    sweep.sweepOne(Long.parseLong(id));
  }

  /**
   * An Event about a training pod is only a sign that there is something to read: its data is not
   * trusted (anyone who may send CloudEvents could name any job), so the job's pod events are read
   * from the Kubernetes API, as the sweep reads them, and the job is checked.
   */
  private void podEventSeen(KubernetesObject event) {
    InvolvedObject about = event.involvedObject();
    Long jobId =
        about == null || !"Pod".equals(about.kind())
            ? null
            : KubernetesEvents.jobOfPod(about.name());
    if (jobId == null) {
      Log.debugf("An Event about something other than a training pod; ignored");
      return;
    }
    sweep.sweepOne(jobId);
  }
}
