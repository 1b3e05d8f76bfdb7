package dev.trainwatch.functions.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One Kubernetes Event about a job's pod (Scheduled, Pulling, Pulled, FailedScheduling, BackOff,
 * Killing, Evicted, Preempted, FailedMount, ...), as the cluster told it when Trainwatch first saw
 * it. The cluster repeats an event by counting it on the same Event object, so one object (one
 * {@code uid}) is one event here. Text is stored as {@link StoredText} and the message cut at
 * {@link LogText#MAX_PART} characters.
 *
 * @param uid the Event object's uid
 * @param pod the pod's name
 * @param type {@code Normal} or {@code Warning}
 * @param reason the cluster's short reason, e.g. {@code FailedScheduling}
 * @param message what the cluster said, e.g. {@code 0/8 nodes are available: 8 Insufficient
 *     nvidia.com/gpu.}
 * @param count how many times the cluster had seen it when it was read, at least 1
 * @param at when it last happened
 */
public record PodEvent(
    String uid, String pod, String type, String reason, String message, int count, Instant at) {

  public PodEvent {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(at, "at");
    pod = StoredText.of(Objects.requireNonNullElse(pod, ""));
    type = StoredText.of(Objects.requireNonNullElse(type, "Normal"));
    reason = StoredText.of(Objects.requireNonNullElse(reason, ""));
    message = LogText.cut(StoredText.of(Objects.requireNonNullElse(message, "")), LogText.MAX_PART);
    count = Math.max(1, count);
  }
}
