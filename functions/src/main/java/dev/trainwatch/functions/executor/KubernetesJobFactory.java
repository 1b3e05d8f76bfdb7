package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.config.TrainwatchConfig;
import dev.trainwatch.functions.domain.TrainingJob;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the batch/v1 Job for a training job: named {@code training-job-{id}} (so the PromQL {@code
 * pod=~"training-job-.*"} of the dashboards matches its pods), labelled with the job id, pods
 * annotated for Prometheus, and the trainer's environment. Its pods meet Pod Security's {@code
 * restricted} level: not root, no privilege escalation, no capabilities, the runtime's default
 * seccomp profile, and no service-account token. It does not talk to Kubernetes.
 */
@ApplicationScoped
public class KubernetesJobFactory {

  /** Label carrying the Trainwatch job id on Jobs and pods. */
  public static final String JOB_ID_LABEL = "trainwatch.dev/job-id";

  private final TrainwatchConfig.Kubernetes config;
  private final TrainerEnvironment environment;

  public KubernetesJobFactory(TrainwatchConfig config, TrainerEnvironment environment) {
    this.config = config.kubernetes();
    this.environment = environment;
  }

  /** The Job's name for a training job. */
  public static String jobName(long jobId) {
    return "training-job-" + jobId;
  }

  /** The Job to create for {@code job}. */
  public Job build(TrainingJob job) {
    Map<String, String> labels =
        Map.of(
            JOB_ID_LABEL,
            Long.toString(job.id),
            "app.kubernetes.io/name",
            "trainwatch-training",
            "app.kubernetes.io/managed-by",
            "trainwatch");
    Map<String, String> scrape =
        Map.of(
            "prometheus.io/scrape", "true",
            "prometheus.io/port", "9090",
            "prometheus.io/path", "/metrics");
    Map<String, Quantity> requests = new HashMap<>();
    Map<String, Quantity> limits = new HashMap<>();
    if (job.cpu != null) {
      requests.put("cpu", new Quantity(job.cpu));
      limits.put("cpu", new Quantity(job.cpu));
    }
    if (job.memory != null) {
      requests.put("memory", new Quantity(job.memory));
      limits.put("memory", new Quantity(job.memory));
    }
    if (job.gpu != null && job.gpu > 0) {
      limits.put("nvidia.com/gpu", new Quantity(Integer.toString(job.gpu)));
    }
    JobBuilder builder =
        new JobBuilder()
            .withNewMetadata()
            .withName(jobName(job.id))
            .withNamespace(config.namespace())
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(config.backoffLimit())
            .withActiveDeadlineSeconds(config.activeDeadline().toSeconds())
            .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .withAnnotations(scrape)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withServiceAccountName(config.serviceAccount().orElse(null))
            .withAutomountServiceAccountToken(false)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(config.runAsUser())
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .addNewContainer()
            .withName("trainer")
            .withImage(job.image != null ? job.image : config.defaultImage())
            .withCommand(job.command)
            .withArgs(job.args)
            .withEnv(environment(job))
            .withResources(
                new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build())
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec();
    return builder.build();
  }

  private List<EnvVar> environment(TrainingJob job) {
    List<EnvVar> env = new ArrayList<>();
    environment
        .of(job, config.ingestUrl())
        .forEach(
            (name, value) -> env.add(new EnvVarBuilder().withName(name).withValue(value).build()));
    return env;
  }
}
