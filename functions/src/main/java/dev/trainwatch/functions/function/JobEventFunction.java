package dev.trainwatch.functions.function;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.executor.KubernetesEvents;
import dev.trainwatch.functions.executor.KubernetesJobFactory;
import dev.trainwatch.functions.service.PodEventService;
import dev.trainwatch.functions.service.StatusSweepService;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEventMapping;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * Takes Knative ApiServerSource events (Resource mode: the data is the object) from the training
 * namespace. For a Job, it checks the named job at once, so a status does not wait for the next
 * sweep; Jobs without Trainwatch's label are ignored, and a deleted Job reads as cancelled. For an
 * Event about a training pod, it stores the pod event (once: the sweep may bring the same one);
 * other Events, and an Event's deletion (the cluster expiring it), are ignored. The sweep stays the
 * safety net for events that never arrive.
 *
 * <p>The event's data is read as {@link KubernetesObject}, not as fabric8's Job or Event: Funqy
 * builds a reader for each input type at start-up, and one for a fabric8 model loads some 700 model
 * classes that a cold start then pays for, to read a few fields.
 */
public class JobEventFunction {

  /** The parts of a Job or an Event this function reads. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record KubernetesObject(
      String kind,
      Metadata metadata,
      InvolvedObject involvedObject,
      String type,
      String reason,
      String message,
      Integer count,
      Series series,
      String eventTime,
      String firstTimestamp,
      String lastTimestamp) {}

  /** An object's metadata, as far as it is read here. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record Metadata(String uid, String creationTimestamp, Map<String, String> labels) {}

  /** What an Event is about. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record InvolvedObject(String kind, String name) {}

  /** How often an Event recurred, as newer reporters say it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @RegisterForReflection
  public record Series(Integer count, String lastObservedTime) {}

  private final StatusSweepService sweep;
  private final PodEventService podEvents;

  public JobEventFunction(StatusSweepService sweep, PodEventService podEvents) {
    this.sweep = sweep;
    this.podEvents = podEvents;
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
        recordPodEvent(object);
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

  private void recordPodEvent(KubernetesObject event) {
    InvolvedObject about = event.involvedObject();
    Long jobId = about == null ? null : KubernetesEvents.jobOfPod(about.name());
    Metadata metadata = event.metadata();
    Series series = event.series();
    PodEvent podEvent =
        jobId == null || metadata == null
            ? null
            : KubernetesEvents.podEvent(
                new KubernetesEvents.EventFields(
                    metadata.uid(),
                    metadata.creationTimestamp(),
                    about.kind(),
                    about.name(),
                    event.type(),
                    event.reason(),
                    event.message(),
                    event.count(),
                    series == null ? null : series.count(),
                    series == null ? null : series.lastObservedTime(),
                    event.lastTimestamp(),
                    event.eventTime(),
                    event.firstTimestamp()));
    if (podEvent == null) {
      Log.debugf("An Event about something other than a training pod; ignored");
      return;
    }
    podEvents.record(jobId, List.of(podEvent)).await().indefinitely();
  }
}
