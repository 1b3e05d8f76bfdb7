package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.domain.PodEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads core/v1 Events about training pods, whichever way they come (the API's list, which the
 * sweep reads, or an ApiServerSource CloudEvent): one mapping for both. Does not talk to
 * Kubernetes.
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
   * The pod event an Event's fields describe, or null when it is not about a pod or has no uid. The
   * time is the last occurrence: {@code series.lastObservedTime}, {@code lastTimestamp}, {@code
   * eventTime}, {@code firstTimestamp}, or the object's creation, the first one set (newer
   * reporters fill eventTime and series, older ones the timestamps and count).
   *
   * @param fields the Event's fields as the API serves them (RFC 3339 times, null when absent)
   */
  public static PodEvent podEvent(EventFields fields) {
    if (fields.uid() == null || !"Pod".equals(fields.involvedKind())) {
      return null;
    }
    Instant at =
        firstTime(
            fields.seriesLastObserved(),
            fields.lastTimestamp(),
            fields.eventTime(),
            fields.firstTimestamp(),
            fields.created());
    int count =
        fields.seriesCount() != null
            ? fields.seriesCount()
            : fields.count() != null ? fields.count() : 1;
    return new PodEvent(
        fields.uid(),
        fields.involvedName(),
        fields.type(),
        fields.reason(),
        fields.message(),
        count,
        at == null ? Instant.now() : at);
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

  /**
   * The fields of a core/v1 Event that a pod event is made of.
   *
   * @param uid {@code metadata.uid}
   * @param created {@code metadata.creationTimestamp}
   * @param involvedKind {@code involvedObject.kind}
   * @param involvedName {@code involvedObject.name}
   * @param type {@code type}: Normal or Warning
   * @param reason {@code reason}
   * @param message {@code message}
   * @param count {@code count}, or null
   * @param seriesCount {@code series.count}, or null
   * @param seriesLastObserved {@code series.lastObservedTime}, or null
   * @param lastTimestamp {@code lastTimestamp}, or null
   * @param eventTime {@code eventTime}, or null
   * @param firstTimestamp {@code firstTimestamp}, or null
   */
  public record EventFields(
      String uid,
      String created,
      String involvedKind,
      String involvedName,
      String type,
      String reason,
      String message,
      Integer count,
      Integer seriesCount,
      String seriesLastObserved,
      String lastTimestamp,
      String eventTime,
      String firstTimestamp) {}
}
