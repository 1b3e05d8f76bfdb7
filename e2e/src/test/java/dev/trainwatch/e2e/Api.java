package dev.trainwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainwatch.testing.TestSocket;
import dev.trainwatch.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** What end-to-end tests do with the running system: submit, report, and watch like a browser. */
final class Api {

  private final RunningSystem system;

  Api(RunningSystem system) {
    this.system = system;
  }

  /** A request with an API token that grants every project, as scripts send them. */
  static RequestSpecification given() {
    return RestAssured.given().header("Authorization", "Bearer " + TestTokens.api());
  }

  /** Connects like a browser and takes the relay's greeting. */
  static TestSocket open(URI uri) throws InterruptedException {
    TestSocket socket = TestSocket.open(uri);
    assertThat(socket.next()).startsWith("{\"type\":\"connected\"");
    return socket;
  }

  /** Submits a kubernetes job (it waits, pending, in the mock cluster); returns its id. */
  long submitKubernetes(Long session) {
    return submit(session, "kubernetes", null);
  }

  /** Submits a local job of {@code session} running {@code python3 -c script}; returns its id. */
  long submitLocal(long session, String script) {
    return submit(session, "local", List.of("python3", "-c", script));
  }

  void postMetric(long job, int epoch, String timestamp) {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"epoch\":"
                + epoch
                + ",\"metrics\":{\"loss\":0.5,\"accuracy\":0.75},\"timestamp\":\""
                + timestamp
                + "\"}")
        .post(system.functions("/api/v1/training/jobs/" + job + "/metrics"))
        .then()
        .statusCode(200);
  }

  /** The next {@code count} messages on the socket. */
  static List<String> take(TestSocket socket, int count) throws InterruptedException {
    List<String> messages = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      messages.add(socket.next());
    }
    return messages;
  }

  private long submit(Long session, String executor, List<String> command) {
    StringBuilder body =
        new StringBuilder(
                "{\"model_name\":\"yolo11n\",\"framework\":\"ultralytics\",\"dataset_path\":\"s3://bucket/dataset\","
                    + "\"num_epochs\":3,\"batch_size\":16,\"executor_type\":\"")
            .append(executor)
            .append('"');
    if (session != null) {
      body.append(",\"session_id\":").append(session);
    }
    if (command != null) {
      body.append(",\"command\":[");
      for (int i = 0; i < command.size(); i++) {
        body.append(i == 0 ? "" : ",")
            .append('"')
            .append(command.get(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
            .append('"');
      }
      body.append(']');
    }
    body.append('}');
    return given()
        .contentType(ContentType.JSON)
        .body(body.toString())
        .post(system.functions("/api/v1/training/jobs"))
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("job_id");
  }

  /** Every stored event's seq of the job is at most this: its newest one. */
  long lastStoredSeq(long job) {
    List<Long> all =
        given()
            .queryParam("limit", 100000)
            .get(system.functions("/api/v1/training/jobs/" + job + "/events"))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("events.seq", Long.class);
    return all.get(all.size() - 1);
  }

  /**
   * Posts point {@code epoch} with an idempotency key of its own (under {@code keyPrefix}), again
   * and again while the functions answer anything but 200 (an outage, a failover).
   */
  void postUntilStored(long job, int epoch, String keyPrefix) {
    for (int attempt = 0; attempt < 300; attempt++) {
      int status =
          given()
              .contentType("application/json")
              .header("Idempotency-Key", keyPrefix + "-" + job + "-" + epoch)
              .body("{\"epoch\":" + epoch + ",\"metrics\":{\"loss\":0.5}}")
              .post(system.functions("/api/v1/training/jobs/" + job + "/metrics"))
              .statusCode();
      if (status == 200) {
        return;
      }
      sleep(100);
    }
    throw new IllegalStateException("point " + epoch + " of job " + job + " was never stored");
  }

  /** Waits; an interruption ends the test. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
