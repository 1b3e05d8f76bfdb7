package dev.trainwatch.functions;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Pods as a training Job would have them, for tests against the Kubernetes mock server. */
public final class TestPods {

  private TestPods() {}

  /** A pod of job {@code id} in the training namespace with the given phase. */
  public static Pod of(long id, String suffix, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("training-job-" + id + "-" + suffix)
        .withNamespace("training")
        .addToLabels("trainwatch.dev/job-id", Long.toString(id))
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }
}
