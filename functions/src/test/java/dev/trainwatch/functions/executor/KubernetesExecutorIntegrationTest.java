package dev.trainwatch.functions.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.trainwatch.functions.TestFeed;
import dev.trainwatch.functions.TestJobs;
import dev.trainwatch.functions.TestPods;
import dev.trainwatch.functions.service.StatusSweepService;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Integration: the Kubernetes executor against the fabric8 mock server (CRUD mode) and the status
 * sweep over it, on the real PostgreSQL and Redis.
 */
@QuarkusTest
class KubernetesExecutorIntegrationTest {

  private static final String NS = "training";

  @Inject KubernetesClient client;
  @Inject StatusSweepService sweep;
  @Inject RedisDataSource redis;

  @Test
  void submissionCreatesAJobWithNameLabelsEnvAndLimits() {
    long id =
        given()
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "model_name",
                    "resnet",
                    "framework",
                    "pytorch",
                    "dataset_path",
                    "s3://data/imagenet",
                    "num_epochs",
                    5,
                    "batch_size",
                    64,
                    "executor_type",
                    "kubernetes",
                    "image",
                    "registry.example/acme/train:1",
                    "command",
                    List.of("python", "train.py"),
                    "args",
                    List.of("--lr", "0.1"),
                    "resources",
                    Map.of("cpu", "2", "memory", "8Gi", "gpu", 1)))
            .post("/api/v1/training/jobs")
            .then()
            .statusCode(201)
            .body("status", equalTo("pending"))
            .body("execution_id", startsWith("training-job-"))
            .body("resources.gpu", equalTo(1))
            .extract()
            .jsonPath()
            .getLong("job_id");

    Job job = client.batch().v1().jobs().inNamespace(NS).withName("training-job-" + id).get();
    assertThat(job).isNotNull();
    assertThat(job.getMetadata().getLabels())
        .containsEntry("trainwatch.dev/job-id", Long.toString(id));
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(1);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(86_400L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3_600);
    var template = job.getSpec().getTemplate();
    assertThat(template.getMetadata().getLabels())
        .containsEntry("trainwatch.dev/job-id", Long.toString(id));
    assertThat(template.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true");
    assertThat(template.getSpec().getRestartPolicy()).isEqualTo("Never");
    var container = template.getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example/acme/train:1");
    assertThat(container.getCommand()).containsExactly("python", "train.py");
    assertThat(container.getArgs()).containsExactly("--lr", "0.1");
    Map<String, String> env =
        container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("TRAINWATCH_JOB_ID", Long.toString(id))
        .containsEntry("TRAINWATCH_URL", "http://trainwatch-ingest.trainwatch.svc.cluster.local")
        .containsEntry("TRAINWATCH_NUM_EPOCHS", "5");
    assertThat(container.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"))
        .containsEntry("cpu", new Quantity("2"))
        .containsEntry("memory", new Quantity("8Gi"));
    assertThat(container.getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
  }

  @Test
  void aJobGoesPendingRunningCompletedWithEachChangePublishedOnce() {
    long id = TestJobs.submit(null);
    sweep.sweep();
    assertStatus(id, "pending");

    runningPod(id, "a");
    sweep.sweep();
    sweep.sweep();
    assertStatus(id, "running");

    setCondition(id, "Complete", null, null);
    sweep.sweep();
    sweep.sweep();
    assertStatus(id, "completed");
    assertThat(TestFeed.statusChanges(redis, id))
        .containsExactly("pending->running", "running->completed");
  }

  @Test
  void aJobThatFinishedBetweenTwoLooksStillPassesThroughRunning() {
    long id = TestJobs.submit(null);
    setCondition(id, "Complete", null, null);
    sweep.sweep();
    assertThat(TestFeed.statusChanges(redis, id))
        .containsExactly("pending->running", "running->completed");
  }

  @Test
  void backoffLimitExceededFailsTheJobWithThatReason() {
    long id = TestJobs.submit(null);
    setCondition(
        id, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    sweep.sweep();
    given()
        .get("/api/v1/training/jobs/" + id)
        .then()
        .body("status", equalTo("failed"))
        .body("failure_reason", equalTo("BackoffLimitExceeded"))
        .body("status_message", equalTo("Job has reached the specified backoff limit"));
    assertThat(TestFeed.statusChanges(redis, id))
        .containsExactly("pending->failed:BackoffLimitExceeded");
  }

  @Test
  void anOomKilledPodGivesOomKilled() {
    long id = TestJobs.submit(null);
    createPod(
        id,
        "oom",
        "Failed",
        new ContainerStateBuilder()
            .withNewTerminated()
            .withReason("OOMKilled")
            .withExitCode(137)
            .endTerminated()
            .build());
    setCondition(
        id, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    sweep.sweep();
    given()
        .get("/api/v1/training/jobs/" + id)
        .then()
        .body("failure_reason", equalTo("OOMKilled"))
        .body("status_message", containsString("exit code 137"));
  }

  @Test
  void anImagePullBackOffFailsTheJobAndDeletesIt() {
    long id = TestJobs.submit(null);
    createPod(
        id,
        "pull",
        "Pending",
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image \"ghcr.io/acme/typo:1\"")
            .endWaiting()
            .build());
    sweep.sweep();
    given()
        .get("/api/v1/training/jobs/" + id)
        .then()
        .body("status", equalTo("failed"))
        .body("failure_reason", equalTo("ImagePullBackOff"));
    assertThat(jobInCluster(id)).isNull();
  }

  @Test
  void aDeletedJobGivesCancelled() {
    long id = TestJobs.submit(null);
    client.batch().v1().jobs().inNamespace(NS).withName("training-job-" + id).delete();
    sweep.sweep();
    given()
        .get("/api/v1/training/jobs/" + id)
        .then()
        .body("status", equalTo("cancelled"))
        .body("status_message", equalTo("the Kubernetes Job was deleted"));
  }

  @Test
  void cancellingDeletesTheJobAndASecondCancelIsRefused() {
    long id = TestJobs.submit(null);
    given()
        .post("/api/v1/training/jobs/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("cancelled"));
    assertThat(jobInCluster(id)).isNull();
    given()
        .post("/api/v1/training/jobs/" + id + "/cancel")
        .then()
        .statusCode(409)
        .body("error", equalTo("job_finished"));
    given().post("/api/v1/training/jobs/" + Long.MAX_VALUE + "/cancel").then().statusCode(404);
  }

  /** A pod of the job whose trainer container is in {@code state}. */
  private void createPod(long id, String suffix, String phase, ContainerState state) {
    Pod pod = TestPods.of(id, suffix, phase);
    pod.getStatus()
        .setContainerStatuses(
            List.of(new ContainerStatusBuilder().withName("trainer").withState(state).build()));
    client.pods().inNamespace(NS).resource(pod).create();
  }

  private Job jobInCluster(long id) {
    return client.batch().v1().jobs().inNamespace(NS).withName("training-job-" + id).get();
  }

  private void assertStatus(long id, String status) {
    given().get("/api/v1/training/jobs/" + id).then().body("status", equalTo(status));
  }

  private void runningPod(long id, String suffix) {
    client.pods().inNamespace(NS).resource(TestPods.of(id, suffix, "Running")).create();
  }

  private void setCondition(long id, String type, String reason, String message) {
    Job job = client.batch().v1().jobs().inNamespace(NS).withName("training-job-" + id).get();
    Job done =
        new JobBuilder(job)
            .editOrNewStatus()
            .withConditions(
                new JobConditionBuilder()
                    .withType(type)
                    .withStatus("True")
                    .withReason(reason)
                    .withMessage(message)
                    .build())
            .endStatus()
            .build();
    client.batch().v1().jobs().inNamespace(NS).resource(done).updateStatus();
  }
}
