package dev.trainwatch.functions.executor;

import dev.trainwatch.functions.config.TrainwatchConfig;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the Kubernetes executor can work: the API answers, and the functions' service account may
 * create Jobs, read pods and read pod logs in the training namespace (asked with
 * SelfSubjectAccessReviews). Blocking.
 */
@ApplicationScoped
public class KubernetesHealthReader {

  /**
   * The answer.
   *
   * @param healthy reachable and every permission granted
   * @param reachable the API answered
   * @param version the API server's version, or null
   * @param namespace the training namespace
   * @param permissions each permission asked and whether it is granted
   * @param error what went wrong, or null
   */
  @RegisterForReflection
  public record KubernetesHealth(
      boolean healthy,
      boolean reachable,
      String version,
      String namespace,
      Map<String, Boolean> permissions,
      String error) {}

  private final KubernetesClient client;
  private final String namespace;

  public KubernetesHealthReader(KubernetesClient client, TrainwatchConfig config) {
    this.client = client;
    this.namespace = config.kubernetes().namespace();
  }

  public KubernetesHealth check() {
    String version;
    try {
      version = client.getKubernetesVersion().getGitVersion();
    } catch (KubernetesClientException e) {
      return new KubernetesHealth(false, false, null, namespace, Map.of(), e.getMessage());
    }
    Map<String, Boolean> permissions = new LinkedHashMap<>();
    try {
      permissions.put("create jobs.batch", allowed("create", "batch", "jobs", null));
      permissions.put("delete jobs.batch", allowed("delete", "batch", "jobs", null));
      permissions.put("list pods", allowed("list", "", "pods", null));
      permissions.put("watch pods", allowed("watch", "", "pods", null));
      permissions.put("get pods/log", allowed("get", "", "pods", "log"));
      permissions.put("list events", allowed("list", "", "events", null));
    } catch (KubernetesClientException e) {
      return new KubernetesHealth(false, true, version, namespace, permissions, e.getMessage());
    }
    boolean all = permissions.values().stream().allMatch(Boolean::booleanValue);
    return new KubernetesHealth(all, true, version, namespace, permissions, null);
  }

  private boolean allowed(String verb, String group, String resource, String subresource) {
    ResourceAttributes attributes =
        new ResourceAttributesBuilder()
            .withNamespace(namespace)
            .withVerb(verb)
            .withGroup(group)
            .withResource(resource)
            .withSubresource(subresource)
            .build();
    SelfSubjectAccessReview review =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withResourceAttributes(attributes)
            .endSpec()
            .build();
    SelfSubjectAccessReview answer =
        client.authorization().v1().selfSubjectAccessReview().create(review);
    return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
