package dev.trainwatch.functions.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainwatch.testing.MockCluster;
import dev.trainwatch.testing.TestTokens;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code function.zip} (profile lambda) run as Lambda runs it: AWS's runtime interface
 * client loads the zip's classes and calls the handler named in infra/aws/template.yaml (or, for a
 * native build, the zip's bootstrap runs), pulling API Gateway (HTTP API, payload 2.0) events from
 * a Runtime API server of the test's. Real PostgreSQL and Redis; a stand-in Kubernetes API.
 */
class FunctionZipIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HANDLER =
      "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
  private static final String JOBS = "/api/v1/training/jobs";

  @TempDir static Path task;
  private static LambdaRuntimeApi runtimeApi;
  private static KubernetesMockServer cluster;
  private static Process runtime;

  @BeforeAll
  static void startTheRuntime() throws IOException {
    unzip(Path.of(System.getProperty("trainwatch.lambda.zip")), task);
    runtimeApi = new LambdaRuntimeApi();
    cluster = MockCluster.start();
    ProcessBuilder builder = new ProcessBuilder(runtimeCommand());
    builder.directory(task.toFile());
    Map<String, String> env = builder.environment();
    env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
    env.put("LAMBDA_TASK_ROOT", task.toString());
    env.put("_HANDLER", HANDLER);
    env.put("AWS_LAMBDA_FUNCTION_NAME", "trainwatch-functions");
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
    env.put("AWS_REGION", "eu-west-1");
    env.put("POSTGRES_DB", System.getenv().getOrDefault("POSTGRES_TEST_DB", "trainwatch_test"));
    env.put("TRAINWATCH_KEY_PREFIX", "twtest");
    env.put("TRAINWATCH_SWEEP_SCHEDULED", "false");
    env.put("KUBERNETES_MASTER", MockCluster.masterUrl(cluster));
    env.put("TRAINWATCH_JWT_PUBLIC_KEY", TestTokens.publicKeyFile().toString());
    env.put("TRAINWATCH_JWT_PRIVATE_KEY", TestTokens.privateKeyFile().toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(
        Path.of(System.getProperty("trainwatch.lambda.zip")).resolveSibling("lambda.log").toFile());
    runtime = builder.start();
  }

  /**
   * How Lambda starts the zip. A native build (profile native) holds a {@code bootstrap} executable
   * for the custom runtime, which Lambda runs as it is. Otherwise, as the managed Java runtime
   * does: only the runtime client is on the class path, and it loads the function itself from its
   * working directory (the unzipped function.zip and its lib/).
   */
  private static List<String> runtimeCommand() {
    Path bootstrap = task.resolve("bootstrap");
    if (Files.isRegularFile(bootstrap)) {
      bootstrap.toFile().setExecutable(true);
      return List.of(bootstrap.toString());
    }
    return List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp",
        System.getProperty("trainwatch.lambda.runtime-client") + File.separator + "*",
        "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
        HANDLER);
  }

  @AfterAll
  static void stopTheRuntime() {
    if (runtime != null) {
      runtime.destroy();
    }
    if (runtimeApi != null) {
      runtimeApi.close();
    }
    if (cluster != null) {
      cluster.destroy();
    }
  }

  @Test
  void submitsIngestsAndReadsBackThroughApiGatewayEvents() throws Exception {
    JsonNode created = call("POST", JOBS, submission(2));
    assertThat(created.get("statusCode").asInt()).isEqualTo(201);
    long job = body(created).get("job_id").asLong();
    assertThat(cluster.createClient().batch().v1().jobs().inAnyNamespace().list().getItems())
        .anyMatch(j -> j.getMetadata().getName().equals("training-job-" + job));

    StringBuilder batch = new StringBuilder("{\"points\":[");
    for (int i = 0; i < 5000; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"epoch\":1,\"step\":").append(i);
      batch.append(",\"metrics\":{\"loss\":0.5}}");
    }
    JsonNode ingested = call("POST", JOBS + "/" + job + "/metrics", batch.append("]}").toString());
    assertThat(ingested.get("statusCode").asInt()).isEqualTo(200);

    JsonNode history = call("GET", JOBS + "/" + job + "/metrics?limit=5000", null);
    assertThat(history.get("statusCode").asInt()).isEqualTo(200);
    assertThat(body(history).get("points")).hasSize(5000);
    assertThat(body(call("GET", JOBS + "/" + job, null)).get("status").asText())
        .isEqualTo("running");
  }

  @Test
  void badInputGetsTheSameJsonErrorAsOverHttp() throws Exception {
    JsonNode refused = call("POST", JOBS, submission(0));
    assertThat(refused.get("statusCode").asInt()).isEqualTo(400);
    assertThat(body(refused).get("error").asText()).isEqualTo("bad_request");
    assertThat(body(refused).get("message").asText()).contains("'num_epochs' must be between 1");
  }

  @Test
  void theSecurityEdgeHoldsInTheZip() throws Exception {
    JsonNode rebound = call("GET", JOBS, null, Map.of("host", "rebound.attacker.example"));
    assertThat(rebound.get("statusCode").asInt()).isEqualTo(421);
    JsonNode forever =
        call(
            "GET",
            JOBS,
            null,
            Map.of("authorization", "Bearer " + TestTokens.apiLiving(Duration.ofDays(36_500))));
    assertThat(forever.get("statusCode").asInt()).isEqualTo(401);
    JsonNode local =
        call("POST", JOBS, submission(1).replace("\"kubernetes\"", "\"local\""), Map.of());
    assertThat(local.get("statusCode").asInt()).isEqualTo(400);
    assertThat(body(local).get("message").asText()).contains("trainwatch.executor.local.enabled");
  }

  @Test
  void theScheduledSweepEventOfTheSamTemplateRunsTheSweep() throws Exception {
    JsonNode done =
        JSON.readTree(runtimeApi.invoke(sweepInputOfTheTemplate(), Duration.ofSeconds(60)));
    assertThat(done.get("statusCode").asInt()).isEqualTo(200);
    assertThat(body(done).has("checked")).isTrue();
  }

  private static String submission(int epochs) {
    return "{\"model_name\":\"lambda\",\"framework\":\"pytorch\",\"dataset_path\":\"s3://d\","
        + "\"batch_size\":8,\"executor_type\":\"kubernetes\",\"num_epochs\":"
        + epochs
        + "}";
  }

  /**
   * The schedule's Input line in infra/aws/template.yaml, so what is deployed is what is tested.
   */
  private static String sweepInputOfTheTemplate() throws IOException {
    Path template =
        Path.of(System.getProperty("trainwatch.root", "..")).resolve("infra/aws/template.yaml");
    List<String> inputs =
        Files.readAllLines(template).stream()
            .map(String::strip)
            .filter(line -> line.startsWith("Input: '"))
            .toList();
    assertThat(inputs).hasSize(1);
    String line = inputs.get(0);
    return line.substring("Input: '".length(), line.length() - 1);
  }

  private static JsonNode call(String method, String target, String body) throws Exception {
    return call(method, target, body, Map.of());
  }

  /** An API Gateway v2 event for the request, with {@code headers} over the default ones. */
  private static JsonNode call(
      String method, String target, String body, Map<String, String> headers) throws Exception {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    ObjectNode event = JSON.createObjectNode();
    event.put("version", "2.0");
    event.put("routeKey", "$default");
    event.put("rawPath", path);
    event.put("rawQueryString", query < 0 ? "" : target.substring(query + 1));
    ObjectNode sent =
        event
            .putObject("headers")
            .put("content-type", "application/json")
            .put("authorization", "Bearer " + TestTokens.api());
    headers.forEach(sent::put);
    ObjectNode context = event.putObject("requestContext");
    context.put("routeKey", "$default").put("stage", "$default").put("requestId", "test");
    context
        .putObject("http")
        .put("method", method)
        .put("path", path)
        .put("protocol", "HTTP/1.1")
        .put("sourceIp", "127.0.0.1");
    if (body != null) {
      event.put("body", body).put("isBase64Encoded", false);
    }
    // The first call waits for the runtime's start as well.
    return JSON.readTree(runtimeApi.invoke(JSON.writeValueAsString(event), Duration.ofSeconds(90)));
  }

  private static JsonNode body(JsonNode response) throws IOException {
    String text = response.get("body").asText();
    if (response.path("isBase64Encoded").asBoolean()) {
      text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }
    return JSON.readTree(text);
  }

  private static void unzip(Path zip, Path into) throws IOException {
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream entries = new ZipInputStream(in)) {
      for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
        Path target = into.resolve(entry.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("entry outside the zip's root: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          // Quarkus writes some transformed classes twice; the later entry wins, as with unzip.
          Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
