package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.PodEvent;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSeries;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads core/v1 Events about training pods: which job a pod belongs to, and an Event as a pod
 * event. Does not talk to Kubernetes.
 */
public final class KubernetesEvents {

  /** A training pod's name: its Job's name, then the suffix the Job controller adds. */
  private static final Pattern POD = Pattern.compile("training-job-([1-9][0-9]{0,17})-[a-z0-9]+");

  private KubernetesEvents() {}

  /** The Trainwatch job whose pod {@code podName} is, or null for another pod. */
  public static Long jobOfPod(String podName) {
    Matcher pod = podName == null ? null : POD.matcher(podName);
    return pod != null && pod.matches() ? Long.valueOf(pod.group(1)) : null;
  }

  /**
   * The pod event {@code event} describes, or null when it is not about a pod or has no uid. The
   * time is the last occurrence: {@code series.lastObservedTime}, {@code lastTimestamp}, {@code
   * eventTime}, {@code firstTimestamp}, or the object's creation, the first one set (newer
   * reporters fill eventTime and series, older ones the timestamps and count).
   */
  static PodEvent podEvent(Event event) {
    ObjectReference about = event.getInvolvedObject();
    String uid = event.getMetadata() == null ? null : event.getMetadata().getUid();
    if (uid == null || about == null || !"Pod".equals(about.getKind())) {
      return null;
    }
    EventSeries series = event.getSeries();
    Instant at =
        firstTime(
            series == null ? null : timeOf(series.getLastObservedTime()),
            event.getLastTimestamp(),
            timeOf(event.getEventTime()),
            event.getFirstTimestamp(),
            event.getMetadata().getCreationTimestamp());
    Integer count =
        series != null && series.getCount() != null ? series.getCount() : event.getCount();
    return new PodEvent(
        uid,
        about.getName(),
        event.getType(),
        event.getReason(),
        event.getMessage(),
        count == null ? 1 : count,
        at == null ? Instant.now() : at);
  }

  private static String timeOf(MicroTime time) {
    return time == null ? null : time.getTime();
  }

  private static Instant firstTime(String... times) {
    for (String time : times) {
      if (time != null && !time.isBlank()) {
        try {
          return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
          // not a time: try the next field
        }
      }
    }
    return null;
  }
}
