package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.ExecutorType;
import dev.trainwatch.functions.domain.JobRef;
import dev.trainwatch.functions.domain.LogEntry;
import dev.trainwatch.functions.domain.NewJob;
import dev.trainwatch.functions.domain.Observation;
import dev.trainwatch.functions.domain.PodEvent;
import dev.trainwatch.functions.domain.TrainingJob;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs a job as a batch/v1 Job in the training namespace (see {@link KubernetesJobFactory}) and
 * reads its status from the Job and its pods (see {@link KubernetesStatusReader}). The client is
 * created on first use, not at start-up. It never changes a Job except to create or delete it.
 */
@ApplicationScoped
public class KubernetesJobExecutor implements JobExecutor {

  private final KubernetesClient client;
  private final KubernetesJobFactory factory;
  private final PodLogReader logs;
  private final TrainwatchConfig.Kubernetes config;

  public KubernetesJobExecutor(
      KubernetesClient client,
      KubernetesJobFactory factory,
      PodLogReader logs,
      TrainwatchConfig config) {
    this.client = client;
    this.factory = factory;
    this.logs = logs;
    this.config = config.kubernetes();
  }

  @Override
  public ExecutorType type() {
    return ExecutorType.KUBERNETES;
  }

  /**
   * Refuses an image outside {@code allowed-image-prefixes} and a request above the project's
   * limits (or the default ones); holds nothing, since the cluster's ResourceQuota bounds the sum.
   */
  @Override
  public Runnable admit(NewJob job) {
    if (job.image() != null
        && config.allowedImagePrefixes().stream()
            .noneMatch(prefix -> allows(prefix, job.image()))) {
      throw SubmissionRefusedException.notAllowed(
          "image '"
              + job.image()
              + "' is not allowed here; images must start with one of "
              + config.allowedImagePrefixes()
              + " (trainwatch.kubernetes.allowed-image-prefixes)");
    }
    TrainwatchConfig.Limits limits =
        config.projectLimits().getOrDefault(job.project(), config.limits());
    String setting =
        config.projectLimits().containsKey(job.project())
            ? "trainwatch.kubernetes.project-limits." + job.project()
            : "trainwatch.kubernetes.limits";
    requireAtMost("cpu", job.cpu(), limits.cpu(), setting);
    requireAtMost("memory", job.memory(), limits.memory(), setting);
    requireAtMost(
        "gpu",
        job.gpu() == null ? null : job.gpu().toString(),
        Integer.toString(limits.gpu()),
        setting);
    return () -> {};
  }

  /** An image tag: what may follow a prefix that ends in ':' (no '/', so no registry port). */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  /**
   * Whether {@code prefix} admits {@code image}: one ending in '/' admits every image below that
   * path; one ending in ':' admits that repository with any tag ({@code python:} admits {@code
   * python:3.11}, not {@code python:5000/evil/x}, where {@code python:5000} is a registry); any
   * other prefix admits only the image it names.
   */
  static boolean allows(String prefix, String image) {
    if (!image.startsWith(prefix)) {
      return false;
    }
    String rest = image.substring(prefix.length());
    if (prefix.endsWith("/")) {
      return !rest.isEmpty() && !rest.contains("..");
    }
    if (prefix.endsWith(":")) {
      return TAG.matcher(rest).matches();
    }
    return rest.isEmpty();
  }

  private static void requireAtMost(String field, String asked, String most, String setting) {
    if (asked != null
        && Quantity.getAmountInBytes(new Quantity(asked))
                .compareTo(Quantity.getAmountInBytes(new Quantity(most)))
            > 0) {
      throw SubmissionRefusedException.notAllowed(
          "'resources."
              + field
              + "' is "
              + asked
              + "; a job may ask for at most "
              + most
              + " ("
              + setting
              + "."
              + field
              + ")");
    }
  }

  @Override
  public String start(TrainingJob job) {
    Job spec = factory.build(job);
    try {
      client.batch().v1().jobs().inNamespace(config.namespace()).resource(spec).create();
    } catch (KubernetesClientException e) {
      throw new ExecutorException("the Kubernetes Job could not be created", e);
    }
    return spec.getMetadata().getName();
  }

  @Override
  public Observation observe(JobRef job) {
    try {
      Job current = jobOf(job);
      return KubernetesStatusReader.read(
          current, podsOf(job), job.createdAt(), config.unschedulableAfter(), Instant.now());
    } catch (KubernetesClientException e) {
      throw new ExecutorException("the Kubernetes API did not answer", e);
    }
  }

  @Override
  public List<LogEntry> newLogs(JobRef job, int most) {
    try {
      return logs.read(job.id(), podsOf(job), most);
    } catch (KubernetesClientException e) {
      throw new ExecutorException("the Kubernetes API did not answer", e);
    }
  }

  /**
   * Reads the training namespace's Events once and keeps those about the pods of {@code jobs} (by
   * the pod's name, so the events of a pod already evicted and replaced are kept too).
   */
  @Override
  public Map<Long, List<PodEvent>> podEvents(List<JobRef> jobs) {
    Set<Long> wanted = jobs.stream().map(JobRef::id).collect(Collectors.toSet());
    try {
      Map<Long, List<PodEvent>> events = new HashMap<>();
      for (Event event : client.v1().events().inNamespace(config.namespace()).list().getItems()) {
        ObjectReference about = event.getInvolvedObject();
        Long jobId = about == null ? null : KubernetesEvents.jobOfPod(about.getName());
        PodEvent podEvent =
            jobId == null || !wanted.contains(jobId) ? null : KubernetesEvents.podEvent(event);
        if (podEvent != null) {
          events.computeIfAbsent(jobId, id -> new ArrayList<>()).add(podEvent);
        }
      }
      events.values().forEach(list -> list.sort(Comparator.comparing(PodEvent::at)));
      return events;
    } catch (KubernetesClientException e) {
      throw new ExecutorException("the Kubernetes API did not answer", e);
    }
  }

  @Override
  public void cancel(JobRef job) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(config.namespace())
          .withName(KubernetesJobFactory.jobName(job.id()))
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
    } catch (KubernetesClientException e) {
      throw new ExecutorException("the Kubernetes Job could not be deleted", e);
    }
  }

  private Job jobOf(JobRef job) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(config.namespace())
        .withName(KubernetesJobFactory.jobName(job.id()))
        .get();
  }

  private List<Pod> podsOf(JobRef job) {
    return client
        .pods()
        .inNamespace(config.namespace())
        .withLabel(KubernetesJobFactory.JOB_ID_LABEL, Long.toString(job.id()))
        .list()
        .getItems();
  }
}
